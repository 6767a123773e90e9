/* Fuzzes the node's control requests. Any local user of the luyu group can
 * write bytes to a node's control socket; the node unpacks them as a
 * CtlRequest and, for submit (luyuctl submit and import) and correct, parses
 * and checks every field against the plan before it stores anything;
 * entries (luyuctl entries) lists what is stored. Here
 * the same code runs against a real outbox in a scratch directory (on
 * /dev/shm when there is one, so commits are cheap): whatever the bytes, the
 * answer must pack and read back, say OK only with one id per entry (or a
 * repeat naming earlier ones), store nothing unless OK, and hand back only
 * valid UTF-8, since luyuctl prints it on a clerk's terminal. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "entries.h"
#include "intake.h"
#include "log.h"
#include "outbox.h"
#include "plan.h"
#include "projects.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct lu_plan *plan;
static struct node_outbox *ob;
static struct node_intake *in;
static char dir[64];

static void cleanup(void)
{
    char p[128];

    node_intake_free(in);
    node_outbox_free(ob);
    lu_plan_free(plan);
    for (const char *const *f =
             (const char *const[]){"outbox.db", "outbox.db-wal",
                                   "outbox.db-shm", "lock", NULL};
         *f; f++) {
        snprintf(p, sizeof(p), "%s/%s", dir, *f);
        unlink(p);
    }
    rmdir(dir);
}

static void setup(void)
{
    char err[512] = "";

    /* A log line per accepted request would be most of the run's time. */
    lu_log_level = LU_LOG_ERR - 1;
    snprintf(dir, sizeof(dir), "%s/luyu-fuzz-ctl-XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (mkdtemp(dir) == NULL ||
        lu_plan_load(lu_plan_default_path(), &plan, err, sizeof(err)) < 0 ||
        node_outbox_open(dir, "fz", &ob, err, sizeof(err)) < 0 ||
        (in = node_intake_new("fz", "cq-wanzhou,cq-kaizhou", plan, ob, err,
                              sizeof(err))) == NULL) {
        fprintf(stderr, "fuzz_ctl setup: %s\n", err);
        abort();
    }
    atexit(cleanup);
}

static void check_text(const char *s)
{
    if (s != NULL && !lu_utf8_valid(s, strlen(s)))
        abort();
}

/* The answer packs, reads back, and keeps the promises above. */
static void check(const Luyu__CtlResponse *resp, size_t n_entries,
                  const struct node_outbox_stats *before, bool dry_run)
{
    struct node_outbox_stats after;
    size_t len = luyu__ctl_response__get_packed_size(resp);
    uint8_t *buf = malloc(len + 1);
    Luyu__CtlResponse *back;

    if (buf == NULL)
        abort();
    luyu__ctl_response__pack(resp, buf);
    back = luyu__ctl_response__unpack(NULL, len, buf);
    if (back == NULL)
        abort();
    luyu__ctl_response__free_unpacked(back, NULL);
    free(buf);
    check_text(resp->message);
    check_text(resp->repeat_by);
    for (size_t i = 0; i < resp->n_problems; i++)
        check_text(resp->problems[i]->message);
    for (size_t i = 0; i < resp->n_ids; i++)
        check_text(resp->ids[i]);
    for (size_t i = 0; i < resp->n_entries; i++) {
        check_text(resp->entries[i]->id);
        check_text(resp->entries[i]->note);
        check_text(resp->entries[i]->reason);
    }
    node_outbox_stats(ob, &after);
    if (resp->code != LUYU__CTL_RESPONSE__CODE__OK) {
        if (resp->message[0] == '\0' || after.last_seq != before->last_seq)
            abort();
    } else if (resp->repeat || dry_run) {
        if (after.last_seq != before->last_seq)
            abort();
    } else if (resp->n_ids != n_entries ||
               after.last_seq != before->last_seq + n_entries) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Luyu__CtlRequest *req = luyu__ctl_request__unpack(NULL, size, data);
    Luyu__CtlResponse resp = LUYU__CTL_RESPONSE__INIT;
    struct node_outbox_stats before;

    if (ob == NULL)
        setup();
    if (req == NULL)
        return 0;
    node_outbox_stats(ob, &before);
    if (req->body_case == LUYU__CTL_REQUEST__BODY_SUBMIT) {
        node_intake_submit(in, req->submit, "fuzz", &resp);
        check(&resp, req->submit->n_entries, &before, req->submit->dry_run);
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_CORRECT) {
        node_intake_correct(in, req->correct, "fuzz", &resp);
        check(&resp, 1, &before, false);
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_ENTRIES) {
        /* A listing stores nothing, whatever it is asked. */
        node_entries_answer(ob, "fz", req->entries, &resp);
        check(&resp, 0, &before, true);
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_PROJECTS) {
        /* Project changes: the same promises, one event per change. */
        node_projects_submit(in, req->projects, "fuzz", &resp);
        check(&resp, req->projects->n_projects, &before,
              req->projects->dry_run);
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_PROJECT_LIST) {
        node_projects_list(in, req->project_list, &resp);
        for (size_t i = 0; i < resp.n_projects; i++)
            check_text(resp.projects[i]->name);
        node_projects_response_clear(&resp);
    }
    node_entries_clear(&resp);
    node_intake_response_clear(&resp);
    luyu__ctl_request__free_unpacked(req, NULL);
    return 0;
}
