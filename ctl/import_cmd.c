/* luyuctl import: a file of figures as the office has it (CSV in any of
 * the encodings Excel and WPS write, or .xlsx), read by common/import.c --
 * the same code the node's spool directory uses -- and sent to the node as
 * one submit, which stores all of it or none. Every problem is reported as
 * FILE:LINE:COLUMN with the fix, so that a clerk can fix the file in one
 * pass. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "ctl.h"
#include "ctlmsg.h"
#include "i18n.h"
#include "import.h"
#include "node.h"
#include "output.h"
#include "plan.h"
#include "textenc.h"
#include "util.h"
#include "xmalloc.h"

static const char USAGE[] = N_(
    "usage: luyuctl --node SOCK import FILE [--dry-run] [--again] [--confirm]\n"
    "                                [--encoding ENC] [--sheet NAME]\n"
    "\n"
    "Records every row of FILE at the node, all or none. FILE is a CSV\n"
    "file (UTF-8 with or without BOM, GBK/GB18030 or UTF-16 with BOM, as\n"
    "Excel and WPS save it; comma or tab separated) or an .xlsx workbook\n"
    "(its first sheet, or --sheet NAME). The first non-empty row names the\n"
    "columns, in any order, in Chinese or English:\n"
    "\n"
    "  单位 unit, 指标 indicator, 月份 month, 金额 amount, 备注 note\n"
    "\n"
    "(备注 and a 计量单位 column may be left out). Units and indicators are\n"
    "given by code or by their name in the plan; months as 2019-07, 2019/7,\n"
    "2019/7/1, 2019年7月 or 201907; amounts in the base unit, thousands\n"
    "separators allowed. Empty rows are skipped. Every problem is reported\n"
    "as FILE:LINE:COLUMN: and then nothing is stored.\n"
    "\n"
    "  --dry-run       let the node check every row, store nothing\n"
    "  --again         store the rows even if this node has stored the same\n"
    "                  rows from an import before\n"
    "  --encoding ENC  the text's encoding when detection is wrong: utf-8,\n"
    "                  gbk, gb18030, utf-16le, utf-16be\n"
    "  --sheet NAME    the sheet of an .xlsx workbook to read\n"
    "  --confirm       store the rows despite the node's warnings (outliers,\n"
    "                  likely duplicates), which were checked\n"
    "\n"
    "Prints \"imported N entries (FIRST .. LAST)\" with the new ids.\n"
    "\n"
    "The node stores the same rows (same units, indicators, months, amounts\n"
    "and notes, in the same order) from an import only once, whatever the\n"
    "file's format: running an import again, e.g. after its answer was\n"
    "lost, prints \"already imported N entries (FIRST .. LAST) ...\" with the\n"
    "ids stored the first time and stores nothing. --again imports them\n"
    "once more.\n");

static void show_problems(const struct lu_import *im)
{
    struct lu_buf b;

    lu_buf_init(&b);
    lu_import_write_problems(im, &b);
    fputs(b.data ? b.data : "", stderr);
    lu_buf_free(&b);
}

static int refused(struct lu_import *im, const Luyu__CtlResponse *resp)
{
    if (resp->code != LUYU__CTL_RESPONSE__CODE__BAD_INPUT ||
        resp->n_problems == 0)
        return ctl_node_refused(resp);
    lu_import_refused(im, resp);
    show_problems(im);
    /* The node caps its list; its message has the true count. */
    ctl_output_error(CTL_EXIT_BAD, "%s: %s", im->name,
                     resp->message[0] ? resp->message : "refused");
    return CTL_EXIT_BAD;
}

static void skipped(const struct lu_import *im, struct lu_buf *b)
{
    if (im->empty_rows > 0)
        lu_buf_printf(b, _("; %zu empty rows skipped"), im->empty_rows);
}

static int accepted(struct lu_import *im, const Luyu__CtlResponse *resp,
                    bool dry_run)
{
    struct lu_buf b;
    int r;

    if (!dry_run && !resp->repeat && resp->n_ids != im->n)
        return ctl_output_error(CTL_EXIT_FAIL,
                                _("%s: the node answered OK but with %zu ids "
                                  "for %zu entries; check luyuctl status"),
                                im->name, resp->n_ids, im->n);
    lu_buf_init(&b);
    if (resp->repeat) {
        char when[32];

        lu_buf_printf(
            &b,
            ngettext("already imported %zu entry (%s .. %s) at %s by %s; "
                     "nothing stored again (--again stores them once more)",
                     "already imported %zu entries (%s .. %s) at %s by %s; "
                     "nothing stored again (--again stores them once more)",
                     resp->n_ids),
            resp->n_ids, resp->n_ids ? resp->ids[0] : "",
            resp->n_ids ? resp->ids[resp->n_ids - 1] : "",
            ctl_output_time(resp->repeat_at, when, sizeof(when)),
            resp->repeat_by);
    } else if (dry_run) {
        ctl_output_text(&b, resp->message[0] ? resp->message
                                             : _("dry run: all entries fine"));
        skipped(im, &b);
    } else {
        lu_buf_printf(&b,
                      ngettext("imported %zu entry (%s .. %s)",
                               "imported %zu entries (%s .. %s)", im->n),
                      im->n, resp->ids[0], resp->ids[im->n - 1]);
        skipped(im, &b);
    }
    lu_buf_adds(&b, "\n");
    r = ctl_output_write(&b);
    lu_buf_free(&b);
    return r;
}

