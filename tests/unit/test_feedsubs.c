/* Tests for the feed's subscription set (hub/feedsubs.c): a topic is wanted
 * when a subscribed prefix starts it; an unsubscription takes the prefix
 * away; "" wants everything; past the bound every topic is wanted until
 * the extra prefixes leave; messages that are not subscriptions change
 * nothing. */
#include "feedsubs.h"
#include "test.h"

static void sub(struct hub_feedsubs *s, int on, const char *prefix)
{
    char m[256];
    size_t n = strlen(prefix);

    m[0] = (char)on;
    memcpy(m + 1, prefix, n);
    hub_feedsubs_message(s, m, n + 1);
}

static bool wanted(const struct hub_feedsubs *s, const char *topic)
{
    return hub_feedsubs_wanted(s, topic, strlen(topic));
}

static void test_prefixes(void)
{
    struct hub_feedsubs *s = hub_feedsubs_new();

    ASSERT_TRUE(!wanted(s, "entry.cq-wanzhou.gdp"));
    sub(s, 1, "entry.cq-wanzhou.");
    ASSERT_TRUE(wanted(s, "entry.cq-wanzhou.gdp"));
    ASSERT_TRUE(!wanted(s, "entry.cq-kaizhou.gdp"));
    ASSERT_TRUE(!wanted(s, "entry.cq-wanzhou")); /* shorter than the prefix */
    sub(s, 1, "reject.");
    ASSERT_TRUE(wanted(s, "reject.cq-kaizhou.gdp"));
    sub(s, 0, "entry.cq-wanzhou.");
    ASSERT_TRUE(!wanted(s, "entry.cq-wanzhou.gdp"));
    ASSERT_TRUE(wanted(s, "reject.cq-kaizhou.gdp"));
    sub(s, 1, "");
    ASSERT_TRUE(wanted(s, "entry.cq-kaizhou.gdp"));
    sub(s, 0, "");
    ASSERT_TRUE(!wanted(s, "entry.cq-kaizhou.gdp"));
    sub(s, 0, "never.subscribed"); /* nothing to take away */
    ASSERT_TRUE(wanted(s, "reject.x"));
    hub_feedsubs_free(s);
}

static void test_not_subscriptions(void)
{
    struct hub_feedsubs *s = hub_feedsubs_new();
    const char junk[] = {2, 'e', 'n'};

    hub_feedsubs_message(s, junk, sizeof(junk));
    hub_feedsubs_message(s, "", 0);
    ASSERT_TRUE(!wanted(s, "en"));
    ASSERT_TRUE(!wanted(s, ""));
    /* A prefix with a NUL in it is bytes like any other. */
    hub_feedsubs_message(s, "\1a\0b", 4);
    ASSERT_TRUE(hub_feedsubs_wanted(s, "a\0bc", 4));
    ASSERT_TRUE(!wanted(s, "a"));
    hub_feedsubs_free(s);
}

static void test_bound(void)
{
    struct hub_feedsubs *s = hub_feedsubs_new();
    char p[32];

    for (int i = 0; i < HUB_FEEDSUBS_MAX; i++) {
        snprintf(p, sizeof(p), "entry.u%d.", i);
        sub(s, 1, p);
    }
    ASSERT_TRUE(!wanted(s, "node.up"));
    sub(s, 1, "entry.extra1.");
    sub(s, 1, "entry.extra2.");
    ASSERT_TRUE(wanted(s, "node.up")); /* one not kept: all wanted */
    sub(s, 0, "entry.extra1.");
    ASSERT_TRUE(wanted(s, "node.up"));
    sub(s, 0, "entry.extra2.");
    ASSERT_TRUE(!wanted(s, "node.up"));
    ASSERT_TRUE(wanted(s, "entry.u7.gdp"));
    /* A kept one leaves: its place is free for a new one. */
    sub(s, 0, "entry.u7.");
    ASSERT_TRUE(!wanted(s, "entry.u7.gdp"));
    sub(s, 1, "node.");
    ASSERT_TRUE(wanted(s, "node.up"));
    ASSERT_TRUE(!wanted(s, "bulletin.issued"));
    hub_feedsubs_free(s);
}

int main(void)
{
    test_prefixes();
    test_not_subscriptions();
    test_bound();
    return test_failures ? 1 : 0;
}
