/* A database's WAL checkpoints, on a thread of their own: the hub's
 * ledger's and the node's outbox's. SQLite runs a
 * checkpoint inside the commit that takes the WAL past 1,000 pages: it
 * copies 4 MB from the WAL into the database file and fsyncs it, 15-25 ms
 * on the development VM, in one commit out of four during a catch-up
 * storm, so a clerk whose entry shared that commit waited for it (issue
 * 19). Here the commit only signals a thread, which checkpoints on its own
 * connection (PASSIVE: it never blocks the hub's writes or reads) while
 * the loop goes on merging; once in ten times the commit copies what the
 * thread has not yet, so that the WAL can start again from its beginning.
 * A node's outbox checkpointed in one submit of about 160 (4 MB of WAL at
 * a clerk's few pages a submit and ack): three fsyncs instead of one, the
 * clerk's slowest submits (issue 19, third round). */
#ifndef LU_CHECKPOINT_H
#define LU_CHECKPOINT_H

#include <sqlite3.h>
#include <stdint.h>

struct lu_checkpointer;

/* Takes over db's checkpoints (db is borrowed and must outlive the
 * checkpointer; its WAL hook is the checkpointer's from now on) once the
 * WAL holds at least pages pages. Returns NULL, with SQLite's own
 * checkpoints left in place, when the second connection or the thread
 * cannot be had (logged). */
struct lu_checkpointer *lu_checkpointer_new(sqlite3 *db, int pages);
/* Waits for a running checkpoint, stops the thread and gives db its own
 * checkpoints back. NULL is a no-op. */
void lu_checkpointer_free(struct lu_checkpointer *c);

/* From now on, the copy a commit would run itself once the WAL holds ten
 * times the threshold (above) is only noted, and run by the next
 * lu_checkpointer_settle(): the hub calls it once a group's acks are
 * sent, so that no node waits for that copy (15-45 ms under load, issue
 * 19, third round). Both on the thread that commits on db. */
void lu_checkpointer_defer(struct lu_checkpointer *c);
/* Runs the copy deferred since the last call, if any, unless db is in a
 * transaction (then the next call does). NULL is a no-op. */
void lu_checkpointer_settle(struct lu_checkpointer *c);

/* Checkpoints run by the thread so far, how many of them failed (other
 * than for another checkpoint holding the lock), and how many the commits
 * ran themselves to let the WAL start again (see checkpoint.c). */
struct lu_checkpointer_stats {
    uint64_t runs;
    uint64_t failures;
    uint64_t inline_runs;
};
void lu_checkpointer_stats(struct lu_checkpointer *c,
                           struct lu_checkpointer_stats *st);

#endif
