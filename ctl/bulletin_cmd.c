/* luyuctl bulletin: the monthly bulletins (月信息相互通报) a hub keeps in its
 * ledger file, own and the peer's, read read-only beside the running hub.
 * Every bulletin shown is verified first; one that does not verify is not
 * shown. Each subcommand parses its own arguments. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amount.h"
#include "args.h"
#include "bulletin.h"
#include "bulletin_cmd.h"
#include "bulletin_issue.h"
#include "bulletin_sign.h"
#include "bulletin_src.h"
#include "bulletins.h"
#include "digest.h"
#include "sql.h"
#include "i18n.h"
#include "ledgerdb.h"
#include "output.h"
#include "plan.h"
#include "render.h"
#include "table.h"
#include "util.h"

static const char USAGE[] =
    N_("usage: luyuctl bulletin issue  YYYY-MM --hub SOCK\n"
       "       luyuctl bulletin list   --state-dir HUBDIR [--json]\n"
       "       luyuctl bulletin show   YYYY-MM --state-dir HUBDIR [OPTIONS]\n"
       "       luyuctl bulletin export YYYY-MM --state-dir HUBDIR --out FILE\n"
       "       luyuctl bulletin verify FILE --key FILE.sign.pub\n"
       "\n"
       "The monthly bulletins a hub keeps in HUBDIR/ledger.db: its own,\n"
       "signed when issued (issue asks the running hub to issue one now),\n"
       "and the peer hub's, verified when they arrived. See luyuctl bulletin\n"
       "SUBCOMMAND --help.\n"
       "\n"
       "A hub whose ledger is in PostgreSQL keeps them there: give list,\n"
       "show, export and verify --ledger postgresql://... (the hub's ledger\n"
       "setting) instead of --state-dir HUBDIR.\n");

static const char SHOW_USAGE[] = N_(
    "usage: luyuctl bulletin show YYYY-MM --state-dir HUBDIR [--province P]\n"
    "           [--revision N] [--joint] [--draft] [--key FILE.sign.pub]\n"
    "           [--format text|md|html|csv|json] [--excel] [--issue-day D]\n"
    "\n"
    "Shows a month's bulletin: per task area each indicator's month, year\n"
    "to date and total since the plan began against its target, who\n"
    "reported and when, and the late entries it revises. The signature is\n"
    "checked against the key the hub recorded for the signer (and FILE\n"
    "given with --key); a bulletin that does not verify is not shown.\n"
    "\n"
    "  --province P   CQ, SD, ... (default: the hub's own province)\n"
    "  --revision N   that revision (default: the latest)\n"
    "  --joint        both provinces' latest revisions side by side\n"
    "  --draft        compute the hub's own bulletin from the ledger now:\n"
    "                 unsigned, marked DRAFT, what the next revision would\n"
    "                 say (the month closes on --issue-day D of the next\n"
    "                 month, default 5)\n"
    "  --format text  for the terminal (default); md: Markdown; html: one\n"
    "                 printable page with charts; csv: the indicator table;\n"
    "                 json: everything\n"
    "  --excel        with --format csv: starts with a UTF-8 byte order\n"
    "                 mark, so that Excel shows Chinese right\n");

static const char LIST_USAGE[] =
    N_("usage: luyuctl bulletin list --state-dir HUBDIR [--json]\n"
       "\n"
       "Lists every bulletin the hub holds: province, month, revision, whose\n"
       "(own or peer), when issued, the ledger entry it covers up to, and for\n"
       "own bulletins when they were sent to and acknowledged by the peer.\n");

static const char EXPORT_USAGE[] = N_(
    "usage: luyuctl bulletin export YYYY-MM --state-dir HUBDIR [--province P]\n"
    "           [--revision N] --out FILE\n"
    "\n"
    "Writes the signed bulletin (a packed SignedBulletin, see\n"
    "proto/bulletin.proto) to FILE, for luyuctl bulletin verify elsewhere.\n");

static const char VERIFY_USAGE[] = N_(
    "usage: luyuctl bulletin verify FILE --key FILE.sign.pub\n"
    "           [--state-dir HUBDIR]\n"
    "\n"
    "Checks an exported bulletin offline against the issuing hub's public\n"
    "signing key. With --state-dir (the issuing hub's state directory, or a\n"
    "copy of its ledger.db) it also recomputes the bulletin's digest from\n"
    "that ledger: a match shows that no entry the bulletin covers has changed\n"
    "since it was issued. Exit 0: valid (and matching); 1: invalid or not\n"
    "matching (the reason is printed); 2: FILE, the key or the ledger cannot\n"
    "be read or is not what it should be.\n");

enum format { FMT_TEXT, FMT_MD, FMT_HTML, FMT_CSV, FMT_JSON };

static int parse_format(const struct ctl_args *a, const char *s, enum format *f)
{
    static const char *const names[] = {"text", "md", "html", "csv", "json"};

    for (int i = 0; s != NULL && i < 5; i++) {
        if (strcmp(s, names[i]) == 0) {
            *f = (enum format)i;
            return CTL_EXIT_OK;
        }
    }
    if (s == NULL) {
        *f = FMT_TEXT;
        return CTL_EXIT_OK;
    }
    return ctl_args_bad(
        a, _("--format \"%s\": use text, md, html, csv or json"), s);
}

/* Parses a whole number lo..hi for option name; 0 when s is NULL. */
static int parse_num(const struct ctl_args *a, const char *name, const char *s,
                     uint64_t lo, uint64_t hi, uint64_t *out)
{
    *out = 0;
    if (s == NULL)
        return CTL_EXIT_OK;
    if (lu_parse_u64(s, out) < 0 || *out < lo || *out > hi)
        return ctl_args_bad(a, _("%s \"%s\": a whole number %llu..%llu"), name,
                            s, (unsigned long long)lo, (unsigned long long)hi);
    return CTL_EXIT_OK;
}

