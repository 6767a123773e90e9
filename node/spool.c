#include "spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "import.h"
#include "intake.h"
#include "log.h"
#include "uplink.h"
#include "util.h"
#include "xmalloc.h"

/* Events come in bursts (create, write, rename); one scan a little after
 * the first is enough. */
#define SCAN_DELAY_MS 50
/* A file the outbox could not take (disk full, database busy) stays in
 * the spool and is tried again after this long. */
#define RETRY_MS 10000
/* File events do not come for every file system (a share mounted over the
 * network, written from another machine): scan this often anyway. */
#define RESCAN_MS 30000

/* One file on its way: read and parsed on libuv's thread pool (the slow
 * part: decoding, unzipping, XML, normalising every row), stored and moved
 * back on the loop. The job owns name and im; the thread touches only
 * them, path and the plan, which nobody changes while the node runs. */
struct job {
    uv_work_t req;
    struct node_spool *sp;
    char *name, *path;
    uid_t uid;
    struct lu_import im;
    int read_r; /* 0, or what reading the file failed with */
};

struct node_spool {
    uv_loop_t *loop;
    char *dir, *done, *failed;
    const struct lu_plan *plan;
    struct node_intake *intake;
    struct node_uplink *uplink;
    /* spool_confirm: the files' data-quality warnings count as confirmed
     * by their owner (node/quality.h); else such a file is refused. */
    bool confirm;
    uv_fs_event_t ev;
    uv_timer_t timer;
    int open_handles;
    struct job *job; /* the file being imported, NULL when idle */
    char **queue;    /* names found by the last scan, not yet taken */
    size_t n_queue, next;
    bool retry, closing;
    struct node_spool_info info; /* strings below are owned here */
    char *last_error;
};

/* Files still being written, by the conventions of writers that rename a
 * finished file into place, and office lock files (~$book.xlsx). */
static bool in_progress(const char *name)
{
    size_t n = strlen(name);

    return name[0] == '.' || name[0] == '~' ||
           (n >= 4 && strcmp(name + n - 4, ".tmp") == 0) ||
           (n >= 5 && strcmp(name + n - 5, ".part") == 0);
}

static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);

    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* A name in dir that is not taken: name itself, else stem-2.ext, ... so
 * that this month's month.csv does not replace last month's. Caller frees. */
static char *free_name(const char *dir, const char *name)
{
    const char *dot = strrchr(name, '.');
    int stem = dot && dot != name ? (int)(dot - name) : (int)strlen(name);
    const char *ext = name + stem;
    char *path = lu_xasprintf("%s/%s", dir, name), *out;
    struct stat st;

    for (int i = 2; lstat(path, &st) == 0 && i < 100000; i++) {
        free(path);
        path = lu_xasprintf("%s/%.*s-%d%s", dir, stem, name, i, ext);
    }
    out = lu_xstrdup(strrchr(path, '/') + 1);
    free(path);
    return out;
}

static int write_err(const char *dir, const char *final, const char *text)
{
    char *tmp = lu_xasprintf("%s/.%s.err.tmp", dir, final);
    char *path = lu_xasprintf("%s/%s.err", dir, final);
    size_t len = strlen(text);
    int fd, r = 0;

    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) < 0 ||
        rename(tmp, path) < 0)
        r = -errno;
    if (fd >= 0)
        close(fd);
    if (r < 0) {
        lu_err("spool: cannot write %s: %s", path, strerror(-r));
        unlink(tmp);
    }
    free(tmp);
    free(path);
    return r;
}

/* Moves name from the spool into to (done/ or failed/); with text, writes
 * it as FINAL.err first, so that a file in failed/ always has its reasons.
 * Returns false when the file could not be moved (it is tried again). */
static bool move(struct node_spool *sp, const char *name, const char *to,
                 const char *text)
{
    char *final = free_name(to, name);
    char *from = lu_xasprintf("%s/%s", sp->dir, name);
    char *dest = lu_xasprintf("%s/%s", to, final);
    bool moved = false;

    if (text == NULL || write_err(to, final, text) == 0) {
        moved = rename(from, dest) == 0;
        if (!moved)
            lu_err("spool: cannot move %s to %s: %s", from, dest,
                   strerror(errno));
        sync_dir(to);
        sync_dir(sp->dir);
    }
    free(final);
    free(from);
    free(dest);
    return moved;
}

