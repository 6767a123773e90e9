/* Tests for node/outbox.c: entries get consecutive seqs, acks and rejects
 * move them out of pending, and all of it survives closing and reopening;
 * an outbox of another node and a file that is not a database are refused
 * without touching them; listings link corrections into chains and mark
 * each chain's current entry. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "outbox.h"
#include "test.h"
#include "users.h"
#include "util.h"

/* Removes dir and the files in it. */
static void rm_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    while (d != NULL && (de = readdir(d)) != NULL) {
        char path[4096];

        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        unlink(path);
    }
    if (d != NULL)
        closedir(d);
    rmdir(dir);
}

static void make_entry(Luyu__Entry *e, int64_t amount, const char *corrects)
{
    luyu__entry__init(e);
    e->unit = "cq-wanzhou";
    e->indicator = "agri_sales_to_sd";
    e->period = 201905;
    e->amount = amount;
    e->note = "第一批";
    e->recorded_by = "li";
    e->recorded_at = 1557000000;
    e->corrects = (char *)corrects;
}

static void expect_stats(const struct node_outbox *ob, uint64_t pending,
                         uint64_t acked, uint64_t rejected, uint64_t last_seq,
                         uint64_t first_pending, int line)
{
    struct node_outbox_stats st;

    node_outbox_stats(ob, &st);
    if (st.pending != pending || st.acknowledged != acked ||
        st.rejected != rejected || st.last_seq != last_seq ||
        node_outbox_first_pending(ob) != first_pending) {
        fprintf(stderr,
                "%s:%d: stats pending %" PRIu64 " acknowledged %" PRIu64
                " rejected %" PRIu64 " last_seq %" PRIu64
                " first_pending %" PRIu64 ", expected %" PRIu64 " %" PRIu64
                " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
                __FILE__, line, st.pending, st.acknowledged, st.rejected,
                st.last_seq, node_outbox_first_pending(ob), pending, acked,
                rejected, last_seq, first_pending);
        test_failures++;
    }
}

#define EXPECT_STATS(ob, p, a, r, last, first)                                 \
    expect_stats((ob), (p), (a), (r), (last), (first), __LINE__)

static void free_entry_strings(Luyu__Entry *e)
{
    node_outbox_entry_clear(e);
}

/* Appends, reads, acks; returns the outbox still open. */
static struct node_outbox *fill(const char *dir)
{
    struct node_outbox *ob = NULL;
    Luyu__Entry e[3], *ep[3] = {&e[0], &e[1], &e[2]};
    Luyu__Reject rj = LUYU__REJECT__INIT, *rjp[1] = {&rj};
    struct node_batch b;
    struct node_outbox_stats st;
    char err[512] = "";
    int64_t before = lu_now_s();

    ASSERT_EQ(node_outbox_open(dir, "n1", &ob, err, sizeof(err)), 0);
    if (ob == NULL) {
        fprintf(stderr, "open: %s\n", err);
        return NULL;
    }
    EXPECT_STATS(ob, 0, 0, 0, 0, 1);
    node_outbox_stats(ob, &st);
    ASSERT_EQ(st.last_ack_s, 0);

    make_entry(&e[0], 100, "");
    make_entry(&e[1], 200, "");
    make_entry(&e[2], 150, "n1/1");
    ASSERT_EQ(node_outbox_append(ob, ep, 3, NULL), 0);
    ASSERT_EQ(e[0].seq, 1);
    ASSERT_EQ(e[1].seq, 2);
    ASSERT_EQ(e[2].seq, 3);
    EXPECT_STATS(ob, 3, 0, 0, 3, 1);

    ASSERT_EQ(node_outbox_read(ob, 2, 10, &b), 0);
    ASSERT_EQ(b.n, 2);
    if (b.n == 2) {
        ASSERT_EQ(b.entries[0]->seq, 2);
        ASSERT_EQ(b.entries[0]->amount, 200);
        ASSERT_EQ(b.entries[1]->seq, 3);
        ASSERT_EQ(b.entries[1]->amount, 150);
        ASSERT_STREQ(b.entries[1]->unit, "cq-wanzhou");
        ASSERT_STREQ(b.entries[1]->indicator, "agri_sales_to_sd");
        ASSERT_EQ(b.entries[1]->period, 201905);
        ASSERT_STREQ(b.entries[1]->note, "第一批");
        ASSERT_STREQ(b.entries[1]->recorded_by, "li");
        ASSERT_EQ(b.entries[1]->recorded_at, 1557000000);
        ASSERT_STREQ(b.entries[1]->corrects, "n1/1");
        ASSERT_STREQ(b.entries[0]->corrects, "");
    }
    node_batch_clear(&b);
    ASSERT_EQ(b.n, 0);
    ASSERT_TRUE(b.entries == NULL);

