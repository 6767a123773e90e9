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
 * nothing is stored twice. Owns its libuv handles. */
#ifndef NODE_SPOOL_H
#define NODE_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

struct lu_plan;
struct node_intake;
struct node_uplink;
struct node_spool;

/* Creates DIR/done and DIR/failed if needed, starts watching dir and
 * schedules a first scan. The plan, intake and uplink are borrowed.
 * Returns NULL with a reason in err when dir cannot be used. */
struct node_spool *node_spool_new(uv_loop_t *loop, const char *dir,
                                  const struct lu_plan *plan,
                                  struct node_intake *intake,
                                  struct node_uplink *uplink, bool confirm,
                                  char *err, size_t errlen);
/* Stops watching; the memory goes once the loop has closed the handles. */
void node_spool_free(struct node_spool *sp);

#endif