/* The last thing that went wrong, for status and /metrics; English, as
 * the log has it (luyuctl status shows it as the node's words). */
static void note_error(struct node_spool *sp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note_error(struct node_spool *sp, const char *fmt, ...)
{
    va_list ap;
    char text[512];

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    free(sp->last_error);
    sp->last_error = lu_xstrdup(lu_utf8_fix(text));
    sp->info.last_error = sp->last_error;
    sp->info.last_error_at = lu_now_s();
}

static bool failed(struct node_spool *sp, const char *name,
                   const struct lu_import *im)
{
    struct lu_buf b;
    bool moved;

    lu_buf_init(&b);
    lu_import_write_problems(im, &b);
    lu_buf_printf(&b,
                  _("%s: problems found: %zu; nothing was stored. Fix the "
                    "file and put it in the spool directory again.\n"),
                  name, im->n_problems);
    lu_warn("spool: %s refused (%zu problems), moved to %s/", name,
            im->n_problems, sp->failed);
    note_error(sp, "%s: %zu problems, moved to failed/", name, im->n_problems);
    moved = move(sp, name, sp->failed, b.data);
    if (moved)
        sp->info.failed++;
    lu_buf_free(&b);
    return moved;
}

/* The user who owns the file stands as the one who recorded its entries,
 * as SO_PEERCRED does for luyuctl. */
static char *owner(uid_t uid)
{
    struct passwd pw, *res = NULL;
    char buf[1024];

    if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res != NULL)
        return lu_xstrdup(res->pw_name);
    return lu_xasprintf("uid %u", (unsigned)uid);
}

/* Stores the rows; returns false when the outbox could not take them now,
 * or the file could not be moved, and it should be tried again. */
static bool store(struct node_spool *sp, const char *name, uid_t uid,
                  struct lu_import *im)
{
    Luyu__CtlResponse resp = LUYU__CTL_RESPONSE__INIT;
    Luyu__CtlSubmit sub;
    Luyu__CtlEntry **ptrs = NULL;
    char *who = owner(uid);
    uint8_t key[32];
    bool done = true;

    lu_import_submit(im, false, false, key, &sub, &ptrs);
    sub.confirm = sp->confirm;
    node_intake_submit(sp->intake, &sub, who, &resp);
    if (resp.code == LUYU__CTL_RESPONSE__CODE__OK) {
        lu_notice("spool: %s: %s %zu entries (%s .. %s), moved to %s/", name,
                  resp.repeat ? "already imported, nothing stored again:"
                              : "imported",
                  resp.n_ids, resp.n_ids ? resp.ids[0] : "",
                  resp.n_ids ? resp.ids[resp.n_ids - 1] : "", sp->done);
        done = move(sp, name, sp->done, NULL);
        if (done)
            sp->info.done++;
    } else if (resp.code == LUYU__CTL_RESPONSE__CODE__BAD_INPUT) {
        lu_import_refused(im, &resp);
        done = failed(sp, name, im);
    } else {
        lu_warn("spool: %s: %s; left in the spool, tried again in %d s", name,
                resp.message, RETRY_MS / 1000);
        note_error(sp, "%s: %s; tried again in %d s", name, resp.message,
                   RETRY_MS / 1000);
        done = false;
    }
    node_intake_response_clear(&resp);
    free(ptrs);
    free(who);
    return done;
}

/* On a thread of the pool: only the job's own memory and the plan. */
static void work(uv_work_t *req)
{
    struct job *j = req->data;
    char *data = NULL;
    size_t len = 0;

    j->read_r = lu_read_file(j->path, LU_IMPORT_MAX_FILE, &data, &len);
    if (j->read_r == 0)
        lu_import_read(&j->im, j->sp->plan, data, len, NULL, NULL);
    free(data);
}

static void job_free(struct job *j)
{
    lu_import_close(&j->im);
    free(j->name);
    free(j->path);
    free(j);
}

static void next(struct node_spool *sp);
static void scan(uv_timer_t *t);
static void spool_release(struct node_spool *sp);