static int send_all(const struct ctl_global *g, struct lu_import *im,
                    bool dry_run, bool again, bool confirm)
{
    Luyu__CtlRequest req = LUYU__CTL_REQUEST__INIT;
    Luyu__CtlSubmit sub;
    Luyu__CtlResponse *resp = NULL;
    Luyu__CtlEntry **ptrs = NULL;
    /* The node checks every row and fsyncs once: a minute, and a
     * millisecond more for each row. */
    size_t size, ms = 60000 + im->n;
    int timeout_ms = ms > INT_MAX ? INT_MAX : (int)ms;
    uint8_t key[32];
    int r;

    lu_import_submit(im, again, dry_run, key, &sub, &ptrs);
    sub.confirm = confirm;
    req.body_case = LUYU__CTL_REQUEST__BODY_SUBMIT;
    req.submit = &sub;
    size = luyu__ctl_request__get_packed_size(&req);
    if (size > LU_CTL_MAX_MSG) {
        r = ctl_output_error(CTL_EXIT_BAD,
                             _("%s: too large for one import (%zu MiB to "
                               "send, at most %u MiB); split the file"),
                             im->name, size >> 20, LU_CTL_MAX_MSG >> 20);
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

static int read_input(const char *path, char **data, size_t *len)
{
    int r = lu_read_file(path, LU_IMPORT_MAX_FILE, data, len);

    if (r == -EFBIG)
        return ctl_output_error(CTL_EXIT_BAD,
                                "%s: larger than %u MiB; split the file", path,
                                LU_IMPORT_MAX_FILE >> 20);
    if (r == -EISDIR)
        return ctl_output_error(CTL_EXIT_BAD, "%s: not a regular file", path);
    if (r < 0)
        return ctl_output_error(ctl_output_errno_exit(r), "%s: %s", path,
                                strerror(-r));
    return CTL_EXIT_OK;
}

/* Reads and checks the file with the plan, which turns names into codes;
 * the node checks the codes again with its own. */
static int read_checked(const struct ctl_global *g, struct lu_import *im,
                        const char *encoding, const char *sheet)
{
    struct lu_plan *plan = NULL;
    char *data = NULL, err[512];
    size_t len = 0;
    int r;

    r = lu_plan_load(g->plan, &plan, err, sizeof(err));
    if (r < 0)
        return ctl_output_error(ctl_output_errno_exit(r), "%s", err);
    r = read_input(im->name, &data, &len);
    if (r == CTL_EXIT_OK &&
        lu_import_read(im, plan, data, len, encoding, sheet) < 0) {
        /* Nothing goes to the node until the file as a whole is sound. */
        show_problems(im);
        r = ctl_output_error(CTL_EXIT_BAD,
                             _("%s: problems found: %zu; nothing was sent "
                               "to the node"),
                             im->name, im->n_problems);
    }
    free(data);
    lu_plan_free(plan);
    return r;
}

int ctl_import_cmd(const struct ctl_global *g, int argc, char **argv)
{
    const char *dry = NULL, *again = NULL, *enc = NULL, *sheet = NULL,
               *confirm = NULL, *pos[1];
    const struct ctl_opt opts[] = {{"--dry-run", CTL_OPT_FLAG, &dry},
                                   {"--again", CTL_OPT_FLAG, &again},
                                   {"--encoding", CTL_OPT_VALUE, &enc},
                                   {"--sheet", CTL_OPT_VALUE, &sheet},
                                   {"--confirm", CTL_OPT_FLAG, &confirm}};
    struct ctl_args a = {
        .cmd = "import", .opts = opts, .n_opts = 5, .max_pos = 1, .pos = pos};
    struct lu_import im;
    int r;

    r = ctl_args_parse(&a, argc, argv);
    if (r == CTL_EXIT_OK && a.help)
        return ctl_output_usage(_(USAGE));
    if (r == CTL_EXIT_OK && a.n_pos == 0)
        r = ctl_args_bad(&a, "which file? give the CSV or .xlsx file to "
                             "import");
    if (r == CTL_EXIT_OK && enc != NULL && !lu_textenc_known(enc))
        r = ctl_args_bad(&a,
                         "--encoding \"%s\": use utf-8, gbk, gb18030, "
                         "utf-16le, utf-16be or utf-16",
                         enc);
    if (r == CTL_EXIT_OK)
        r = ctl_node_need(g, "import");
    if (r != CTL_EXIT_OK)
        return r;
    lu_import_init(&im, pos[0]);
    r = read_checked(g, &im, enc, sheet);
    if (r == CTL_EXIT_OK)
        r = send_all(g, &im, dry != NULL, again != NULL, confirm != NULL);
    lu_import_close(&im);
    return r;
}
