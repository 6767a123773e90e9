#include "bulletin_sign.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "bulletin.h"
#include "codec.h"
#include "util.h"
#include "xmalloc.h"

/* Bounds on what a bulletin from elsewhere may hold: a plan has at most
 * 1,000 indicators and areas and 10,000 units (common/plan.h); names are at
 * most 256 bytes, codes 64. */
#define MAX_STRING 1024
#define MAX_LIST 10000

int ledger_bulletin_sign(const Luyu__Bulletin *b, const struct lu_sign_key *key,
                         const char *signer, uint8_t **out, size_t *len)
{
    Luyu__SignedBulletin sb = LUYU__SIGNED_BULLETIN__INIT;
    uint8_t sig[LU_SIGN_BYTES];
    size_t n = luyu__bulletin__get_packed_size(b);
    uint8_t *payload = lu_xmalloc(n + 1);
    int r;

    *out = NULL;
    *len = 0;
    luyu__bulletin__pack(b, payload);
    r = lu_sign_sign(key, payload, n, sig);
    if (r == 0) {
        sb.payload.data = payload;
        sb.payload.len = n;
        sb.signature.data = sig;
        sb.signature.len = sizeof(sig);
        sb.signer = (char *)signer;
        *len = luyu__signed_bulletin__get_packed_size(&sb);
        *out = lu_xmalloc(*len + 1);
        luyu__signed_bulletin__pack(&sb, *out);
    }
    free(payload);
    return r;
}

Luyu__SignedBulletin *ledger_bulletin_sign_parse(const void *data, size_t len,
                                                 char *err, size_t errlen)
{
    Luyu__SignedBulletin *sb = NULL;

    if (len > LEDGER_BULLETIN_MAX_BYTES) {
        snprintf(err, errlen, "signed bulletin of %zu bytes (at most %d)", len,
                 LEDGER_BULLETIN_MAX_BYTES);
        return NULL;
    }
    sb = luyu__signed_bulletin__unpack(NULL, len, data);
    if (sb == NULL) {
        snprintf(err, errlen, "not a signed bulletin (malformed protobuf)");
    } else if (sb->signature.len != LU_SIGN_BYTES) {
        snprintf(err, errlen, "signature of %zu bytes, not %d",
                 sb->signature.len, LU_SIGN_BYTES);
    } else if (!lu_code_valid(sb->signer)) {
        snprintf(err, errlen, "signer is not a hub id");
    } else if (sb->payload.len == 0) {
        snprintf(err, errlen, "empty payload");
    } else {
        return sb;
    }
    if (sb != NULL)
        luyu__signed_bulletin__free_unpacked(sb, NULL);
    return NULL;
}

int ledger_bulletin_sign_verify(const Luyu__SignedBulletin *sb,
                                const uint8_t pub[LU_SIGN_PUBLIC_BYTES],
                                Luyu__Bulletin **out, char *err, size_t errlen)
{
    Luyu__Bulletin *b = NULL;
    int r;

    *out = NULL;
    r = lu_sign_verify(pub, sb->payload.data, sb->payload.len,
                       sb->signature.data, sb->signature.len);
    if (r < 0) {
        snprintf(err, errlen, "signature by %s does not verify", sb->signer);
        return -EPERM;
    }
    b = luyu__bulletin__unpack(NULL, sb->payload.len, sb->payload.data);
    if (b == NULL) {
        snprintf(err, errlen, "signed payload is not a bulletin");
        return -EBADMSG;
    }
    r = ledger_bulletin_sign_check(b, err, errlen);
    /* protobuf-c would shorten a text field at a NUL byte unnoticed. */
    if (r == 0)
        r = lu_pb_check_nul(&luyu__bulletin__descriptor, sb->payload.data,
                            sb->payload.len, err, errlen);
    if (r < 0 || b->draft) {
        if (r == 0)
            snprintf(err, errlen, "a draft cannot be signed");
        ledger_bulletin_free(b);
        return -EBADMSG;
    }
    *out = b;
    return 0;
}