    /* max limits the batch; from past the end reads nothing. */
    ASSERT_EQ(node_outbox_read(ob, 1, 2, &b), 0);
    ASSERT_EQ(b.n, 2);
    if (b.n == 2)
        ASSERT_EQ(b.entries[1]->seq, 2);
    node_batch_clear(&b);
    ASSERT_EQ(node_outbox_read(ob, 4, 10, &b), 0);
    ASSERT_EQ(b.n, 0);
    node_batch_clear(&b);

    rj.seq = 1;
    rj.reason = "unknown indicator \"agri_sale\"";
    ASSERT_EQ(node_outbox_ack(ob, 2, rjp, 1), 0);
    EXPECT_STATS(ob, 1, 1, 1, 3, 3);
    node_outbox_stats(ob, &st);
    ASSERT_TRUE(st.last_ack_s >= before && st.last_ack_s <= lu_now_s());

    /* An old ack (upto below first pending) changes nothing. */
    ASSERT_EQ(node_outbox_ack(ob, 2, NULL, 0), 0);
    ASSERT_EQ(node_outbox_ack(ob, 1, rjp, 1), 0);
    EXPECT_STATS(ob, 1, 1, 1, 3, 3);
    return ob;
}

static void check_get(struct node_outbox *ob)
{
    Luyu__Entry e;
    int state = -1;

    ASSERT_EQ(node_outbox_get(ob, 3, &e, &state), 0);
    if (state != -1) {
        ASSERT_EQ(state, NODE_PENDING);
        ASSERT_EQ(e.seq, 3);
        ASSERT_EQ(e.amount, 150);
        ASSERT_STREQ(e.corrects, "n1/1");
        ASSERT_STREQ(e.unit, "cq-wanzhou");
        ASSERT_EQ(e.period, 201905);
        free_entry_strings(&e);
    }
    state = -1;
    ASSERT_EQ(node_outbox_get(ob, 1, &e, &state), 0);
    if (state != -1) {
        ASSERT_EQ(state, NODE_REJECTED);
        ASSERT_EQ(e.amount, 100);
        ASSERT_STREQ(e.corrects, "");
        free_entry_strings(&e);
    }
    state = -1;
    ASSERT_EQ(node_outbox_get(ob, 2, &e, &state), 0);
    if (state != -1) {
        ASSERT_EQ(state, NODE_ACKED);
        free_entry_strings(&e);
    }
    ASSERT_EQ(node_outbox_get(ob, 4, &e, &state), -ENOENT);
    ASSERT_EQ(node_outbox_get(ob, 0, &e, &state), -ENOENT);
}

static void check_rejects(struct node_outbox *ob)
{
    char *ids[4] = {NULL}, *reasons[4] = {NULL};
    int codes[4];
    size_t n = node_outbox_rejects(ob, 4, ids, reasons, codes);

    ASSERT_EQ(n, 1);
    ASSERT_STREQ(ids[0], "n1/1");
    ASSERT_STREQ(reasons[0], "unknown indicator \"agri_sale\"");
    ASSERT_EQ(codes[0], 0); /* an older hub's reject: no code */
    for (size_t i = 0; i < n; i++) {
        free(ids[i]);
        free(reasons[i]);
    }
}

