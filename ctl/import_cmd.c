/* luyuctl import: a CSV file of figures, checked here for its shape and
 * then sent to the node as one submit, which stores all of it or none.
 * Every problem is reported as FILE:LINE so that a clerk can fix the file
 * in one pass. */
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "csv.h"
#include "ctl.h"
#include "ctlmsg.h"
#include "node.h"
#include "output.h"
#include "util.h"
#include "xmalloc.h"

/* One request holds the whole import, so the file may be about twice the
 * largest control message: the CSV's commas and quotes cost more than the
 * protobuf's field tags. The packed size is checked before sending. */
#define IMPORT_MAX_FILE (2 * (size_t)LU_CTL_MAX_MSG)
/* Problems shown before "... and N more": enough to fix a file in one
 * pass, few enough to read. */
#define MAX_SHOWN 100

static const char USAGE[] =
    "usage: luyuctl --node SOCK import FILE.csv [--dry-run]\n"
    "\n"
    "Records every row of FILE.csv at the node, all or none. The first\n"
    "line must be the header\n"
    "\n"
    "  unit,indicator,period,amount,note\n"
    "\n"
    "(the note column may be left out). Fields are typed as for submit;\n"
    "quote a field that holds commas, quotes or newlines (RFC 4180).\n"
    "Every problem is reported as FILE:LINE: and then nothing is stored.\n"
    "\n"
    "  --dry-run   let the node check every row, store nothing\n"
    "  --again     store the rows even if this node has stored the same\n"
    "              rows from an import before\n"
    "\n"
    "Prints \"imported N entries (FIRST .. LAST)\" with the new ids.\n"
    "\n"
    "The node stores the same rows (same units, indicators, months, amounts\n"
    "and notes, in the same order) from an import only once: running an\n"
    "import again, e.g. after its answer was lost, prints \"already imported\n"
    "N entries (FIRST .. LAST) ...\" with the ids stored the first time and\n"
    "stores nothing. --again imports them once more.\n";

static const char *const COLUMNS[] = {"unit", "indicator", "period", "amount",
                                      "note"};

struct import {
    const char *path;
    Luyu__CtlEntry *entries; /* strings owned, freed by import_free() */
    int *lines;              /* the line each entry starts on */
    size_t n, cap;
    size_t ncols;        /* 4 or 5: whether the file has the note column */
    struct lu_buf shown; /* the first MAX_SHOWN problems, one a line */
    size_t n_problems;
};