/* Walks every field of m through its descriptor, so that no string or
 * enum in any nested message can be forgotten: strings must be valid UTF-8
 * of at most MAX_STRING bytes, enums values the descriptor knows, lists at
 * most MAX_LIST long. */
static int check_msg(const ProtobufCMessage *m, char *err, size_t errlen);

static int check_value(const ProtobufCFieldDescriptor *f, const void *vals,
                       size_t k, char *err, size_t errlen)
{
    if (f->type == PROTOBUF_C_TYPE_STRING) {
        const char *s = ((char *const *)vals)[k];
        size_t n = s ? strlen(s) : 0;

        if (n > MAX_STRING || !lu_utf8_valid(s ? s : "", n)) {
            snprintf(err, errlen,
                     "field %s: not UTF-8 text of at most %d "
                     "bytes",
                     f->name, MAX_STRING);
            return -EBADMSG;
        }
    } else if (f->type == PROTOBUF_C_TYPE_ENUM) {
        int v = ((const int *)vals)[k];

        if (protobuf_c_enum_descriptor_get_value(f->descriptor, v) == NULL) {
            snprintf(err, errlen, "field %s: unknown value %d", f->name, v);
            return -EBADMSG;
        }
    } else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
        const ProtobufCMessage *sub = ((ProtobufCMessage *const *)vals)[k];

        if (sub != NULL)
            return check_msg(sub, err, errlen);
    }
    return 0;
}

static int check_msg(const ProtobufCMessage *m, char *err, size_t errlen)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    int r = 0;

    for (unsigned i = 0; r == 0 && i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *field = (const char *)m + f->offset;
        const void *vals = field;
        size_t n = 1;

        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            n = *(const size_t *)((const char *)m + f->quantifier_offset);
            vals = *(void *const *)field;
        }
        if (n > MAX_LIST) {
            snprintf(err, errlen, "field %s: %zu items (at most %d)", f->name,
                     n, MAX_LIST);
            return -EBADMSG;
        }
        for (size_t k = 0; r == 0 && k < n; k++)
            r = check_value(f, vals, k, err, errlen);
    }
    return r;
}

static int valid_province(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 16 || s[0] < 'A' || s[0] > 'Z')
        return 0;
    return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == n;
}

int ledger_bulletin_sign_check(const Luyu__Bulletin *b, char *err,
                               size_t errlen)
{
    int r = check_msg(&b->base, err, errlen);

    if (r < 0)
        return r;
    if (b->format != LEDGER_BULLETIN_FORMAT)
        snprintf(err, errlen, "bulletin format %u (this luyu reads %d)",
                 b->format, LEDGER_BULLETIN_FORMAT);
    else if (!valid_province(b->province))
        snprintf(err, errlen, "province is not a province code");
    else if (!lu_period_valid(b->period))
        snprintf(err, errlen, "period %u is not a month", b->period);
    else if (b->revision == 0)
        snprintf(err, errlen, "revision 0");
    else if (b->digest.len != 32 || b->chain_digest.len != 32)
        snprintf(err, errlen, "digest of %zu bytes, not 32",
                 b->digest.len != 32 ? b->digest.len : b->chain_digest.len);
    else if (b->n_revisions > LEDGER_BULLETIN_MAX_REVISIONS)
        snprintf(err, errlen, "%zu revisions listed (at most %d)",
                 b->n_revisions, LEDGER_BULLETIN_MAX_REVISIONS);
    else if (b->completeness == NULL)
        snprintf(err, errlen, "no completeness section");
    else if (b->pool != NULL && b->pool->n_stages != 6)
        snprintf(err, errlen, "project pool section with %zu stages, not 6",
                 b->pool->n_stages);
    else
        return 0;
    return -EBADMSG;
}
