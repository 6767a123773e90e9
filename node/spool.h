/* The spool directory: files a district's own systems drop into DIR are
 * imported exactly as `luyuctl import` would import them (common/import.c
 * reads them, node/intake.c stores them with the same import key), then
 * moved to DIR/done/, or to DIR/failed/ with FILE.err beside it giving the
 * same FILE:LINE:COLUMN reasons luyuctl prints.
 *
 * A file counts once it has its final name: writers write it under a name
 * starting with '.' or '~', or ending in .tmp or .part, and rename it
 * (which is atomic). The directory is watched with libuv file events and
 * scanned in full at start, so files that arrived while the node was down
 * are taken too.
 *
 * Never twice, never half: the import and its key are one outbox
 * transaction; the move to done/ comes after it. A node killed in between
 * finds the file again at start, imports it again, and the outbox answers
 * "already imported" (the key is there), so the file goes to done/ and
 * nothing is stored twice. Owns its libuv handles.
 *
 * One file at a time is read and parsed on libuv's thread pool, so that a
 * large workbook does not stall the loop (the control socket, the link,
 * the web pages); its rows are checked and stored in one outbox
 * transaction back on the loop, where the outbox lives. */
#ifndef NODE_SPOOL_H
#define NODE_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include <stdbool.h>
#include <stdint.h>

struct lu_plan;
struct node_intake;
struct node_uplink;
struct node_spool;

/* Creates dir, DIR/done and DIR/failed if needed: the setting's check,
 * run with the rest of the configuration (a failure is EX_CONFIG). 0 or a
 * negative errno with the reason in err. */
int node_spool_check(const char *dir, char *err, size_t errlen);

/* Creates DIR/done and DIR/failed if needed, starts watching dir and
 * schedules a first scan. The plan, intake and uplink are borrowed.
 * Returns NULL with a reason in err when dir cannot be used. */
struct node_spool *node_spool_new(uv_loop_t *loop, const char *dir,
                                  const struct lu_plan *plan,
                                  struct node_intake *intake,
                                  struct node_uplink *uplink, bool confirm,
                                  char *err, size_t errlen);
/* What status and /metrics show of the spool. Strings are the spool's,
 * valid until the next turn of the loop. */
struct node_spool_info {
    const char *dir;
    uint64_t waiting;       /* found by the last scan, not yet taken */
    uint64_t done, failed;  /* files in done/ and failed/ */
    const char *importing;  /* the file being read now, or NULL */
    const char *last_error; /* the last problem, or NULL; English */
    int64_t last_error_at;  /* unix s, 0 when none */
};
void node_spool_info(const struct node_spool *sp, struct node_spool_info *info);

/* Stops watching; the memory goes once the loop has closed the handles
 * and the file being read, if any, is back from the thread pool. */
void node_spool_free(struct node_spool *sp);

#endif
