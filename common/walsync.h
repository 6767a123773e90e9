/* A database's WAL made durable on a thread of its own (issue 19). The
 * hub commits its groups of entries with synchronous=NORMAL, which writes
 * the group's frames to the WAL but does not fsync them, and asks this
 * thread to fdatasync the WAL: meanwhile the loop merges the next group.
 * Whatever a group's commit makes visible (its acks, the hwm a Welcome or
 * Pong reports, its feed events) is held until the sync that covers it
 * has returned (hub/held.h). SQLite's WAL stays consistent without the
 * fsync (every frame is checksummed, a transaction counts only with its
 * commit frame); a power loss before it loses whole groups nobody was told
 * of, which their nodes send again. docs/DECISIONS.md, issue 19, fourth
 * round, has the reasoning and the measurements.
 *
 * The thread syncs its own descriptor of the WAL file: fdatasync on Linux
 * writes the file's dirty pages whoever wrote them. The WAL is the same
 * file for as long as the hub's connection is open (SQLite deletes it only
 * when the last connection closes); the thread checks, and opens it again
 * if it ever changed. Requests coalesce: one fdatasync covers every commit
 * made before it started. */
#ifndef LU_WALSYNC_H
#define LU_WALSYNC_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "metrics.h"

struct lu_walsync;

/* Called on the loop's thread once a sync has returned (when the loop
 * gets to it: a caller busy on the loop looks at lu_walsync_synced()
 * itself): everything requested up to lu_walsync_synced() is on disk. */
typedef void (*lu_walsync_cb)(void *data);

/* Syncs db's WAL (db is borrowed, in WAL mode, and must outlive the
 * walsync) for requests made on loop's thread; cb reports progress.
 * Returns NULL with err set when the thread cannot be had. */
struct lu_walsync *lu_walsync_new(uv_loop_t *loop, sqlite3 *db,
                                  lu_walsync_cb cb, void *data, char *err,
                                  size_t errlen);
/* Stops the thread after the sync it runs, if any; requests not yet synced
 * stay unsynced (their holders must not release them). The async handle is
 * closed on the loop: run it once more before freeing the loop. NULL is a
 * no-op. */
void lu_walsync_free(struct lu_walsync *w);

/* After a commit on db: asks for a sync of everything committed so far.
 * Returns the request's number (1, 2, ...): it is durable once
 * lu_walsync_synced() reaches it. */
uint64_t lu_walsync_request(struct lu_walsync *w);
/* The highest request number whose sync has returned (cheap: one atomic
 * load, no lock). */
uint64_t lu_walsync_synced(struct lu_walsync *w);
/* The highest request number asked for so far. */
uint64_t lu_walsync_requested(const struct lu_walsync *w);

/* How long each fdatasync took, in seconds (its count is the syncs
 * done). */
void lu_walsync_latency(struct lu_walsync *w, struct lu_histo *out);

#endif