static void render(enum format f, const struct ctl_render_view *v, size_t n,
                   bool joint, struct lu_buf *b)
{
    if (f == FMT_HTML)
        ctl_render_html(v, n, b);
    else if (f == FMT_CSV)
        ctl_render_csv(v, n, b);
    else if (f == FMT_JSON)
        ctl_render_json(v, n, joint, b);
    else
        ctl_render_text(v, n, f == FMT_MD, b);
}

/* Every province of the plan (at most four), the hub's own first. */
static int load_joint(struct ctl_bulletin_src *src,
                      const struct ctl_bulletin_want *w,
                      struct ctl_render_view *v, size_t *n)
{
    const struct lu_plan *p = src->plan;
    const char *order[4];
    size_t k = 0, found = 0;
    int r = CTL_EXIT_OK;

    if (src->own[0])
        order[k++] = src->own;
    for (size_t i = 0; i < p->n_provinces && k < 4; i++) {
        if (strcmp(p->provinces[i].code, src->own) != 0)
            order[k++] = p->provinces[i].code;
    }
    for (size_t i = 0; i < k && r == CTL_EXIT_OK; i++) {
        r = ctl_bulletin_src_load(src, order[i], w, true, &v[i]);
        found += v[i].b != NULL;
    }
    *n = k;
    if (r == CTL_EXIT_OK && found == 0)
        r = ctl_output_error(CTL_EXIT_FAIL, _("no bulletin of any province "
                                              "held for that month"));
    return r;
}

struct show_opts {
    const char *dir, *province, *revision, *joint, *draft, *key, *format, *day;
    const char *excel;
};

static int show_run(const struct ctl_global *g, const struct ctl_args *a,
                    const struct show_opts *o, const char *month)
{
    struct ctl_bulletin_want w = {.key = o->key, .draft = o->draft != NULL};
    struct ctl_render_view v[4] = {0};
    struct ctl_bulletin_src src;
    const char *province = NULL;
    enum format f = FMT_TEXT;
    uint64_t rev, day;
    size_t n = 1;
    struct lu_buf b;
    int r;

    lu_buf_init(&b);
    r = parse_format(a, o->format, &f);
    if (r == CTL_EXIT_OK)
        r = parse_num(a, "--revision", o->revision, 1, UINT32_MAX, &rev);
    if (r == CTL_EXIT_OK)
        r = parse_num(a, "--issue-day", o->day, 1, 28, &day);
    if (r == CTL_EXIT_OK)
        r = ctl_bulletin_src_period(month, &w.period);
    if (r != CTL_EXIT_OK)
        return r;
    w.revision = (uint32_t)rev;
    w.issue_day = day ? (int)day : LEDGER_BULLETIN_DEFAULT_ISSUE_DAY;
    r = ctl_bulletin_src_open(o->dir, g->plan, &src);
    if (r == CTL_EXIT_OK && o->joint)
        r = load_joint(&src, &w, v, &n);
    else if (r == CTL_EXIT_OK)
        r = ctl_bulletin_src_province(&src, o->province, &province);
    if (r == CTL_EXIT_OK && !o->joint)
        r = ctl_bulletin_src_load(&src, province, &w, false, &v[0]);
    /* The year's last bulletin has the assessment (issue 18) in every
     * format but JSON, which is the signed bulletin's content only. */
    for (size_t i = 0; f != FMT_JSON && r == CTL_EXIT_OK && i < n; i++)
        r = ctl_bulletin_src_scores(&src, &v[i]);
    if (r == CTL_EXIT_OK) {
        if (o->excel != NULL && f == FMT_CSV)
            ctl_output_bom(&b);
        render(f, v, n, o->joint != NULL, &b);
        r = ctl_output_write(&b);
    }
    for (size_t i = 0; i < 4; i++)
        ctl_render_view_clear(&v[i]);
    ctl_bulletin_src_close(&src);
    lu_buf_free(&b);
    return r;
}