static void test_outbox(void)
{
    char dir[] = "/tmp/luyu-test-outbox-XXXXXX";
    struct node_outbox *ob = NULL, *other = NULL;
    struct node_outbox_stats st1, st2;
    Luyu__Entry e, *ep[1] = {&e};
    char err[512] = "";

    if (mkdtemp(dir) == NULL) {
        TEST_FAIL_AT("mkdtemp: %s", strerror(errno));
        return;
    }
    ob = fill(dir);
    if (ob == NULL)
        goto out;
    check_get(ob);
    check_rejects(ob);
    node_outbox_stats(ob, &st1);
    node_outbox_free(ob);

    /* Everything is on disk: a reopened outbox says the same. */
    ob = NULL;
    ASSERT_EQ(node_outbox_open(dir, "n1", &ob, err, sizeof(err)), 0);
    if (ob == NULL) {
        fprintf(stderr, "reopen: %s\n", err);
        goto out;
    }
    EXPECT_STATS(ob, 1, 1, 1, 3, 3);
    node_outbox_stats(ob, &st2);
    ASSERT_EQ(st2.last_ack_s, st1.last_ack_s);
    check_get(ob);
    check_rejects(ob);

    /* Seqs go on from where they were; acking past the end clamps. */
    make_entry(&e, 5, "");
    ASSERT_EQ(node_outbox_append(ob, ep, 1, NULL), 0);
    ASSERT_EQ(e.seq, 4);
    EXPECT_STATS(ob, 2, 1, 1, 4, 3);
    ASSERT_EQ(node_outbox_ack(ob, 9, NULL, 0), 0);
    EXPECT_STATS(ob, 0, 3, 1, 4, 5);
    node_outbox_free(ob);
    ob = NULL;

    /* Another node's outbox is refused, naming both ids. */
    err[0] = '\0';
    ASSERT_TRUE(node_outbox_open(dir, "n2", &other, err, sizeof(err)) < 0);
    ASSERT_TRUE(other == NULL);
    ASSERT_CONTAINS(err, "belongs to node \"n1\", not \"n2\"");
    ASSERT_CONTAINS(err, "outbox.db");
    node_outbox_free(other);

    /* ... and refusing it did not change it. */
    ASSERT_EQ(node_outbox_open(dir, "n1", &ob, err, sizeof(err)), 0);
    if (ob != NULL)
        EXPECT_STATS(ob, 0, 3, 1, 4, 5);
out:
    node_outbox_free(ob);
    rm_dir(dir);
}

/* A keyed import is stored once: the repeat stores nothing and names the
 * first one; a dry-run lookup sees it; another key stores anew; and the
 * key survives a reopen (it was committed with the entries). */
static void test_import_key(void)
{
    char dir[] = "/tmp/luyu-test-outbox-XXXXXX";
    struct node_outbox *ob = NULL;
    Luyu__Entry e[2], *ep[2] = {&e[0], &e[1]};
    uint8_t k1[NODE_IMPORT_KEY_LEN], k2[NODE_IMPORT_KEY_LEN];
    struct node_outbox_import im = {.key = k1};
    char err[512] = "";

    memset(k1, 1, sizeof(k1));
    memset(k2, 2, sizeof(k2));
    ASSERT_TRUE(mkdtemp(dir) != NULL);
    ASSERT_EQ(node_outbox_open(dir, "n1", &ob, err, sizeof(err)), 0);
    if (ob == NULL)
        goto out;
    make_entry(&e[0], 100, "");
    make_entry(&e[1], 200, "");
    ASSERT_EQ(node_outbox_import_find(ob, &im), 0);
    ASSERT_EQ(node_outbox_append(ob, ep, 2, &im), 0);
    ASSERT_EQ(e[1].seq, 2);
    e[0].seq = e[1].seq = 0;
    ASSERT_EQ(node_outbox_append(ob, ep, 2, &im), 1);
    ASSERT_EQ(im.first_seq, 1);
    ASSERT_EQ(im.n, 2);
    ASSERT_STREQ(im.by, "li");
    ASSERT_TRUE(im.at >= lu_now_s() - 5);
    ASSERT_EQ(e[0].seq, 0);
    EXPECT_STATS(ob, 2, 0, 0, 2, 1);
    im.key = k2;
    ASSERT_EQ(node_outbox_append(ob, ep, 2, &im), 0);
    ASSERT_EQ(e[0].seq, 3);
    EXPECT_STATS(ob, 4, 0, 0, 4, 1);
    node_outbox_free(ob);
    ob = NULL;
    ASSERT_EQ(node_outbox_open(dir, "n1", &ob, err, sizeof(err)), 0);
    im = (struct node_outbox_import){.key = k2};
    if (ob != NULL) {
        ASSERT_EQ(node_outbox_import_find(ob, &im), 1);
        ASSERT_EQ(im.first_seq, 3);
        ASSERT_EQ(node_outbox_append(ob, ep, 2, &im), 1);
        EXPECT_STATS(ob, 4, 0, 0, 4, 1);
    }
out:
    node_outbox_free(ob);
    rm_dir(dir);
}

/* Lists of chains: A(1) <- B(2) <- C(3); D(4) <- E(5), E rejected; F(6)
 * another indicator. Current: C, D (E was rejected), F. */
