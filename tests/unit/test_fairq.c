/* Tests for the hub's fair queue (hub/fairq.c): connections with a backlog
 * are served in turn by bytes, a connection that was quiet is served
 * before the backlogs, each connection's messages keep their order and
 * routing id, and small messages on quiet connections count as urgent. */
#include "fairq.h"
#include "test.h"

static void push(struct hub_fairq *q, const char *rid, size_t size, int tag)
{
    zmq_msg_t m;

    zmq_msg_init_size(&m, size);
    memset(zmq_msg_data(&m), 0, size);
    memcpy(zmq_msg_data(&m), &tag, sizeof(tag));
    hub_fairq_push(q, (const unsigned char *)rid, strlen(rid), &m, tag != 5);
    ASSERT_EQ(zmq_msg_size(&m), 0); /* moved */
    zmq_msg_close(&m);
}

/* Pops one message; returns its tag, its routing id's first letter in
 * *who, its size in *size. -1 when empty. */
static int pop(struct hub_fairq *q, char *who, size_t *size, bool *urgent)
{
    unsigned char rid[256];
    size_t len = 0;
    zmq_msg_t m;
    int tag = -1;

    zmq_msg_init(&m);
    if (hub_fairq_pop(q, rid, &len, &m, urgent)) {
        memcpy(&tag, zmq_msg_data(&m), sizeof(tag));
        *who = len ? (char)rid[0] : '?';
        *size = zmq_msg_size(&m);
    }
    zmq_msg_close(&m);
    return tag;
}

static void test_backlogs_take_turns_by_bytes(void)
{
    struct hub_fairq *q = hub_fairq_new();
    size_t served_a = 0, served_b = 0, size;
    int next_a = 0, next_b = 0;
    bool urgent;
    char who;

    /* a sends 2,000-byte messages, b 1,000-byte ones: b gets two for
     * each of a's. */
    for (int i = 0; i < 10; i++)
        push(q, "a-node", 2000, i);
    for (int i = 0; i < 20; i++)
        push(q, "b-node", 1000, i);
    ASSERT_EQ(hub_fairq_messages(q), 30);
    ASSERT_EQ(hub_fairq_bytes(q), 40000);
    for (int i = 0; i < 30; i++) {
        int tag = pop(q, &who, &size, &urgent);

        if (who == 'a') {
            ASSERT_EQ(tag, next_a++); /* in order */
            served_a += size;
        } else {
            ASSERT_EQ(who, 'b');
            ASSERT_EQ(tag, next_b++);
            served_b += size;
        }
        /* Never more than one message apart while both have a backlog. */
        if (next_a < 10 && next_b < 20)
            ASSERT_TRUE(served_a <= served_b + 2000 &&
                        served_b <= served_a + 2000);
    }
    ASSERT_EQ(pop(q, &who, &size, &urgent), -1);
    ASSERT_EQ(hub_fairq_messages(q), 0);
    ASSERT_EQ(hub_fairq_bytes(q), 0);
    hub_fairq_free(q);
}

static void test_quiet_connection_goes_first(void)
{
    struct hub_fairq *q = hub_fairq_new();
    size_t size;
    bool urgent = false;
    char who = 0;
    int tag, i;

    for (i = 0; i < 8; i++) {
        push(q, "a-node", 40000, i);
        push(q, "b-node", 40000, i);
    }
    /* Serve a few: the backlogs' next start tags are past the clock. */
    for (i = 0; i < 4; i++)
        pop(q, &who, &size, &urgent);
    ASSERT_TRUE(!urgent);
    ASSERT_EQ(hub_fairq_urgent(q), 0);
    push(q, "clerk", 200, 99);
    ASSERT_EQ(hub_fairq_urgent(q), 1);
    /* The clerk's message is next. */
    tag = pop(q, &who, &size, &urgent);
    ASSERT_EQ(who, 'c');
    ASSERT_EQ(tag, 99);
    ASSERT_TRUE(urgent);
    ASSERT_EQ(hub_fairq_urgent(q), 0);
    hub_fairq_free(q); /* still holds messages: closed here (ASan) */
}

static void test_urgent_only_small_on_quiet(void)
{
    struct hub_fairq *q = hub_fairq_new();
    size_t size;
    bool urgent;
    char who;

    push(q, "a-node", 100, 1);  /* small, quiet: urgent */
    push(q, "a-node", 100, 2);  /* behind another: not */
    push(q, "b-node", 5000, 3); /* a backlog's batch: not */
    push(q, "", 10, 4);         /* no routing id: a queue of its own */
    push(q, "c-node", 10, 5);   /* small, quiet, not a batch: not */
    ASSERT_EQ(hub_fairq_urgent(q), 2);
    ASSERT_EQ(hub_fairq_messages(q), 5);
    for (int i = 0; i < 5; i++) {
        int tag = pop(q, &who, &size, &urgent);

        ASSERT_EQ(urgent, tag == 1 || tag == 4);
        if (tag == 4)
            ASSERT_EQ(who, '?');
    }
    ASSERT_EQ(hub_fairq_urgent(q), 0);
    hub_fairq_free(q);
    hub_fairq_free(NULL);
}

/* Thousands of connections (issue 19's reconnect storm), each with a
 * backlog pushed all at once, connection after connection: served in
 * rounds, one message of each before anyone's second, each connection's
 * in order. */
static void test_many_connections_take_rounds(void)
{
    enum { CONNS = 3000, EACH = 4 };
    struct hub_fairq *q = hub_fairq_new();
    static int served[CONNS];
    char rid[16], who;
    size_t size;
    bool urgent;

    for (int c = 0; c < CONNS; c++) {
        snprintf(rid, sizeof(rid), "n%d", c);
        for (int i = 0; i < EACH; i++)
            push(q, rid, 1000 + (size_t)(c % 7), c * EACH + i);
    }
    for (int round = 0; round < EACH; round++) {
        for (int k = 0; k < CONNS; k++) {
            int tag = pop(q, &who, &size, &urgent);
            int c = tag / EACH;

            ASSERT_TRUE(tag >= 0);
            ASSERT_EQ(tag % EACH, served[c]); /* its own order */
            ASSERT_EQ(served[c], round);      /* nobody twice a round */
            served[c]++;
        }
    }
    ASSERT_EQ(hub_fairq_messages(q), 0);
    hub_fairq_free(q);
}

int main(void)
{
    test_many_connections_take_rounds();
    test_backlogs_take_turns_by_bytes();
    test_quiet_connection_goes_first();
    test_urgent_only_small_on_quiet();
    return test_failures ? 1 : 0;
}