static void problem(struct import *im, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records a problem on a line of the file (0: the file as a whole). */
static void problem(struct import *im, int line, const char *fmt, ...)
{
    va_list ap;
    char msg[1024];

    if (im->n_problems++ >= MAX_SHOWN)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (line > 0)
        lu_buf_printf(&im->shown, "%s:%d: ", im->path, line);
    else
        lu_buf_printf(&im->shown, "%s: ", im->path);
    ctl_output_text(&im->shown, msg);
    lu_buf_adds(&im->shown, "\n");
}

static void import_free(struct import *im)
{
    for (size_t i = 0; i < im->n; i++) {
        free(im->entries[i].unit);
        free(im->entries[i].indicator);
        free(im->entries[i].period);
        free(im->entries[i].amount);
        free(im->entries[i].note);
    }
    free(im->entries);
    free(im->lines);
    lu_buf_free(&im->shown);
}

/* Prints the problems found so far, with how many more there were. */
static void show_problems(struct import *im)
{
    fputs(im->shown.data ? im->shown.data : "", stderr);
    if (im->n_problems > MAX_SHOWN)
        fprintf(stderr, "... and %zu more\n", im->n_problems - MAX_SHOWN);
}

static void check_header(struct import *im, char **f, size_t n, int line)
{
    struct lu_buf got;
    size_t i;

    for (i = 0; i < n && i < 5 && strcmp(f[i], COLUMNS[i]) == 0; i++)
        ;
    if (i == n && (n == 4 || n == 5)) {
        im->ncols = n;
        return;
    }
    lu_buf_init(&got);
    for (i = 0; i < n; i++) {
        if (i > 0)
            lu_buf_adds(&got, ",");
        lu_buf_csv_str(&got, f[i]);
    }
    problem(im, line,
            "the first line must be the header "
            "\"unit,indicator,period,amount,note\" (note may be left out), "
            "not \"%.*s%s\"",
            lu_utf8_cut(got.data, 100), got.data, got.len > 100 ? "..." : "");
    lu_buf_free(&got);
}

static void add_row(struct import *im, char **f, size_t n, int line)
{
    Luyu__CtlEntry *e;

    if (n != im->ncols) {
        problem(im, line, "expected %zu fields, got %zu", im->ncols, n);
        return;
    }
    /* Once the file is known to be bad, only its problems matter. */
    if (im->n_problems > 0)
        return;
    if (im->n == im->cap) {
        im->cap = im->cap ? im->cap * 2 : 1024;
        im->entries = lu_xrealloc(im->entries, im->cap * sizeof(*e));
        im->lines = lu_xrealloc(im->lines, im->cap * sizeof(int));
    }
    e = &im->entries[im->n];
    luyu__ctl_entry__init(e);
    e->unit = lu_xstrdup(f[0]);
    e->indicator = lu_xstrdup(f[1]);
    e->period = lu_xstrdup(f[2]);
    e->amount = lu_xstrdup(f[3]);
    e->note = lu_xstrdup(n == 5 ? f[4] : "");
    im->lines[im->n++] = line;
}

/* The reader says "line N: reason", where N may be past the record's first
 * line (an unclosed quote); FILE:N: is what editors jump to. */
static void csv_problem(struct import *im, int line, const char *err)
{
    int at = 0, used = 0;

    if (sscanf(err, "line %d: %n", &at, &used) == 1 && used > 0)
        problem(im, at, "%s", err + used);
    else
        problem(im, line, "%s", err);
}

/* Reads every record; the first is the header. Problems are recorded in
 * im; a CSV syntax error ends the reading, because the reader cannot know
 * where the next record starts. */
static void parse(struct import *im, const char *data, size_t len)
{
    struct lu_csv *csv = lu_csv_new(data, len);
    bool header = true;
    char **f, err[512];
    size_t n;
    int r, line;

    while ((r = lu_csv_next(csv, &f, &n, &line, err, sizeof(err))) > 0) {
        if (header)
            check_header(im, f, n, line);
        else if (im->ncols != 0)
            add_row(im, f, n, line);
        header = false;
    }
    if (r < 0)
        csv_problem(im, line, err);
    else if (header)
        problem(im, 0, "no entries: the file is empty");
    else if (im->n == 0 && im->n_problems == 0)
        problem(im, 0, "no entries: the file holds only the header");
    lu_csv_free(csv);
}

/* Maps the node's problems, which name entries by index, back to lines. */
static int refused(struct import *im, const Luyu__CtlResponse *resp)
{
    if (resp->code != LUYU__CTL_RESPONSE__CODE__BAD_INPUT ||
        resp->n_problems == 0)
        return ctl_node_refused(resp);
    for (size_t i = 0; i < resp->n_problems; i++) {
        const Luyu__CtlProblem *p = resp->problems[i];

        if (p->index < im->n)
            problem(im, im->lines[p->index], "%s", p->message);
        else
            problem(im, 0, "entry %u: %s", p->index, p->message);
    }
    show_problems(im);
    /* The node caps its list; its message has the true count. */
    ctl_output_error(CTL_EXIT_BAD, "%s: %s", im->path,
                     resp->message[0] ? resp->message : "refused");
    return CTL_EXIT_BAD;
}

static int accepted(struct import *im, const Luyu__CtlResponse *resp,
                    bool dry_run)
{
    struct lu_buf b;
    int r;

    if (!dry_run && !resp->repeat && resp->n_ids != im->n)
        return ctl_output_error(CTL_EXIT_FAIL,
                                "%s: the node answered OK but with %zu ids "
                                "for %zu entries; check luyuctl status",
                                im->path, resp->n_ids, im->n);
    lu_buf_init(&b);
    if (resp->repeat) {
        char when[32];

        lu_buf_printf(&b,
                      "already imported %zu entr%s (%s .. %s) at %s by %s; "
                      "nothing stored again (--again stores them once more)",
                      resp->n_ids, resp->n_ids == 1 ? "y" : "ies",
                      resp->n_ids ? resp->ids[0] : "",
                      resp->n_ids ? resp->ids[resp->n_ids - 1] : "",
                      ctl_output_time(resp->repeat_at, when, sizeof(when)),
                      resp->repeat_by);
    } else if (dry_run)
        ctl_output_text(&b, resp->message[0] ? resp->message
                                             : "dry run: all entries fine");
    else
        lu_buf_printf(&b, "imported %zu entr%s (%s .. %s)", im->n,
                      im->n == 1 ? "y" : "ies", resp->ids[0],
                      resp->ids[im->n - 1]);
    lu_buf_adds(&b, "\n");
    r = ctl_output_write(&b);
    lu_buf_free(&b);
    return r;
}

/* The import's key: SHA-256 of its entries packed as a CtlSubmit with
 * nothing else set (proto/luyu.proto), so the same rows give the same key
 * whatever the file's name, quoting or line endings. */
static void import_key(Luyu__CtlSubmit *sub, uint8_t key[32])
{
    Luyu__CtlSubmit only = LUYU__CTL_SUBMIT__INIT;
    size_t len;
    uint8_t *buf;

    only.entries = sub->entries;
    only.n_entries = sub->n_entries;
    len = luyu__ctl_submit__get_packed_size(&only);
    buf = lu_xmalloc(len + 1);
    luyu__ctl_submit__pack(&only, buf);
    crypto_hash_sha256(key, buf, len);
    free(buf);
}

static int send_all(const struct ctl_global *g, struct import *im, bool dry_run,
                    bool again)
{
    Luyu__CtlRequest req = LUYU__CTL_REQUEST__INIT;
    Luyu__CtlSubmit sub = LUYU__CTL_SUBMIT__INIT;
    Luyu__CtlResponse *resp = NULL;
    Luyu__CtlEntry **ptrs = lu_xcalloc(im->n, sizeof(*ptrs));
    /* The node checks every row and fsyncs once: a minute, and a
     * millisecond more for each row. */
    size_t size, ms = 60000 + im->n;
    int timeout_ms = ms > INT_MAX ? INT_MAX : (int)ms;
    uint8_t key[32];
    int r;

    for (size_t i = 0; i < im->n; i++)
        ptrs[i] = &im->entries[i];
    sub.entries = ptrs;
    sub.n_entries = im->n;
    sub.dry_run = dry_run;
    if (!again) {
        import_key(&sub, key);
        sub.import_key.data = key;
        sub.import_key.len = sizeof(key);
    }
    req.body_case = LUYU__CTL_REQUEST__BODY_SUBMIT;
    req.submit = &sub;
    size = luyu__ctl_request__get_packed_size(&req);
    if (size > LU_CTL_MAX_MSG) {
        r = ctl_output_error(CTL_EXIT_BAD,
                             "%s: too large for one import (%zu MiB to send, "
                             "at most %u MiB); split the file",
                             im->path, size >> 20, LU_CTL_MAX_MSG >> 20);
        goto out;
    }
    r = ctl_node_call(g, &req, timeout_ms, &resp);
    if (r != CTL_EXIT_OK)
        goto out;
    if (resp->code == LUYU__CTL_RESPONSE__CODE__OK)
        r = accepted(im, resp, dry_run);
    else
        r = refused(im, resp);
out:
    if (resp != NULL)
        luyu__ctl_response__free_unpacked(resp, NULL);
    free(ptrs);
    return r;
}

static int read_input(struct import *im, char **data, size_t *len)
{
    int r = lu_read_file(im->path, IMPORT_MAX_FILE, data, len);

    if (r == -EFBIG)
        return ctl_output_error(CTL_EXIT_BAD,
                                "%s: larger than %zu MiB; split the file",
                                im->path, IMPORT_MAX_FILE >> 20);
    if (r == -EISDIR)
        return ctl_output_error(CTL_EXIT_BAD, "%s: not a regular file",
                                im->path);
    if (r < 0)
        return ctl_output_error(ctl_output_errno_exit(r), "%s: %s", im->path,
                                strerror(-r));
    return CTL_EXIT_OK;
}

int ctl_import_cmd(const struct ctl_global *g, int argc, char **argv)
{
    const char *dry = NULL, *again = NULL, *pos[1];
    const struct ctl_opt opts[] = {{"--dry-run", CTL_OPT_FLAG, &dry},
                                   {"--again", CTL_OPT_FLAG, &again}};
    struct ctl_args a = {
        .cmd = "import", .opts = opts, .n_opts = 2, .max_pos = 1, .pos = pos};
    struct import im = {0};
    char *data = NULL;
    size_t len = 0;
    int r;

    lu_buf_init(&im.shown);
    r = ctl_args_parse(&a, argc, argv);
    if (r == CTL_EXIT_OK && a.help)
        return ctl_output_usage(USAGE);
    if (r == CTL_EXIT_OK && a.n_pos == 0)
        r = ctl_args_bad(&a, "which file? give the CSV file to import");
    if (r == CTL_EXIT_OK)
        r = ctl_node_need(g, "import");
    if (r != CTL_EXIT_OK)
        return r;
    im.path = pos[0];
    r = read_input(&im, &data, &len);
    if (r != CTL_EXIT_OK)
        goto out;
    parse(&im, data, len);
    /* Nothing goes to the node until the file as a whole is sound. */
    if (im.n_problems > 0) {
        show_problems(&im);
        r = ctl_output_error(CTL_EXIT_BAD,
                             "%s: %zu problem%s; nothing was "
                             "sent to the node",
                             im.path, im.n_problems,
                             im.n_problems == 1 ? "" : "s");
        goto out;
    }
    r = send_all(g, &im, dry != NULL, again != NULL);
out:
    free(data);
    import_free(&im);
    return r;
}
