/* Ledger digests: a SHA-256 chain over the ledger's entries, so that a
 * bulletin can commit to every entry up to its upto_entry while hashing
 * only a few of them.
 *
 * The entries, in id order, are cut into blocks of LEDGER_DIGEST_BLOCK ids:
 * the block ending at E holds E - LEDGER_DIGEST_BLOCK < id <= E. The digest at
 * E is SHA-256 over the digest at the previous end (32 zero bytes at 0)
 * followed by the block's entries, each encoded as proto/bulletin.proto
 * says. So the digest at any block end commits to every entry before it
 * and depends on nothing but the ledger; anyone holding the ledger can
 * recompute it. A bulletin's digest is the same step from the last block
 * end at or below its upto_entry (its chain_from) to upto_entry.
 *
 * Entries are never updated or deleted and new ones always get a higher
 * id, so a block is final once the ledger holds an entry at its end. The
 * hub stores the digest of every final block in the ledger's digest_block
 * table, computed in the background on a thread of its own
 * (ledger_digester); issuing a bulletin then hashes fewer than
 * LEDGER_DIGEST_BLOCK entries whatever the ledger's size. Where blocks are
 * missing (a ledger the hub has not caught up on, or one written by other
 * means) ledger_digest_point() computes them, which costs one pass over them
 * once. */
#ifndef LEDGER_DIGEST_H
#define LEDGER_DIGEST_H

#include <sodium.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "util.h"

#define LEDGER_DIGEST_BLOCK 65536

/* The entry columns ledger_digest_row() encodes, in the digest's order; a
 * statement passes them as its first LEDGER_DIGEST_NCOLS result columns. */
#define LEDGER_DIGEST_COLUMNS                                                  \
    "id, node, seq, unit, indicator, period, amount, coalesce(corrects, 0),"   \
    " note, recorded_by, recorded_at, received_at"
#define LEDGER_DIGEST_NCOLS 12

/* Feeds the entry in st's current row to h; b is scratch space. */
struct ledger_sql;
struct ledger_stmt;
void ledger_digest_row(crypto_hash_sha256_state *h, struct lu_buf *b,
                       struct ledger_stmt *st);

/* The digest at a block end: the last one at or below upto (which must not
 * be above the ledger's last entry id) in *from, its digest in digest.
 * Computes blocks the table lacks, and stores them when store is set (the
 * hub; luyuctl reads only). Returns 0 or a negative errno. */
int ledger_digest_point(struct ledger_sql *db, int64_t upto, bool store,
                        int64_t *from, uint8_t digest[32]);

/* The ledger's digest at upto (what a bulletin covering entries up to upto
 * holds), read-only: from the chain point at or below it. -ERANGE when the
 * ledger ends before upto. Returns 0 or a negative errno. */
int ledger_digest_at(struct ledger_sql *db, int64_t upto, uint8_t digest[32]);

/* The hub's background digester. A thread of its own, with its own
 * read-only connection to the ledger (ledger_reader_open(where): the state
 * directory's ledger.db or the PostgreSQL ledger), looks every 2 s whether
 * a block has become final; while one has, it hashes it (a slice of ids
 * per read, no read transaction held across slices) and hands its digest
 * to the loop, which stores it on db, the hub's connection, when no
 * transaction is open there. One block is in flight at a time. Only the
 * loop writes the ledger; the hashing, every entry once, is off it
 * (docs/DECISIONS.md, issue 19, fifth round). Borrows db, which must
 * outlive the digester; copies where. Returns NULL, logged, when the
 * ledger cannot be read or the thread cannot be had (its handles are then
 * closed on the loop: run it once more before freeing the loop). */
struct ledger_digester;

struct ledger_digester *
ledger_digester_new(uv_loop_t *loop, struct ledger_sql *db, const char *where);
/* Stops the thread (within one slice's read) and joins it; a block hashed
 * but not yet stored is dropped, and hashed again by the next start. The
 * handles close on the loop: run it once more before freeing the loop.
 * NULL is a no-op. */
void ledger_digester_free(struct ledger_digester *d);

/* Entry id up to which block digests are stored, and how many entries of
 * final blocks still wait to be hashed (for status and metrics; cheap,
 * no lock, on any thread). */
int64_t ledger_digester_done(const struct ledger_digester *d);
int64_t ledger_digester_backlog(const struct ledger_digester *d);

#endif