/* Back on the loop: store or refuse, move, and take the next file. */
static void worked(uv_work_t *req, int status)
{
    struct job *j = req->data;
    struct node_spool *sp = j->sp;
    bool done = true;

    sp->job = NULL;
    sp->info.importing = NULL;
    if (sp->closing || status < 0) {
        job_free(j);
        spool_release(sp);
        return;
    }
    if (j->read_r == -EFBIG)
        lu_import_problem(&j->im, 0, 0, _("larger than %u MiB; split the file"),
                          LU_IMPORT_MAX_FILE >> 20);
    else if (j->read_r < 0)
        lu_import_problem(&j->im, 0, 0, _("cannot read the file: %s"),
                          strerror(-j->read_r));
    if (j->im.n_problems > 0)
        done = failed(sp, j->name, &j->im);
    else
        done = store(sp, j->name, j->uid, &j->im);
    sp->retry = !done || sp->retry;
    job_free(j);
    next(sp);
}

/* Hands the next finished file of the queue to the thread pool; when the
 * queue is empty, sends what was stored and plans the next scan. */
static void next(struct node_spool *sp)
{
    struct stat st;

    while (sp->next < sp->n_queue) {
        char *name = sp->queue[sp->next++];
        char *path = lu_xasprintf("%s/%s", sp->dir, name);
        struct job *j;

        sp->info.waiting = sp->n_queue - sp->next;
        if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
            free(path); /* gone, or a directory such as done/ */
            continue;
        }
        j = lu_xcalloc(1, sizeof(*j));
        j->req.data = j;
        j->sp = sp;
        j->name = lu_xstrdup(name);
        j->path = path;
        j->uid = st.st_uid;
        lu_import_init(&j->im, j->name);
        sp->job = j;
        sp->info.importing = j->name;
        uv_queue_work(sp->loop, &j->req, work, worked);
        return;
    }
    for (size_t i = 0; i < sp->n_queue; i++)
        free(sp->queue[i]);
    free(sp->queue);
    sp->queue = NULL;
    sp->n_queue = sp->next = 0;
    sp->info.waiting = 0;
    node_uplink_pump(sp->uplink);
    uv_timer_start(&sp->timer, scan, sp->retry ? RETRY_MS : RESCAN_MS, 0);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists every finished file, oldest name first (names often hold dates),
 * and starts taking them one at a time. A scan while a file is being
 * imported waits for it: the queue is taken again after it. */
static void scan(uv_timer_t *t)
{
    struct node_spool *sp = t->data;
    DIR *d;
    struct dirent *de;

    if (sp->job != NULL || sp->n_queue > 0)
        return; /* next() plans the scan after the queue */
    d = opendir(sp->dir);
    if (d == NULL) {
        lu_err("spool: cannot read %s: %s", sp->dir, strerror(errno));
        note_error(sp, "cannot read %s: %s", sp->dir, strerror(errno));
        uv_timer_start(&sp->timer, scan, RETRY_MS, 0);
        return;
    }
    while ((de = readdir(d)) != NULL) {
        if (in_progress(de->d_name) || strcmp(de->d_name, "done") == 0 ||
            strcmp(de->d_name, "failed") == 0)
            continue;
        sp->queue = lu_xrealloc(sp->queue, (sp->n_queue + 1) * sizeof(char *));
        sp->queue[sp->n_queue++] = lu_xstrdup(de->d_name);
    }
    closedir(d);
    if (sp->n_queue > 1)
        qsort(sp->queue, sp->n_queue, sizeof(char *), by_name);
    sp->retry = false;
    next(sp);
}

static void on_event(uv_fs_event_t *h, const char *name, int events, int status)
{
    struct node_spool *sp = h->data;

    if (status < 0)
        lu_warn("spool: watching %s: %s", sp->dir, uv_strerror(status));
    /* Sooner than the next scan planned, never later: a burst of events
     * must not keep pushing the scan away. */
    if (!uv_is_active((uv_handle_t *)&sp->timer) ||
        uv_timer_get_due_in(&sp->timer) > SCAN_DELAY_MS)
        uv_timer_start(&sp->timer, scan, SCAN_DELAY_MS, 0);
}

