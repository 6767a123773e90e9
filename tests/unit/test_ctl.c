/* luyuctl's building blocks that need no daemon: the argument parser (both
 * spellings of an option, every mistake a user can make, --help winning),
 * terminal widths and sanitising of foreign text, times and ages, and
 * table alignment with Chinese names. The commands themselves are driven
 * against real daemons by tests/integration. The test links luyu_ctl,
 * the library luyuctl is made of. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "ctl.h"
#include "output.h"
#include "table.h"
#include "test.h"
#include "util.h"

static const char *unit, *amount, *dry;
static const char *pos[2];

/* Parses argv (NULL-terminated) with submit-like options. */
static int parse(struct ctl_args *a, char **argv)
{
    static const struct ctl_opt opts[] = {
        {"--unit", CTL_OPT_VALUE, &unit},
        {"--amount", CTL_OPT_VALUE, &amount},
        {"--dry-run", CTL_OPT_FLAG, &dry},
    };
    int argc = 0;

    while (argv[argc] != NULL)
        argc++;
    unit = amount = dry = NULL;
    pos[0] = pos[1] = NULL;
    *a = (struct ctl_args){
        .cmd = "t", .opts = opts, .n_opts = 3, .max_pos = 2, .pos = pos};
    return ctl_args_parse(a, argc, argv);
}

#define ARGV(...) ((char *[]){__VA_ARGS__, NULL})

static void test_args(void)
{
    struct ctl_args a;

    ASSERT_EQ(
        parse(&a, ARGV("--unit", "u1", "--amount=12.5", "f1", "--dry-run")),
        CTL_EXIT_OK);
    ASSERT_STREQ(unit, "u1");
    ASSERT_STREQ(amount, "12.5");
    ASSERT_TRUE(dry != NULL);
    ASSERT_EQ(a.n_pos, 1);
    ASSERT_STREQ(pos[0], "f1");
    ASSERT_TRUE(!a.help);

    /* A value may start with a dash: amounts the node will refuse, notes. */
    ASSERT_EQ(parse(&a, ARGV("--amount", "-5")), CTL_EXIT_OK);
    ASSERT_STREQ(amount, "-5");
    ASSERT_EQ(parse(&a, ARGV("--unit=")), CTL_EXIT_OK);
    ASSERT_STREQ(unit, "");

    ASSERT_EQ(parse(&a, ARGV("--unit")), CTL_EXIT_BAD);
    ASSERT_EQ(parse(&a, ARGV("--unit", "a", "--unit", "b")), CTL_EXIT_BAD);
    ASSERT_EQ(parse(&a, ARGV("--units", "a")), CTL_EXIT_BAD);
    ASSERT_EQ(parse(&a, ARGV("--dry-run=yes")), CTL_EXIT_BAD);
    ASSERT_EQ(parse(&a, ARGV("a", "b", "c")), CTL_EXIT_BAD);
    /* "--unitx" is not "--unit" with a value glued on. */
    ASSERT_EQ(parse(&a, ARGV("--unitx")), CTL_EXIT_BAD);

    /* After "--" everything is positional, "-" always is. */
    ASSERT_EQ(parse(&a, ARGV("--", "--unit", "-")), CTL_EXIT_OK);
    ASSERT_EQ(a.n_pos, 2);
    ASSERT_STREQ(pos[0], "--unit");
    ASSERT_TRUE(unit == NULL);

    /* --help wins over mistakes anywhere on the line. */
    ASSERT_EQ(parse(&a, ARGV("--bogus", "--help")), CTL_EXIT_OK);
    ASSERT_TRUE(a.help);
    ASSERT_EQ(parse(&a, ARGV("-h")), CTL_EXIT_OK);
    ASSERT_TRUE(a.help);
}

static void test_global_args(void)
{
    const char *node = NULL;
    const struct ctl_opt opts[] = {{"--node", CTL_OPT_VALUE, &node}};
    struct ctl_args a = {.opts = opts, .n_opts = 1, .stop_at_pos = true};
    char **argv = ARGV("--node", "/s", "submit", "--help");

    /* The command's own --help is not the global one. */
    ASSERT_EQ(ctl_args_parse(&a, 4, argv), CTL_EXIT_OK);
    ASSERT_STREQ(node, "/s");
    ASSERT_EQ(a.next, 2);
    ASSERT_TRUE(!a.help);
    node = NULL;
    argv = ARGV("--node=/t", "--", "plan");
    ASSERT_EQ(ctl_args_parse(&a, 3, argv), CTL_EXIT_OK);
    ASSERT_STREQ(node, "/t");
    ASSERT_EQ(a.next, 2);
}

static void test_output(void)
{
    struct lu_buf b;
    char buf[64];

    ASSERT_EQ(ctl_output_width("cq-wanzhou"), 10);
    ASSERT_EQ(ctl_output_width("万州区"), 6);
    ASSERT_EQ(ctl_output_width("（2018—2020年）"), 15);
    ASSERT_EQ(ctl_output_width("\xe4\xb8"), 1); /* truncated: no overread */

    lu_buf_init(&b);
    lu_buf_adds(&b, "");
    ctl_output_text(&b, "a\x1b[31mb\nc\td\x7f");
    ASSERT_STREQ(b.data, "a [31mb c d ");
    lu_buf_free(&b);

    ASSERT_STREQ(ctl_output_age(-1, buf, sizeof(buf)), "never");
    ASSERT_STREQ(ctl_output_age(5, buf, sizeof(buf)), "5 s ago");
    ASSERT_STREQ(ctl_output_age(3725, buf, sizeof(buf)),
                 "3725 s ago (1 h 2 min)");

    setenv("TZ", "UTC", 1);
    tzset();
    ASSERT_STREQ(ctl_output_time(1562000000, buf, sizeof(buf)),
                 "2019-07-01T16:53:20+00:00");
    setenv("TZ", "CST-8", 1); /* POSIX form: needs no tzdata */
    tzset();
    ASSERT_STREQ(ctl_output_time(1562000000, buf, sizeof(buf)),
                 "2019-07-02T00:53:20+08:00");
}

static void test_table(void)
{
    struct ctl_table *t = ctl_table_new(3);
    struct lu_buf b;

    ctl_table_right(t, 1);
    ctl_table_add(t, (const char *[]){"unit", "amount", "name"});
    ctl_table_add(t, (const char *[]){"万州区", "1234.56", "x"});
    ctl_table_add(t, (const char *[]){"cq-kaizhou", "7", NULL});
    ASSERT_EQ(ctl_table_rows(t), 3);
    lu_buf_init(&b);
    ctl_table_render(t, &b, "> ");
    ASSERT_STREQ(b.data, "> unit         amount  name\n"
                         "> 万州区      1234.56  x\n"
                         "> cq-kaizhou        7\n");
    lu_buf_free(&b);
    ctl_table_free(t);
    ctl_table_free(NULL);
}

int main(void)
{
    test_args();
    test_global_args();
    test_output();
    test_table();
    TEST_DONE();
}