static int show(const struct ctl_global *g, int argc, char **argv)
{
    struct show_opts o = {0};
    const char *pos[1];
    const struct ctl_opt opts[] = {
        {"--state-dir", CTL_OPT_VALUE, &o.dir},
        {"--ledger", CTL_OPT_VALUE, &o.dir},
        {"--province", CTL_OPT_VALUE, &o.province},
        {"--revision", CTL_OPT_VALUE, &o.revision},
        {"--joint", CTL_OPT_FLAG, &o.joint},
        {"--draft", CTL_OPT_FLAG, &o.draft},
        {"--key", CTL_OPT_VALUE, &o.key},
        {"--format", CTL_OPT_VALUE, &o.format},
        {"--issue-day", CTL_OPT_VALUE, &o.day},
        {"--excel", CTL_OPT_FLAG, &o.excel},
    };
    struct ctl_args a = {.cmd = "bulletin show",
                         .opts = opts,
                         .n_opts = 10,
                         .max_pos = 1,
                         .pos = pos};
    int r = ctl_args_parse(&a, argc, argv);

    if (r == CTL_EXIT_OK && a.help)
        return ctl_output_usage(SHOW_USAGE);
    if (r == CTL_EXIT_OK && a.n_pos == 0)
        r = ctl_args_bad(&a, _("which month? (YYYY-MM)"));
    if (r == CTL_EXIT_OK && o.dir == NULL)
        r = ctl_args_bad(&a, _("--state-dir is required (the hub's state "
                               "directory, which holds ledger.db)"));
    if (r == CTL_EXIT_OK && o.joint && (o.province || o.revision))
        r = ctl_args_bad(&a, _("--joint shows every province's latest "
                               "revision: no --province or --revision"));
    if (r == CTL_EXIT_OK && o.draft && o.revision)
        r = ctl_args_bad(&a, _("a --draft has no --revision yet"));
    if (r == CTL_EXIT_OK && o.excel &&
        (o.format == NULL || strcmp(o.format, "csv") != 0))
        r = ctl_args_bad(&a, _("--excel goes with --format csv"));
    return r == CTL_EXIT_OK ? show_run(g, &a, &o, pos[0]) : r;
}

static void list_json(const struct ledger_bulletins_item *it, size_t n,
                      struct lu_buf *b)
{
    char p[8], t[40];

    lu_buf_adds(b, "[");
    for (size_t i = 0; i < n; i++) {
        lu_buf_adds(b, i ? ",\n{\"province\":" : "\n{\"province\":");
        lu_buf_json_str(b, it[i].province);
        lu_buf_printf(b, ",\"period\":\"%s\",\"revision\":%u,\"origin\":\"%s\"",
                      lu_period_format(it[i].period, p, sizeof(p)),
                      it[i].revision, it[i].own ? "own" : "peer");
        lu_buf_printf(b, ",\"issued_at\":\"%s\",\"upto_entry\":%lld",
                      ledger_calendar_format(it[i].issued_at, t, sizeof(t)),
                      (long long)it[i].upto_entry);
        lu_buf_adds(b, ",\"signer\":");
        lu_buf_json_str(b, it[i].signer);
        lu_buf_printf(b,
                      ",\"stored_at\":%lld,\"sent_at\":%lld,"
                      "\"acked_at\":%lld}",
                      (long long)it[i].stored_at, (long long)it[i].sent_at,
                      (long long)it[i].acked_at);
    }
    lu_buf_adds(b, n ? "\n]\n" : "]\n");
}

