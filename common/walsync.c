#include "walsync.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"

/* The mutex guards requested and latency; quit and synced are written under
 * it and read without it too (atomically: the loop looks at synced after
 * every message it merges, the test hook at quit); fd and the paths are
 * the thread's alone between new and free; async belongs to the loop. */
struct lu_walsync {
    char wal[PATH_MAX];
    char dir[PATH_MAX];
    int fd; /* the thread's descriptor of the WAL, -1 until opened */
    uv_async_t async;
    lu_walsync_cb cb;
    void *data;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    uint64_t requested, synced;
    bool quit;
    const char *hold; /* test hook, see hold() */
    struct lu_histo latency;
};

/* fdatasync's time, seconds: a few ms on an idle disk, 100 ms and more
 * on one that others write to. */
static const double BOUNDS[] = {0.001, 0.002, 0.005, 0.01, 0.025,
                                0.05,  0.1,   0.25,  0.5,  1.0};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A sync that cannot be done leaves groups committed that may not be on
 * disk, and a later fdatasync may report success for pages the kernel
 * gave up on: nothing held may ever be released. The hub stops at once,
 * without another word to any node; systemd starts it again, and the
 * nodes send again what they were not told of. */
static void fail(const struct lu_walsync *w, const char *what)
{
    lu_err("cannot make the ledger durable: %s %s: %s; stopping so that no "
           "node is told of entries that may not be on disk",
           what, w->wal, strerror(errno));
    _exit(EXIT_FAILURE);
}

/* Opens the WAL (again, when the file at its path is no longer the one
 * held) and, the first time, syncs its directory: SQLite syncs the
 * directory of a new WAL only with its own first sync of it, which
 * synchronous=NORMAL may never run. */
static void open_wal(struct lu_walsync *w)
{
    struct stat held, now;
    int dfd;

    if (w->fd >= 0 && fstat(w->fd, &held) == 0 && stat(w->wal, &now) == 0 &&
        held.st_ino == now.st_ino && held.st_dev == now.st_dev)
        return;
    if (w->fd >= 0)
        close(w->fd);
    w->fd = open(w->wal, O_RDONLY | O_CLOEXEC);
    if (w->fd < 0)
        fail(w, "open");
    dfd = open(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) < 0)
        fail(w, "fsync the directory of");
    close(dfd);
}

/* Test hook (tests/integration/28-ack-after-sync.py): while the file
 * LUYU_TEST_WALSYNC_HOLD names exists, no sync starts, as if the disk took
 * that long (a stop does not wait for it). */
static void hold(const struct lu_walsync *w)
{
    struct timespec ten_ms = {0, 10 * 1000 * 1000};

    while (w->hold != NULL && access(w->hold, F_OK) == 0 &&
           !__atomic_load_n(&w->quit, __ATOMIC_ACQUIRE))
        nanosleep(&ten_ms, NULL);
}

static void *run(void *arg)
{
    struct lu_walsync *w = arg;

    pthread_mutex_lock(&w->mu);
    for (;;) {
        uint64_t upto;
        double t;

        while (!__atomic_load_n(&w->quit, __ATOMIC_ACQUIRE) &&
               w->synced == w->requested)
            pthread_cond_wait(&w->cond, &w->mu);
        if (__atomic_load_n(&w->quit, __ATOMIC_ACQUIRE))
            break;
        /* Every commit asked for before this point is in the WAL's pages
         * already: one fdatasync covers them all. */
        upto = w->requested;
        pthread_mutex_unlock(&w->mu);
        hold(w);
        t = now_s();
        open_wal(w);
        if (fdatasync(w->fd) < 0)
            fail(w, "fdatasync");
        t = now_s() - t;
        pthread_mutex_lock(&w->mu);
        __atomic_store_n(&w->synced, upto, __ATOMIC_RELEASE);
        lu_histo_observe(&w->latency, t);
        uv_async_send(&w->async);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static void on_async(uv_async_t *h)
{
    struct lu_walsync *w = h->data;

    w->cb(w->data);
}

static void on_closed(uv_handle_t *h)
{
    free(h->data);
}

struct lu_walsync *lu_walsync_new(uv_loop_t *loop, sqlite3 *db,
                                  lu_walsync_cb cb, void *data, char *err,
                                  size_t errlen)
{
    const char *file = sqlite3_db_filename(db, "main");
    struct lu_walsync *w;
    char *slash;
    int r;

    if (file == NULL || file[0] == '\0' ||
        strlen(sqlite3_filename_wal(file)) >= sizeof(w->wal)) {
        snprintf(err, errlen, "no WAL file to sync");
        return NULL;
    }
    w = lu_xcalloc(1, sizeof(*w));
    snprintf(w->wal, sizeof(w->wal), "%s", sqlite3_filename_wal(file));
    snprintf(w->dir, sizeof(w->dir), "%s", w->wal);
    slash = strrchr(w->dir, '/');
    if (slash == NULL)
        snprintf(w->dir, sizeof(w->dir), ".");
    else if (slash == w->dir)
        w->dir[1] = '\0'; /* the WAL is in "/" */
    else
        *slash = '\0';
    w->fd = -1;
    w->cb = cb;
    w->data = data;
    w->hold = getenv("LUYU_TEST_WALSYNC_HOLD");
    lu_histo_init(&w->latency, BOUNDS, sizeof(BOUNDS) / sizeof(BOUNDS[0]));
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cond, NULL);
    uv_async_init(loop, &w->async, on_async);
    w->async.data = w;
    r = pthread_create(&w->thread, NULL, run, w);
    if (r != 0) {
        snprintf(err, errlen, "cannot start the WAL sync thread: %s",
                 strerror(r));
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cond);
        /* Freed once the loop has closed the handle (on_closed). */
        uv_close((uv_handle_t *)&w->async, on_closed);
        return NULL;
    }
    return w;
}

void lu_walsync_free(struct lu_walsync *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->mu);
    __atomic_store_n(&w->quit, true, __ATOMIC_RELEASE);
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    if (w->fd >= 0)
        close(w->fd);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cond);
    uv_close((uv_handle_t *)&w->async, on_closed);
}

uint64_t lu_walsync_request(struct lu_walsync *w)
{
    uint64_t n;

    pthread_mutex_lock(&w->mu);
    n = ++w->requested;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->mu);
    return n;
}

uint64_t lu_walsync_synced(struct lu_walsync *w)
{
    return __atomic_load_n(&w->synced, __ATOMIC_ACQUIRE);
}

uint64_t lu_walsync_requested(const struct lu_walsync *w)
{
    /* Written only by the loop's thread (lu_walsync_request), which is
     * the one reading it here. */
    return w->requested;
}

void lu_walsync_latency(struct lu_walsync *w, struct lu_histo *out)
{
    pthread_mutex_lock(&w->mu);
    *out = w->latency;
    pthread_mutex_unlock(&w->mu);
}
