/* Tiny assertion macros for unit tests: each prints both values and the
 * place on failure and makes the test exit non-zero. */
#ifndef LU_TEST_H
#define LU_TEST_H

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int test_failures;

#define TEST_FAIL_AT(...)                                                      \
    do {                                                                       \
        fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                        \
        fprintf(stderr, __VA_ARGS__);                                          \
        fputc('\n', stderr);                                                   \
        test_failures++;                                                       \
    } while (0)

#define ASSERT_TRUE(c)                                                         \
    do {                                                                       \
        if (!(c))                                                              \
            TEST_FAIL_AT("expected true: %s", #c);                             \
    } while (0)

#define ASSERT_EQ(a, b)                                                        \
    do {                                                                       \
        long long va_ = (long long)(a), vb_ = (long long)(b);                  \
        if (va_ != vb_)                                                        \
            TEST_FAIL_AT("%s == %s: %lld != %lld", #a, #b, va_, vb_);          \
    } while (0)

#define ASSERT_STREQ(a, b)                                                     \
    do {                                                                       \
        const char *sa_ = (a), *sb_ = (b);                                     \
        if (sa_ == NULL || sb_ == NULL || strcmp(sa_, sb_) != 0)               \
            TEST_FAIL_AT("%s == %s: \"%s\" != \"%s\"", #a, #b,                 \
                         sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");          \
    } while (0)

/* Substring check, for error messages. */
#define ASSERT_CONTAINS(hay, needle)                                           \
    do {                                                                       \
        const char *h_ = (hay), *n_ = (needle);                                \
        if (h_ == NULL || strstr(h_, n_) == NULL)                              \
            TEST_FAIL_AT("\"%s\" does not contain \"%s\"", h_ ? h_ : "(null)", \
                         n_);                                                  \
    } while (0)

/* Removes a flat scratch directory made with mkdtemp() and its files. */
static inline void test_rm_dir(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *de;

    while (d != NULL && (de = readdir(d)) != NULL) {
        char p[4096];

        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
        unlink(p);
    }
    if (d != NULL)
        closedir(d);
    rmdir(path);
}

#define TEST_DONE()                                                            \
    do {                                                                       \
        if (test_failures) {                                                   \
            fprintf(stderr, "%d failure(s)\n", test_failures);                 \
            return 1;                                                          \
        }                                                                      \
        printf("ok\n");                                                        \
        return 0;                                                              \
    } while (0)

#endif