static void test_list(void)
{
    char dir[] = "/tmp/luyu-test-outbox-XXXXXX";
    static const char *const corrects[] = {"", "n1/1", "n1/2", "", "n1/4", ""};
    static const int current[] = {0, 0, 1, 1, 0, 1};
    static const uint64_t roots[] = {1, 1, 1, 4, 4, 6};
    struct node_outbox *ob = NULL;
    struct node_outbox_list l = {0};
    struct node_outbox_filter f = {0};
    Luyu__Entry e[6], *ep[6];
    Luyu__Reject rej = LUYU__REJECT__INIT, *rp = &rej;
    char err[512] = "";

    ASSERT_TRUE(mkdtemp(dir) != NULL);
    ASSERT_EQ(node_outbox_open(dir, "n1", &ob, err, sizeof(err)), 0);
    if (ob == NULL)
        goto out;
    for (size_t i = 0; i < 6; i++) {
        make_entry(&e[i], 100 * (int64_t)(i + 1), corrects[i]);
        ep[i] = &e[i];
    }
    e[5].indicator = "cadres_to_sd";
    ASSERT_EQ(node_outbox_append(ob, ep, 6, NULL), 0);
    rej.seq = 5;
    rej.reason = "corrects n1/4, which is a different figure";
    rej.code = LUYU__REJECT_CODE__REJECT_BAD_CORRECTION;
    ASSERT_EQ(node_outbox_ack(ob, 6, &rp, 1), 0);

    ASSERT_EQ(node_outbox_list(ob, &f, &l), 0);
    ASSERT_EQ(l.n, 6);
    ASSERT_EQ(l.omitted, 0);
    for (size_t i = 0; i < l.n && i < 6; i++) {
        ASSERT_EQ(l.rows[i].e.seq, i + 1);
        ASSERT_EQ(l.rows[i].root, roots[i]);
        ASSERT_EQ(l.rows[i].current, current[i]);
        ASSERT_EQ(l.rows[i].state, i == 4 ? NODE_REJECTED : NODE_ACKED);
    }
    ASSERT_EQ(l.rows[2].corrects_seq, 2);
    /* The code is kept with the reason and comes back apart from it. */
    ASSERT_STREQ(l.rows[4].reason, rej.reason);
    ASSERT_EQ(l.rows[4].reject_code, LUYU__REJECT_CODE__REJECT_BAD_CORRECTION);
    ASSERT_EQ(l.rows[0].reject_code, 0);
    ASSERT_STREQ(l.rows[0].reason, "");
    ASSERT_STREQ(l.rows[0].e.note, "第一批");
    node_outbox_list_free(&l);

    /* The newest two: E's chain reaches back beyond the listing. */
    f.limit = 2;
    ASSERT_EQ(node_outbox_list(ob, &f, &l), 0);
    ASSERT_EQ(l.n, 2);
    ASSERT_EQ(l.omitted, 4);
    if (l.n == 2) {
        ASSERT_EQ(l.rows[0].e.seq, 5);
        ASSERT_EQ(l.rows[0].root, 4);
        ASSERT_EQ(l.rows[0].current, 0);
        ASSERT_EQ(l.rows[1].current, 1);
    }
    node_outbox_list_free(&l);

    f = (struct node_outbox_filter){.indicator = "cadres_to_sd"};
    ASSERT_EQ(node_outbox_list(ob, &f, &l), 0);
    ASSERT_EQ(l.n, 1);
    node_outbox_list_free(&l);
    f = (struct node_outbox_filter){.period = 201906};
    ASSERT_EQ(node_outbox_list(ob, &f, &l), 0);
    ASSERT_EQ(l.n, 0);
    node_outbox_list_free(&l);
out:
    node_outbox_free(ob);
    rm_dir(dir);
}

static void test_not_a_database(void)
{
    char dir[] = "/tmp/luyu-test-outbox-XXXXXX";
    char path[4096], junk[2048], err[512] = "";
    struct node_outbox *ob = NULL;
    char *back = NULL;
    size_t len = 0;
    FILE *fp;

    if (mkdtemp(dir) == NULL) {
        TEST_FAIL_AT("mkdtemp: %s", strerror(errno));
        return;
    }
    for (size_t i = 0; i < sizeof(junk); i++)
        junk[i] = "not a database; just some junk\n"[i % 31];
    snprintf(path, sizeof(path), "%s/outbox.db", dir);
    fp = fopen(path, "wb");
    ASSERT_TRUE(fp != NULL);
    if (fp == NULL)
        goto out;
    fwrite(junk, 1, sizeof(junk), fp);
    fclose(fp);

    ASSERT_TRUE(node_outbox_open(dir, "n1", &ob, err, sizeof(err)) < 0);
    ASSERT_TRUE(ob == NULL);
    ASSERT_CONTAINS(err, path);
    ASSERT_CONTAINS(err, "not a database");

    ASSERT_EQ(lu_read_file(path, 1 << 20, &back, &len), 0);
    ASSERT_EQ(len, sizeof(junk));
    ASSERT_TRUE(back != NULL && memcmp(back, junk, sizeof(junk)) == 0);
    free(back);
out:
    node_outbox_free(ob);
    rm_dir(dir);
}

