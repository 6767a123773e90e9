/* Tests for common/opts.c and common/ini.c: flags and config files set the
 * same table, flags win, and every mistake is named by flag or file:line. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ini.h"
#include "opts.h"
#include "test.h"
#include "util.h"

static struct settings {
    char *state_dir;
    char *hub;
    char *log_level;
    bool insecure;
    int window;
    int batch_size;
} S;

static const struct lu_opt OPTS[] = {
    {"state_dir", LU_OPT_STR, &S.state_dir, 0, 0, "state directory"},
    {"hub", LU_OPT_STR, &S.hub, 0, 0, "hub endpoint"},
    {"log_level", LU_OPT_STR, &S.log_level, 0, 0, "log level"},
    {"insecure", LU_OPT_BOOL, &S.insecure, 0, 0, "plain transport"},
    {"window", LU_OPT_INT, &S.window, 1, 64, "batches in flight"},
    {"batch_size", LU_OPT_INT, &S.batch_size, 1, 1000, "entries a batch"},
    {NULL, 0, NULL, 0, 0, NULL},
};

static void reset(void)
{
    lu_opts_free(OPTS);
    S.insecure = false;
    S.window = 8;
    S.batch_size = 500;
}

/* Parses a NULL-terminated argv after resetting the settings. */
static int parse(bool *help, char *err, size_t errlen, ...)
{
    char *argv[32];
    int argc = 0;
    va_list ap;

    reset();
    va_start(ap, errlen);
    while (argc < 31 && (argv[argc] = va_arg(ap, char *)) != NULL)
        argc++;
    va_end(ap);
    err[0] = '\0';
    return lu_opts_parse(OPTS, "node", argc, argv, help, err, errlen);
}

#define PARSE(...) parse(&help, err, sizeof(err), "prog", __VA_ARGS__, NULL)

static void test_flags(void)
{
    char err[512];
    bool help = true;

    ASSERT_EQ(PARSE("--state-dir", "/tmp/a", "--window=12", "--insecure",
                    "--hub", "tcp://127.0.0.1:7701", "--log_level=debug"),
              0);
    ASSERT_EQ(help, false);
    ASSERT_STREQ(S.state_dir, "/tmp/a");
    ASSERT_EQ(S.window, 12);
    ASSERT_EQ(S.insecure, true);
    ASSERT_STREQ(S.hub, "tcp://127.0.0.1:7701");
    ASSERT_STREQ(S.log_level, "debug");
    ASSERT_EQ(S.batch_size, 500);

    /* '_' and '-' are the same in flags; a later flag wins. */
    ASSERT_EQ(
        PARSE("--state_dir=/x", "--batch-size", "1000", "--state-dir", "/y"),
        0);
    ASSERT_STREQ(S.state_dir, "/y");
    ASSERT_EQ(S.batch_size, 1000);

    /* A bool flag takes no value of its own: the next flag stays a flag. */
    ASSERT_EQ(PARSE("--insecure", "--window", "3"), 0);
    ASSERT_EQ(S.insecure, true);
    ASSERT_EQ(S.window, 3);
    ASSERT_EQ(PARSE("--insecure=false"), 0);
    ASSERT_EQ(S.insecure, false);
    ASSERT_EQ(PARSE("--insecure=on"), 0);
    ASSERT_EQ(S.insecure, true);
    ASSERT_EQ(PARSE("--insecure=maybe"), -EINVAL);
    ASSERT_STREQ(err, "insecure: expected true or false, got \"maybe\"");

    ASSERT_EQ(PARSE("--window", "1"), 0);
    ASSERT_EQ(S.window, 1);
    ASSERT_EQ(PARSE("--window=64"), 0);
    ASSERT_EQ(S.window, 64);
    ASSERT_EQ(PARSE("--window", "0"), -EINVAL);
    ASSERT_STREQ(err, "window: expected a whole number 1..64, got \"0\"");
    ASSERT_EQ(PARSE("--window=65"), -EINVAL);
    ASSERT_STREQ(err, "window: expected a whole number 1..64, got \"65\"");
    ASSERT_EQ(PARSE("--window=-1"), -EINVAL);
    ASSERT_CONTAINS(err, "window: expected a whole number 1..64");
    ASSERT_EQ(PARSE("--batch-size=4294967297"), -EINVAL);
    ASSERT_CONTAINS(err, "batch_size: expected a whole number 1..1000");
    ASSERT_EQ(PARSE("--window="), -EINVAL);
    ASSERT_CONTAINS(err, "window: expected a whole number");
    ASSERT_EQ(S.window, 8);

    ASSERT_EQ(PARSE("--bogus", "1"), -EINVAL);
    ASSERT_STREQ(err, "unknown option \"--bogus\"");
    ASSERT_EQ(PARSE("--window=3", "--no-such=1"), -EINVAL);
    ASSERT_STREQ(err, "unknown option \"--no-such=1\"");
    ASSERT_EQ(PARSE("stray"), -EINVAL);
    ASSERT_STREQ(err, "unexpected argument \"stray\"");
    ASSERT_EQ(PARSE("-w"), -EINVAL);
    ASSERT_STREQ(err, "unexpected argument \"-w\"");
    ASSERT_EQ(PARSE("--hub"), -EINVAL);
    ASSERT_STREQ(err, "--hub needs a value");

    ASSERT_EQ(PARSE("--help"), 0);
    ASSERT_EQ(help, true);
    ASSERT_EQ(PARSE("--window=2", "-h"), 0);
    ASSERT_EQ(help, true);
    ASSERT_EQ(S.window, 2);
    ASSERT_EQ(PARSE("--window=2"), 0);
    ASSERT_EQ(help, false);

    /* A --config with nothing after it is a mistake, like any other flag
     * without its value, not a silent run on defaults. */
    ASSERT_EQ(PARSE("--window=2", "--config"), -EINVAL);
    ASSERT_CONTAINS(err, "--config");
}

