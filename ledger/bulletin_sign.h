/* Signed bulletins (proto/bulletin.proto SignedBulletin): sealing a
 * bulletin with the hub's Ed25519 key, and the checks every bulletin from
 * elsewhere goes through before anything reads it (a peer hub's push, a
 * file given to luyuctl bulletin verify, a row of the store): parse, verify
 * the signature over the exact payload bytes, unpack, check every field. */
#ifndef LEDGER_BULLETIN_SIGN_H
#define LEDGER_BULLETIN_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "bulletin.pb-c.h"
#include "sign.h"

/* A signed bulletin bigger than this is refused unread. */
#define LEDGER_BULLETIN_MAX_BYTES (4 * 1024 * 1024)

/* Packs b, signs the packed bytes with key and packs the SignedBulletin.
 * *out is heap allocated (free()). Returns 0 or a negative errno. */
int ledger_bulletin_sign(const Luyu__Bulletin *b, const struct lu_sign_key *key,
                         const char *signer, uint8_t **out, size_t *len);

/* Parses a SignedBulletin without verifying it: well-formed protobuf, a
 * signature of 64 bytes, a signer id that is a valid code, a non-empty
 * payload, at most LEDGER_BULLETIN_MAX_BYTES. Returns NULL with a reason in
 * err. Free with luyu__signed_bulletin__free_unpacked(sb, NULL). */
Luyu__SignedBulletin *ledger_bulletin_sign_parse(const void *data, size_t len,
                                                 char *err, size_t errlen);

/* Verifies sb's signature with pub, then unpacks and checks the payload.
 * Returns 0 with *out set (free with ledger_bulletin_free()), -EPERM when the
 * signature does not verify, -EBADMSG when the signed payload is
 * malformed; a reason in err either way. */
int ledger_bulletin_sign_verify(const Luyu__SignedBulletin *sb,
                                const uint8_t pub[LU_SIGN_PUBLIC_BYTES],
                                Luyu__Bulletin **out, char *err, size_t errlen);

/* Checks an unpacked bulletin: known format, valid period and province
 * code, a revision (or a draft), valid UTF-8 of bounded length in every
 * string, enum values the renderers know, a 32-byte digest, list sizes in
 * bounds. -EBADMSG with a reason otherwise. */
int ledger_bulletin_sign_check(const Luyu__Bulletin *b, char *err,
                               size_t errlen);

#endif
