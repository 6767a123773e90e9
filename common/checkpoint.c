#include "checkpoint.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "log.h"
#include "xmalloc.h"

/* SQLite's default autocheckpoint threshold, if the caller gives none. */
#define DEFAULT_PAGES 1000
/* The WAL is started again from its beginning only by a write that finds
 * every frame copied; while the hub writes without a pause, the thread is
 * always a group behind and the WAL would grow without end (350 MB in a
 * quick storm). So once it holds RESTART_FACTOR times the threshold, the
 * commit copies the rest itself, a group or two since the thread's last
 * pass: a tenth as often as SQLite's own checkpoints, and a fraction of
 * their work. */
#define RESTART_FACTOR 10

/* The mutex guards wanted, running, quit and the stats; db2 is the
 * thread's alone between new and free. */
struct lu_checkpointer {
    sqlite3 *db;  /* the hub's connection, borrowed */
    sqlite3 *db2; /* the checkpointing connection, owned */
    int pages;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    bool wanted, running, quit;
    struct lu_checkpointer_stats st;
    /* The committing thread's alone, no lock: lu_checkpointer_defer. */
    bool defer, owed;
};

/* Runs in the committing thread after every commit on db, with the number
 * of pages now in the WAL: signals the thread, or copies the rest when the
 * WAL has grown too long (above). */
static int on_wal(void *data, sqlite3 *db, const char *name, int pages)
{
    struct lu_checkpointer *c = data;
    bool inline_ckpt = false;

    if (pages < c->pages)
        return SQLITE_OK;
    pthread_mutex_lock(&c->mu);
    if (pages >= c->pages * RESTART_FACTOR) {
        /* The thread is not asked again: once its pass is over, the next
         * commit copies the rest. */
        inline_ckpt = !c->running;
        c->st.inline_runs += inline_ckpt;
    } else {
        c->wanted = true;
        pthread_cond_signal(&c->cond);
    }
    pthread_mutex_unlock(&c->mu);
    /* As SQLite's own hook does; BUSY (the thread started meanwhile) is
     * fine: the next commit tries again. */
    if (inline_ckpt && c->defer)
        c->owed = true;
    else if (inline_ckpt)
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL,
                                  NULL);
    return SQLITE_OK;
}

void lu_checkpointer_defer(struct lu_checkpointer *c)
{
    if (c != NULL)
        c->defer = true;
}

void lu_checkpointer_settle(struct lu_checkpointer *c)
{
    /* Inside a transaction (someone else's on the loop) it waits for the
     * next call. */
    if (c == NULL || !c->owed || !sqlite3_get_autocommit(c->db))
        return;
    c->owed = false;
    sqlite3_wal_checkpoint_v2(c->db, "main", SQLITE_CHECKPOINT_PASSIVE, NULL,
                              NULL);
}

static void *run(void *data)
{
    struct lu_checkpointer *c = data;

    pthread_mutex_lock(&c->mu);
    for (;;) {
        int rc;

        while (!c->wanted && !c->quit)
            pthread_cond_wait(&c->cond, &c->mu);
        if (c->quit)
            break;
        c->wanted = false;
        c->running = true;
        pthread_mutex_unlock(&c->mu);
        rc = sqlite3_wal_checkpoint_v2(c->db2, "main",
                                       SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&c->mu);
        c->running = false;
        c->st.runs++;
        if (rc != SQLITE_OK && rc != SQLITE_BUSY && c->st.failures++ < 10) {
            /* BUSY: another checkpoint (luyuctl's, say) holds the lock;
             * the next commit asks again. */
            lu_warn("%s: checkpoint failed: %s",
                    sqlite3_db_filename(c->db2, "main"), sqlite3_errstr(rc));
        }
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

struct lu_checkpointer *lu_checkpointer_new(sqlite3 *db, int pages)
{
    struct lu_checkpointer *c = lu_xcalloc(1, sizeof(*c));
    const char *path = sqlite3_db_filename(db, "main");

    c->db = db;
    c->pages = pages > 0 ? pages : DEFAULT_PAGES;
    if (path == NULL || path[0] == '\0' ||
        sqlite3_open_v2(path, &c->db2, SQLITE_OPEN_READWRITE, NULL) !=
            SQLITE_OK) {
        lu_warn("%s: no connection for checkpoints (%s): SQLite "
                "checkpoints in the commits",
                path ? path : "?", c->db2 ? sqlite3_errmsg(c->db2) : "no file");
        goto fail;
    }
    /* A connection that has not read the database has not opened its WAL
     * either, and its checkpoints would do nothing. */
    if (sqlite3_exec(c->db2, "PRAGMA journal_mode", NULL, NULL, NULL) !=
        SQLITE_OK) {
        lu_warn("%s: cannot read the journal mode for checkpoints: %s", path,
                sqlite3_errmsg(c->db2));
        goto fail;
    }
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cond, NULL);
    if (pthread_create(&c->thread, NULL, run, c) != 0) {
        lu_warn("%s: no thread for checkpoints: SQLite checkpoints in "
                "the commits",
                path);
        pthread_cond_destroy(&c->cond);
        pthread_mutex_destroy(&c->mu);
        goto fail;
    }
    /* Replaces SQLite's autocheckpoint, which is a WAL hook too. */
    sqlite3_wal_hook(db, on_wal, c);
    return c;

fail:
    sqlite3_close(c->db2);
    free(c);
    return NULL;
}

void lu_checkpointer_free(struct lu_checkpointer *c)
{
    if (c == NULL)
        return;
    sqlite3_wal_autocheckpoint(c->db, DEFAULT_PAGES);
    pthread_mutex_lock(&c->mu);
    c->quit = true;
    pthread_cond_signal(&c->cond);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    pthread_cond_destroy(&c->cond);
    pthread_mutex_destroy(&c->mu);
    sqlite3_close(c->db2);
    free(c);
}

void lu_checkpointer_stats(struct lu_checkpointer *c,
                           struct lu_checkpointer_stats *st)
{
    pthread_mutex_lock(&c->mu);
    *st = c->st;
    pthread_mutex_unlock(&c->mu);
}