static void list_table(const struct ledger_bulletins_item *it, size_t n,
                       struct lu_buf *b)
{
    struct ctl_table *t = ctl_table_new(9);
    char p[8], r[16], up[24], at[40], sent[40], acked[40];

    ctl_table_right(t, 2);
    ctl_table_right(t, 5);
    ctl_table_add(t,
                  (const char *[]){_("province"), _("month"), _("revision"),
                                   _("origin"), _("issued"), _("up to entry"),
                                   _("signer"), _("sent"), _("acknowledged")});
    for (size_t i = 0; i < n; i++) {
        snprintf(r, sizeof(r), "%u", it[i].revision);
        snprintf(up, sizeof(up), "%lld", (long long)it[i].upto_entry);
        ctl_table_add(
            t,
            (const char *[]){
                it[i].province, lu_period_format(it[i].period, p, 8), r,
                it[i].own ? _("own") : _("peer"),
                ledger_calendar_format(it[i].issued_at, at, 40), up,
                it[i].signer,
                it[i].sent_at ? ledger_calendar_format(it[i].sent_at, sent, 40)
                : it[i].own   ? _("not yet")
                              : "-",
                it[i].acked_at
                    ? ledger_calendar_format(it[i].acked_at, acked, 40)
                : it[i].own ? _("not yet")
                            : "-"});
    }
    if (n == 0)
        lu_buf_adds(b, _("no bulletins held\n"));
    else
        ctl_table_render(t, b, "");
    ctl_table_free(t);
}

static int list(const struct ctl_global *g, int argc, char **argv)
{
    const char *dir = NULL, *json = NULL;
    const struct ctl_opt opts[] = {{"--state-dir", CTL_OPT_VALUE, &dir},
                                   {"--ledger", CTL_OPT_VALUE, &dir},
                                   {"--json", CTL_OPT_FLAG, &json}};
    struct ctl_args a = {.cmd = "bulletin list", .opts = opts, .n_opts = 3};
    struct ledger_bulletins_item *items = NULL;
    struct ctl_bulletin_src src = {0};
    size_t n = 0;
    struct lu_buf b;
    int r = ctl_args_parse(&a, argc, argv);

    if (r == CTL_EXIT_OK && a.help)
        return ctl_output_usage(LIST_USAGE);
    if (r == CTL_EXIT_OK && dir == NULL)
        r = ctl_args_bad(&a, _("--state-dir is required"));
    if (r != CTL_EXIT_OK)
        return r;
    lu_buf_init(&b);
    r = ctl_bulletin_src_open(dir, g->plan, &src);
    if (r == CTL_EXIT_OK && ledger_bulletins_list(src.store, &items, &n) < 0)
        r = ctl_output_error(CTL_EXIT_FAIL, _("reading the bulletin store: %s"),
                             ctl_bulletin_src_errmsg(&src));
    if (r == CTL_EXIT_OK) {
        if (json)
            list_json(items, n, &b);
        else
            list_table(items, n, &b);
        r = ctl_output_write(&b);
    }
    ledger_bulletins_items_free(items, n);
    ctl_bulletin_src_close(&src);
    lu_buf_free(&b);
    return r;
}

static int write_file(const char *path, const uint8_t *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int r = CTL_EXIT_OK;

    if (fd < 0)
        return ctl_output_error(
            errno == ENOENT || errno == EISDIR ? CTL_EXIT_BAD : CTL_EXIT_FAIL,
            "%s: %s", path, strerror(errno));
    if (write(fd, data, len) != (ssize_t)len || fsync(fd) < 0)
        r = ctl_output_error(CTL_EXIT_FAIL, _("writing %s: %s"), path,
                             strerror(errno ? errno : EIO));
    if (close(fd) < 0 && r == CTL_EXIT_OK)
        r = ctl_output_error(CTL_EXIT_FAIL, _("writing %s: %s"), path,
                             strerror(errno));
    return r;
}

