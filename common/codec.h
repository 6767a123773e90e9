/* Encoding and checking of wire frames (proto/luyu.proto). Decoding never
 * trusts its input: lu_codec_decode() rejects anything a well-behaved peer
 * would not send (unset oneof, oversized batches, non-consecutive seqs, bad
 * UTF-8, overlong strings) before any other module sees it. Checking an
 * entry against the plan is separate (lu_entry_check), because the node and
 * the hub both do it. */
#ifndef LU_CODEC_H
#define LU_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "luyu.pb-c.h"

struct lu_plan;

#define LU_PROTOCOL_VERSION 1
#define LU_MAX_FRAME (1024 * 1024) /* largest frame decoded */
/* ZMQ_MAXMSGSIZE of the hub's node socket. Frames over LU_MAX_FRAME up to
 * 2 MiB are read, counted and answered MALFORMED (the 4 KiB cover CURVE's
 * 33 bytes a frame, which count against libzmq's limit); libzmq drops a
 * connection that sends a longer one before it is read (hub/monitor.h
 * counts and logs that). Not more: libzmq allocates a frame's full size
 * as soon as it reads its header. */
#define LU_MAX_WIRE_FRAME (2 * LU_MAX_FRAME + 4096)
#define LU_MAX_BATCH 1000   /* entries in one Batch */
#define LU_MAX_REJECTS 1000 /* rejects in one Ack or Welcome */
#define LU_MAX_NOTE 512     /* bytes of UTF-8 in a note */
#define LU_MAX_NAME 64      /* bytes in codes and user names */
#define LU_MAX_REASON 256   /* bytes in a reject reason */

/* Decodes and structurally checks one frame. Returns NULL with a reason in
 * err. The caller frees the result with luyu__frame__free_unpacked(f, NULL). */
Luyu__Frame *lu_codec_decode(const void *data, size_t len, char *err,
                             size_t errlen);
/* lu_codec_decode with the frame's memory from alloc (common/arena.h: the
 * hub's intake decodes each message into an arena it empties after
 * handling it); free it with luyu__frame__free_unpacked(f, alloc), or as
 * the allocator says. */
Luyu__Frame *lu_codec_decode_in(const void *data, size_t len,
                                ProtobufCAllocator *alloc, char *err,
                                size_t errlen);

/* protobuf-c unpacks a string field as a NUL-terminated C string, so a
 * NUL byte inside one would silently shorten it ("abc\0hidden" read as
 * "abc"). This walks the wire bytes of a message of type d (which must
 * unpack) with its descriptor, nested messages included, and refuses
 * (-EBADMSG, the field named in err) any string field holding a NUL. */
int lu_pb_check_nul(const ProtobufCMessageDescriptor *d, const void *data,
                    size_t len, char *err, size_t errlen);

/* Packs f and sends it as one message on a ZeroMQ socket with ZMQ_DONTWAIT
 * (and ZMQ_SNDMORE-less). Returns 0 or a negative errno (-EAGAIN when the
 * pipe is full, -EHOSTUNREACH for a vanished ROUTER peer). When routing_id
 * is not NULL it is sent first as the ROUTER's address frame. */
int lu_codec_send(void *zsock, const void *routing_id, size_t id_len,
                  const Luyu__Frame *f);

/* Checks one text field from outside: at most max bytes and valid UTF-8.
 * Returns 0, or -EINVAL with "WHAT longer than ..." or "WHAT is not valid
 * UTF-8" in err. Shared by the wire and the project checks. */
int lu_check_text(const char *what, const char *s, size_t max, char *err,
                  size_t errlen);

/* Checks an entry's fields that do not depend on the plan: note length and
 * UTF-8, recorded_by, corrects id syntax, amount range, period syntax. */
int lu_entry_check_fields(const Luyu__Entry *e, char *err, size_t errlen);

/* Checks an entry against the plan: known unit and indicator, period within
 * the plan, amount range. Also runs lu_entry_check_fields(). Writes a reason
 * such as `unknown indicator "agri_sale"` into err. */
int lu_entry_check(const Luyu__Entry *e, const struct lu_plan *plan, char *err,
                   size_t errlen);

/* The plan's part of lu_entry_check() alone, for a caller that ran
 * lu_entry_check_fields() already (the hub's merge: each string of an
 * entry is checked once there, not twice). */
int lu_entry_check_plan(const Luyu__Entry *e, const struct lu_plan *plan,
                        char *err, size_t errlen);

/* Splits an entry id "node/seq". node must hold LU_MAX_NAME + 1 bytes. */
int lu_entry_id_parse(const char *id, char *node, uint64_t *seq);

#endif