/* Writes text to a new temporary file whose path goes into path. */
static int write_tmp(char *path, size_t len, const char *text)
{
    int fd;

    snprintf(path, len, "/tmp/luyu-test-opts-XXXXXX");
    fd = mkstemp(path);
    if (fd < 0)
        return -errno;
    if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        close(fd);
        return -EIO;
    }
    close(fd);
    return 0;
}

static void test_file(void)
{
    static const char good[] = "# luyu-node settings\n"
                               "log_level = notice\n"
                               "[hub]\n"
                               "window = 99\n"
                               "listen = tcp://0.0.0.0:1\n"
                               "[node]\n"
                               "state_dir = /var/lib/x\n"
                               "window = 4\n"
                               "insecure = yes\n"
                               "hub = \"tcp://127.0.0.1:7701\"\n"
                               "[other]\n"
                               "colour = blue\n";
    char path[64], bad[64], arg[128], err[512];
    bool help;

    if (write_tmp(path, sizeof(path), good) < 0) {
        TEST_FAIL_AT("cannot write a temporary file");
        return;
    }
    ASSERT_EQ(PARSE("--config", path), 0);
    ASSERT_STREQ(S.state_dir, "/var/lib/x");
    ASSERT_EQ(S.window, 4);
    ASSERT_EQ(S.insecure, true);
    ASSERT_STREQ(S.hub, "tcp://127.0.0.1:7701");
    /* Keys before any section are the daemon's too. */
    ASSERT_STREQ(S.log_level, "notice");
    ASSERT_EQ(S.batch_size, 500);

    /* Flags win over the file wherever they stand. */
    snprintf(arg, sizeof(arg), "--config=%s", path);
    ASSERT_EQ(PARSE("--window", "7", arg, "--insecure=no"), 0);
    ASSERT_EQ(S.window, 7);
    ASSERT_EQ(S.insecure, false);
    ASSERT_STREQ(S.state_dir, "/var/lib/x");
    ASSERT_EQ(PARSE(arg, "--state-dir", "/srv"), 0);
    ASSERT_STREQ(S.state_dir, "/srv");
    unlink(path);

    if (write_tmp(bad, sizeof(bad), "[node]\nwindow = 4\ncolour = blue\n") <
        0) {
        TEST_FAIL_AT("cannot write a temporary file");
        return;
    }
    ASSERT_EQ(PARSE("--config", bad), -EINVAL);
    snprintf(arg, sizeof(arg), "%s:3: unknown setting \"colour\"", bad);
    ASSERT_STREQ(err, arg);
    unlink(bad);

    write_tmp(bad, sizeof(bad), "[node]\n\nwindow = 400\n");
    ASSERT_EQ(PARSE("--config", bad), -EINVAL);
    snprintf(arg, sizeof(arg),
             "%s:3: window: expected a whole number 1..64, got \"400\"", bad);
    ASSERT_STREQ(err, arg);
    unlink(bad);

    write_tmp(bad, sizeof(bad), "[node]\nconfig = /etc/other.ini\n");
    ASSERT_EQ(PARSE("--config", bad), -EINVAL);
    snprintf(arg, sizeof(arg), "%s:2: ", bad);
    ASSERT_CONTAINS(err, arg);
    ASSERT_CONTAINS(err, "\"config\" cannot be set in a config file");
    unlink(bad);

    write_tmp(bad, sizeof(bad), "[node]\nwindow 4\n");
    ASSERT_EQ(PARSE("--config", bad), -EINVAL);
    snprintf(arg, sizeof(arg), "%s:2: expected \"key = value\"", bad);
    ASSERT_CONTAINS(err, arg);
    unlink(bad);

    ASSERT_TRUE(PARSE("--config", "/nonexistent/luyu.ini") < 0);
    ASSERT_CONTAINS(err, "/nonexistent/luyu.ini: cannot read");
}

/* Records every callback as "section|key|value|line\n"; a key "fail" makes
 * the callback refuse it. */