static int export_run(const struct ctl_global *g, const char *dir,
                      const char *month, const char *given, uint32_t rev,
                      const char *out)
{
    struct ctl_bulletin_src src;
    struct ledger_bulletins_item it = {0};
    const char *province = NULL;
    uint32_t period = 0;
    char p[8];
    int r = ctl_bulletin_src_period(month, &period);

    if (r != CTL_EXIT_OK)
        return r;
    r = ctl_bulletin_src_open(dir, g->plan, &src);
    if (r == CTL_EXIT_OK)
        r = ctl_bulletin_src_province(&src, given, &province);
    if (r == CTL_EXIT_OK) {
        int e = ledger_bulletins_get(src.store, province, period, rev, &it);

        if (e < 0)
            r = ctl_output_error(CTL_EXIT_FAIL, _("no bulletin %s %s%s held"),
                                 province, lu_period_format(period, p, 8),
                                 rev ? _(" of that revision") : "");
    }
    if (r == CTL_EXIT_OK)
        r = write_file(out, it.payload, it.len);
    if (r == CTL_EXIT_OK)
        printf(_("wrote %s: %s %s revision %u signed by %s (%zu bytes)\n"), out,
               it.province, lu_period_format(it.period, p, sizeof(p)),
               it.revision, it.signer, it.len);
    free(it.payload);
    ctl_bulletin_src_close(&src);
    return r;
}

static int export(const struct ctl_global *g, int argc, char **argv)
{
    const char *dir = NULL, *province = NULL, *revision = NULL, *out = NULL;
    const char *pos[1];
    const struct ctl_opt opts[] = {
        {"--state-dir", CTL_OPT_VALUE, &dir},
        {"--ledger", CTL_OPT_VALUE, &dir},
        {"--province", CTL_OPT_VALUE, &province},
        {"--revision", CTL_OPT_VALUE, &revision},
        {"--out", CTL_OPT_VALUE, &out},
    };
    struct ctl_args a = {.cmd = "bulletin export",
                         .opts = opts,
                         .n_opts = 5,
                         .max_pos = 1,
                         .pos = pos};
    uint64_t rev = 0;
    int r = ctl_args_parse(&a, argc, argv);

    if (r == CTL_EXIT_OK && a.help)
        return ctl_output_usage(EXPORT_USAGE);
    if (r == CTL_EXIT_OK && (a.n_pos == 0 || dir == NULL || out == NULL))
        r = ctl_args_bad(&a, _("give YYYY-MM, --state-dir and --out"));
    if (r == CTL_EXIT_OK)
        r = parse_num(&a, "--revision", revision, 1, UINT32_MAX, &rev);
    if (r != CTL_EXIT_OK)
        return r;
    return export_run(g, dir, pos[0], province, (uint32_t)rev, out);
}