/* node/users.c: web users in the outbox's file, on its connection. */
static void test_users(void)
{
    char dir[] = "/tmp/luyu-test-outbox-XXXXXX";
    struct node_outbox *ob = NULL;
    struct lu_webuser u = {0}, got, *all = NULL;
    char hash[crypto_pwhash_STRBYTES], err[512] = "";
    size_t n = 0;

    ASSERT_TRUE(lu_units_has("a, b,c", "b"));
    ASSERT_TRUE(lu_units_has("a, b,c", "c"));
    ASSERT_TRUE(!lu_units_has("a, b,c", "d"));
    ASSERT_TRUE(!lu_units_has("ab", "a"));
    ASSERT_TRUE(lu_units_subset("c,a", "a, b,c"));
    ASSERT_TRUE(lu_units_subset("", "a"));
    ASSERT_TRUE(!lu_units_subset("a,x", "a,b"));
    ASSERT_TRUE(lu_webuser_name_valid("wang.li-2"));
    ASSERT_TRUE(!lu_webuser_name_valid("Wang"));
    ASSERT_TRUE(!lu_webuser_name_valid("a234567890123456789012345678901234"));
    ASSERT_TRUE(node_user_role_valid("clerk"));
    ASSERT_TRUE(!node_user_role_valid("admin"));
    ASSERT_EQ(crypto_pwhash_str(hash, "secret12", 8, crypto_pwhash_OPSLIMIT_MIN,
                                crypto_pwhash_MEMLIMIT_MIN),
              0);
    ASSERT_TRUE(lu_webuser_hash_valid(hash));
    ASSERT_TRUE(!lu_webuser_hash_valid("$argon2id$v=19$m=1,t=1,p=1$x"));
    ASSERT_TRUE(!lu_webuser_hash_valid("secret12"));
    ASSERT_TRUE(mkdtemp(dir) != NULL);
    ASSERT_EQ(node_outbox_open(dir, "n1", &ob, err, sizeof(err)), 0);
    if (ob == NULL)
        goto out;
    snprintf(u.name, sizeof(u.name), "wangli");
    snprintf(u.role, sizeof(u.role), "clerk");
    snprintf(u.pwhash, sizeof(u.pwhash), "%s", hash);
    snprintf(u.created_by, sizeof(u.created_by), "root");
    ASSERT_EQ(node_users_add(ob, &u), 0);
    ASSERT_EQ(node_users_add(ob, &u), -EEXIST);
    ASSERT_EQ(node_users_disable(ob, "wangli"), 0);
    ASSERT_EQ(node_users_disable(ob, "nobody"), -ENOENT);
    ASSERT_EQ(node_users_get(ob, "wangli", &got), 0);
    ASSERT_TRUE(got.disabled);
    ASSERT_STREQ(node_user_units(&got, "a,b"), "a,b");
    ASSERT_EQ(node_users_passwd(ob, "wangli", hash), 0);
    ASSERT_EQ(node_users_passwd(ob, "nobody", hash), -ENOENT);
    node_outbox_free(ob);
    ob = NULL;
    /* It survives a reopen. */
    ASSERT_EQ(node_outbox_open(dir, "n1", &ob, err, sizeof(err)), 0);
    if (ob == NULL)
        goto out;
    ASSERT_EQ(node_users_list(ob, &all, &n), 0);
    ASSERT_EQ(n, 1);
    if (n == 1) {
        ASSERT_STREQ(all[0].name, "wangli");
        ASSERT_TRUE(!all[0].disabled);
        ASSERT_EQ(crypto_pwhash_str_verify(all[0].pwhash, "secret12", 8), 0);
    }
    ASSERT_EQ(node_users_get(ob, "nobody", &got), -ENOENT);
out:
    free(all);
    node_outbox_free(ob);
    rm_dir(dir);
}

int main(void)
{
    test_users();
    test_outbox();
    test_import_key();
    test_list();
    test_not_a_database();
    TEST_DONE();
}