static int make_dir(const char *path, char *err, size_t errlen)
{
    struct stat st;

    if (mkdir(path, 0750) < 0 && errno != EEXIST) {
        snprintf(err, errlen, _("spool: cannot create %s: %s"), path,
                 strerror(errno));
        return -errno;
    }
    if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, _("spool: %s is not a directory"), path);
        return -ENOTDIR;
    }
    return 0;
}

/* Files in done/ or failed/ (not the .err beside them), counted once at
 * start; the moves count from there. */
static uint64_t count_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    uint64_t n = 0;

    while (d != NULL && (de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);

        if (de->d_name[0] != '.' &&
            !(len > 4 && strcmp(de->d_name + len - 4, ".err") == 0))
            n++;
    }
    if (d != NULL)
        closedir(d);
    return n;
}

/* The memory goes when both handles are closed and no job is out. */
static void spool_release(struct node_spool *sp)
{
    if (sp->open_handles > 0 || sp->job != NULL)
        return;
    for (size_t i = 0; i < sp->n_queue; i++)
        free(sp->queue[i]);
    free(sp->queue);
    free(sp->last_error);
    free(sp->dir);
    free(sp->done);
    free(sp->failed);
    free(sp);
}

static void on_close(uv_handle_t *h)
{
    struct node_spool *sp = h->data;

    sp->open_handles--;
    spool_release(sp);
}

int node_spool_check(const char *dir, char *err, size_t errlen)
{
    char *done = lu_xasprintf("%s/done", dir);
    char *failed = lu_xasprintf("%s/failed", dir);
    int r = make_dir(dir, err, errlen);

    if (r == 0)
        r = make_dir(done, err, errlen);
    if (r == 0)
        r = make_dir(failed, err, errlen);
    free(done);
    free(failed);
    return r;
}

struct node_spool *node_spool_new(uv_loop_t *loop, const char *dir,
                                  const struct lu_plan *plan,
                                  struct node_intake *intake,
                                  struct node_uplink *uplink, bool confirm,
                                  char *err, size_t errlen)
{
    struct node_spool *sp = lu_xcalloc(1, sizeof(*sp));
    int r;

    sp->loop = loop;
    sp->dir = lu_xstrdup(dir);
    sp->done = lu_xasprintf("%s/done", dir);
    sp->failed = lu_xasprintf("%s/failed", dir);
    sp->plan = plan;
    sp->intake = intake;
    sp->uplink = uplink;
    sp->confirm = confirm;
    if (make_dir(dir, err, errlen) < 0 || make_dir(sp->done, err, errlen) < 0 ||
        make_dir(sp->failed, err, errlen) < 0)
        goto fail;
    sp->info.dir = sp->dir;
    sp->info.done = count_files(sp->done);
    sp->info.failed = count_files(sp->failed);
    uv_fs_event_init(loop, &sp->ev);
    uv_timer_init(loop, &sp->timer);
    sp->ev.data = sp->timer.data = sp;
    sp->open_handles = 2;
    r = uv_fs_event_start(&sp->ev, on_event, dir, 0);
    if (r < 0) {
        snprintf(err, errlen, _("spool: cannot watch %s: %s"), dir,
                 uv_strerror(r));
        node_spool_free(sp);
        return NULL;
    }
    /* Files that arrived while the node was down. */
    uv_timer_start(&sp->timer, scan, 0, 0);
    lu_notice("spool: watching %s (imported files go to done/, refused ones "
              "to failed/)",
              dir);
    return sp;
fail:
    free(sp->dir);
    free(sp->done);
    free(sp->failed);
    free(sp);
    return NULL;
}

void node_spool_info(const struct node_spool *sp, struct node_spool_info *info)
{
    *info = sp->info;
}

void node_spool_free(struct node_spool *sp)
{
    if (sp == NULL)
        return;
    /* A file being read finishes on its thread (it cannot be stopped);
     * worked() then frees it without storing, and the spool with it. The
     * file stays in the spool for the next start. */
    sp->closing = true;
    if (sp->job != NULL)
        uv_cancel((uv_req_t *)&sp->job->req);
    uv_fs_event_stop(&sp->ev);
    uv_timer_stop(&sp->timer);
    uv_close((uv_handle_t *)&sp->ev, on_close);
    uv_close((uv_handle_t *)&sp->timer, on_close);
}