/* Prints what a valid bulletin says about itself. */
static int verified(const Luyu__SignedBulletin *sb, const Luyu__Bulletin *b)
{
    char p[8], t[40], hex[65] = "";

    for (size_t i = 0; i < b->digest.len && i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", b->digest.data[i]);
    printf(_("valid: %s (%s) %s revision %u, signed by %s, issued %s;\n"
             "covers %llu entries up to ledger entry %lld; sha256 %s\n"),
           b->province_name, b->province,
           lu_period_format(b->period, p, sizeof(p)), b->revision, sb->signer,
           ledger_calendar_format(b->issued_at, t, sizeof(t)),
           (unsigned long long)b->entries_covered, (long long)b->upto_entry,
           hex);
    return fflush(stdout) == 0 ? CTL_EXIT_OK : CTL_EXIT_FAIL;
}

/* Recomputes b's digest from the ledger in dir. */
static int verify_ledger(const Luyu__Bulletin *b, const char *dir)
{
    /* A connection string may hold a password: not printed. */
    const char *shown = ledger_sql_is_pg_url(dir) ? "PostgreSQL" : dir;
    uint8_t digest[32];
    struct ledger_sql *db = NULL;
    int r = ctl_ledgerdb_open(dir, &db);

    if (r != CTL_EXIT_OK)
        return r;
    r = ledger_digest_at(db, b->upto_entry, digest);
    ledger_reader_close(db);
    if (r == -ERANGE)
        return ctl_output_error(CTL_EXIT_FAIL,
                                _("not matching: the ledger in %s ends before "
                                  "entry %lld, which the bulletin covers"),
                                shown, (long long)b->upto_entry);
    if (r < 0)
        return ctl_output_error(CTL_EXIT_FAIL,
                                _("reading the ledger in %s: %s"), shown,
                                strerror(-r));
    if (b->digest.len != 32 || memcmp(digest, b->digest.data, 32) != 0)
        return ctl_output_error(CTL_EXIT_FAIL,
                                _("not matching: the ledger in %s differs from "
                                  "what the bulletin was computed from (an "
                                  "entry up to %lld has changed, or it is "
                                  "another hub's ledger)"),
                                shown, (long long)b->upto_entry);
    printf(_("ledger: %s matches: entries 1 .. %lld are as when issued\n"),
           shown, (long long)b->upto_entry);
    return fflush(stdout) == 0 ? CTL_EXIT_OK : CTL_EXIT_FAIL;
}

static int verify_run(const char *file, const char *key, const char *dir)
{
    uint8_t pub[LU_SIGN_PUBLIC_BYTES];
    Luyu__SignedBulletin *sb = NULL;
    Luyu__Bulletin *b = NULL;
    char *data = NULL, err[512];
    size_t len = 0;
    int r = lu_read_file(file, LEDGER_BULLETIN_MAX_BYTES, &data, &len);

    if (r < 0)
        r = ctl_output_error(CTL_EXIT_BAD, "%s: %s", file, strerror(-r));
    else if (lu_sign_load_public(key, pub, err, sizeof(err)) < 0)
        r = ctl_output_error(CTL_EXIT_BAD, "%s", err);
    else if ((sb = ledger_bulletin_sign_parse(data, len, err, sizeof(err))) ==
             NULL)
        r = ctl_output_error(CTL_EXIT_BAD, "%s: %s", file, err);
    else if (ledger_bulletin_sign_verify(sb, pub, &b, err, sizeof(err)) < 0)
        r = ctl_output_error(CTL_EXIT_FAIL, _("invalid: %s: %s (key %s)"), file,
                             err, key);
    else
        r = verified(sb, b);
    if (r == CTL_EXIT_OK && dir != NULL)
        r = verify_ledger(b, dir);
    ledger_bulletin_free(b);
    if (sb != NULL)
        luyu__signed_bulletin__free_unpacked(sb, NULL);
    free(data);
    return r;
}

static int verify(const struct ctl_global *g, int argc, char **argv)
{
    const char *key = NULL, *dir = NULL, *pos[1];
    const struct ctl_opt opts[] = {{"--key", CTL_OPT_VALUE, &key},
                                   {"--state-dir", CTL_OPT_VALUE, &dir},
                                   {"--ledger", CTL_OPT_VALUE, &dir}};
    struct ctl_args a = {.cmd = "bulletin verify",
                         .opts = opts,
                         .n_opts = 3,
                         .max_pos = 1,
                         .pos = pos};
    int r = ctl_args_parse(&a, argc, argv);

    if (r == CTL_EXIT_OK && a.help)
        return ctl_output_usage(VERIFY_USAGE);
    if (r == CTL_EXIT_OK && (a.n_pos == 0 || key == NULL))
        r = ctl_args_bad(&a, _("give FILE and --key FILE.sign.pub"));
    return r == CTL_EXIT_OK ? verify_run(pos[0], key, dir) : r;
}

static int issue(const struct ctl_global *g, int argc, char **argv)
{
    return ctl_bulletin_issue(argc, argv);
}

/* The subcommands. */
static const struct {
    const char *name;
    ctl_cmd_cb *run;
} SUBS[] = {
    {"list", list},     {"show", show},   {"export", export},
    {"verify", verify}, {"issue", issue},
};

int ctl_bulletin_cmd(const struct ctl_global *g, int argc, char **argv)
{
    if (argc == 0)
        return ctl_output_error(CTL_EXIT_BAD,
                                _("bulletin: which subcommand? "
                                  "(see luyuctl bulletin --help)"));
    if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)
        return ctl_output_usage(USAGE);
    for (size_t i = 0; i < sizeof(SUBS) / sizeof(SUBS[0]); i++) {
        if (strcmp(argv[0], SUBS[i].name) == 0)
            return SUBS[i].run(g, argc - 1, argv + 1);
    }
    return ctl_output_error(CTL_EXIT_BAD,
                            _("bulletin: unknown subcommand \"%s\" (see "
                              "luyuctl bulletin --help)"),
                            argv[0]);
}