static int record(void *user, const char *section, const char *key,
                  const char *value, int line, char *err, size_t errlen)
{
    struct lu_buf *b = user;

    if (key != NULL && strcmp(key, "fail") == 0) {
        snprintf(err, errlen, "refused \"%s\"", value);
        return -EINVAL;
    }
    lu_buf_printf(b, "%s|%s|%s|%d\n", section, key ? key : "-",
                  value ? value : "-", line);
    return 0;
}

static void expect_ini(const char *data, size_t len, int want_r,
                       const char *want, int line)
{
    struct lu_buf b;
    char err[512] = "";
    int r;

    lu_buf_init(&b);
    r = lu_ini_parse_buf("t.ini", data, len, record, &b, err, sizeof(err));
    if (r != want_r) {
        fprintf(stderr, "%s:%d: lu_ini_parse_buf: %d != %d (%s)\n", __FILE__,
                line, r, want_r, err);
        test_failures++;
    } else if (strcmp(r == 0 ? (b.data ? b.data : "") : err, want) != 0) {
        fprintf(stderr, "%s:%d: got \"%s\", expected \"%s\"\n", __FILE__, line,
                r == 0 ? (b.data ? b.data : "") : err, want);
        test_failures++;
    }
    lu_buf_free(&b);
}

#define INI_OK(text, events)                                                   \
    expect_ini((text), sizeof(text) - 1, 0, (events), __LINE__)
#define INI_BAD(text, reason)                                                  \
    expect_ini((text), sizeof(text) - 1, -EINVAL, (reason), __LINE__)

static void test_ini(void)
{
    char *longline;
    size_t n;

    INI_OK("", "");
    INI_OK("a = 1\n[s]\nb=2", "|a|1|1\ns|-|-|2\ns|b|2|3\n");
    INI_OK("  key  =  some value  \r\n", "|key|some value|1\n");
    INI_OK("url = a=b\n", "|url|a=b|1\n");
    INI_OK("[ node ]\n", "node|-|-|1\n");
    /* Quotes keep spaces and are removed; only a whole quoted value
     * counts. */
    INI_OK("q = \"  two  \"\ne = \"\"\nm = a \"b\" c\n",
           "|q|  two  |1\n|e||2\n|m|a \"b\" c|3\n");
    INI_BAD("q = \"open\n", "t.ini:1: unterminated quoted value for \"q\"");
    INI_BAD("\n\nq = \"\n", "t.ini:3: unterminated quoted value for \"q\"");
    /* Comments only at the start of a line. */
    INI_OK("# one\n; two\n   # three\n\n[s]\nk = v # not a comment\n",
           "s|-|-|5\ns|k|v # not a comment|6\n");
    /* A UTF-8 BOM is skipped and does not shift line numbers. */
    INI_OK("\xEF\xBB\xBF[node]\nid = 万州\n", "node|-|-|1\nnode|id|万州|2\n");
    INI_BAD("\xEF\xBB\xBF"
            "a = 1\nb\n",
            "t.ini:2: expected \"key = value\", got \"b\"");

    INI_BAD("a = 1\n[node\n", "t.ini:2: section header must be \"[name]\"");
    INI_BAD("[node] x\n", "t.ini:1: section header must be \"[name]\"");
    INI_BAD("[]\n", "t.ini:1: section name is empty or too long");
    INI_BAD("[s]\nk = v\njust words\n",
            "t.ini:3: expected \"key = value\", got \"just words\"");
    INI_BAD("[s]\n = v\n", "t.ini:2: missing key before '='");
    INI_BAD("a = 1\nb = x\0y\nc = 3\n", "t.ini:2: NUL byte in line");
    INI_BAD("\0", "t.ini:1: NUL byte in line");
    INI_BAD("a = 1\nb = caf\xE9\n", "t.ini:2: line is not valid UTF-8");
    INI_BAD("[s]\nok = 1\nfail = 7\n", "t.ini:3: refused \"7\"");

    /* Lines of 4096 bytes are fine, one more is refused. */
    longline = malloc(8192);
    memcpy(longline, "a = ", 4);
    memset(longline + 4, 'v', 4092);
    longline[4096] = '\n';
    longline[4097] = '\0';
    {
        struct lu_buf b;
        char err[256] = "";

        lu_buf_init(&b);
        ASSERT_EQ(lu_ini_parse_buf("t.ini", longline, 4097, record, &b, err,
                                   sizeof(err)),
                  0);
        /* "|a|" + 4092 bytes + "|1\n" */
        ASSERT_EQ(b.len, 3 + 4092 + 3);
        lu_buf_free(&b);
    }
    memcpy(longline, "b = 1\n", 6);
    n = 6;
    memset(longline + n, 'x', 4097);
    n += 4097;
    expect_ini(longline, n, -EINVAL, "t.ini:2: line longer than 4096 bytes",
               __LINE__);
    free(longline);
}

int main(void)
{
    test_flags();
    test_file();
    test_ini();
    reset();
    lu_opts_free(OPTS);
    ASSERT_TRUE(S.state_dir == NULL && S.hub == NULL && S.log_level == NULL);
    TEST_DONE();
}
