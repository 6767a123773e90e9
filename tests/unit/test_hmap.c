/* Tests for common/hmap.c: lookups, replacement and removal agree with a
 * plain array through thousands of random puts and deletes (removal shifts
 * entries back, so every entry must stay findable), binary keys with NUL
 * bytes, conditional removal, and an empty table. */
#include <stdbool.h>

#include "hmap.h"
#include "test.h"

#define N 5000

struct item {
    char key[24];
    size_t len;
    bool in;
};

static struct item items[N];

static void test_empty(void)
{
    struct lu_hmap *m = lu_hmap_new();

    ASSERT_EQ(lu_hmap_count(m), 0);
    ASSERT_TRUE(lu_hmap_gets(m, "nobody") == NULL);
    ASSERT_TRUE(lu_hmap_del(m, "nobody", 6) == NULL);
    ASSERT_EQ(lu_hmap_del_if(m, "nobody", 6, items), 0);
    lu_hmap_free(m);
    lu_hmap_free(NULL);
}

/* Every item is found exactly when it is in, and maps to itself. */
static void check_all(struct lu_hmap *m)
{
    size_t in = 0;

    for (size_t i = 0; i < N; i++) {
        void *v = lu_hmap_get(m, items[i].key, items[i].len);

        if (items[i].in) {
            in++;
            if (v != &items[i])
                TEST_FAIL_AT("item %zu not found", i);
        } else if (v != NULL) {
            TEST_FAIL_AT("item %zu found after removal", i);
        }
    }
    ASSERT_EQ(lu_hmap_count(m), in);
}

static void test_random_against_array(void)
{
    struct lu_hmap *m = lu_hmap_new();
    unsigned seed = 19;

    for (size_t i = 0; i < N; i++) {
        /* Keys with NUL bytes in them, and prefixes of each other. */
        items[i].len =
            (size_t)snprintf(items[i].key, sizeof(items[i].key), "n%zu", i);
        items[i].key[items[i].len++] = '\0';
        items[i].key[items[i].len++] = (char)(i % 7);
    }
    for (int round = 0; round < 20; round++) {
        for (int k = 0; k < N; k++) {
            size_t i = (size_t)rand_r(&seed) % N;

            if (items[i].in) {
                ASSERT_TRUE(lu_hmap_del(m, items[i].key, items[i].len) ==
                            &items[i]);
                items[i].in = false;
            } else {
                ASSERT_TRUE(lu_hmap_put(m, items[i].key, items[i].len,
                                        &items[i]) == NULL);
                items[i].in = true;
            }
        }
        check_all(m);
    }
    lu_hmap_free(m);
}

static void test_replace_and_del_if(void)
{
    struct lu_hmap *m = lu_hmap_new();
    int old = 1, newer = 2;

    ASSERT_TRUE(lu_hmap_puts(m, "cq-wanzhou", &old) == NULL);
    ASSERT_TRUE(lu_hmap_puts(m, "cq-wanzhou", &newer) == &old);
    ASSERT_EQ(lu_hmap_count(m), 1);
    /* The old value no longer owns the key: it must not remove the new. */
    ASSERT_EQ(lu_hmap_del_if(m, "cq-wanzhou", 10, &old), 0);
    ASSERT_TRUE(lu_hmap_gets(m, "cq-wanzhou") == &newer);
    ASSERT_EQ(lu_hmap_del_if(m, "cq-wanzhou", 10, &newer), 1);
    ASSERT_TRUE(lu_hmap_gets(m, "cq-wanzhou") == NULL);
    /* A prefix is another key. */
    lu_hmap_puts(m, "cq", &old);
    ASSERT_TRUE(lu_hmap_gets(m, "cq-") == NULL);
    ASSERT_TRUE(lu_hmap_get(m, "cq-wanzhou", 2) == &old);
    lu_hmap_free(m);
}

int main(void)
{
    test_empty();
    test_random_against_array();
    test_replace_and_del_if();
    return test_failures ? 1 : 0;
}
