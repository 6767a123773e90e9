#include "codec.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <zmq.h>

#include "amount.h"
#include "i18n.h"
#include "plan.h"
#include "project.h"
#include "util.h"

int lu_check_text(const char *what, const char *s, size_t max, char *err,
                  size_t errlen)
{
    size_t n = strlen(s);

    if (n > max) {
        snprintf(err, errlen, _("%s longer than %zu bytes"), what, max);
        return -EINVAL;
    }
    if (!lu_utf8_valid(s, n)) {
        snprintf(err, errlen, _("%s is not valid UTF-8"), what);
        return -EINVAL;
    }
    return 0;
}

int lu_entry_id_parse(const char *id, char *node, uint64_t *seq)
{
    const char *slash = strrchr(id, '/');
    size_t n;

    if (slash == NULL)
        return -EINVAL;
    n = (size_t)(slash - id);
    if (n == 0 || n > LU_MAX_NAME)
        return -EINVAL;
    memcpy(node, id, n);
    node[n] = '\0';
    if (!lu_code_valid(node) || lu_parse_u64(slash + 1, seq) < 0 || *seq == 0)
        return -EINVAL;
    return 0;
}

/* Entry.confirmed: "" or the codes of node/quality.h, comma-separated,
 * each at most once. */
static bool confirmed_valid(const char *s)
{
    static const char *const codes[] = {"outlier", "duplicate"};
    bool seen[2] = {false, false};

    if (s == NULL || *s == '\0')
        return true;
    for (;;) {
        size_t i, len = strcspn(s, ",");

        for (i = 0; i < 2; i++) {
            if (!seen[i] && len == strlen(codes[i]) &&
                strncmp(s, codes[i], len) == 0)
                break;
        }
        if (i == 2)
            return false;
        seen[i] = true;
        if (s[len] == '\0')
            return true;
        s += len + 1;
    }
}

int lu_entry_check_fields(const Luyu__Entry *e, char *err, size_t errlen)
{
    char node[LU_MAX_NAME + 1];
    uint64_t seq;
    int r;

    r = lu_check_text("note", e->note, LU_MAX_NOTE, err, errlen);
    if (r == 0)
        r = lu_check_text("recorded_by", e->recorded_by, LU_MAX_NAME, err,
                          errlen);
    if (r < 0)
        return r;
    if (!lu_period_valid(e->period)) {
        snprintf(err, errlen, "period %u is not a month YYYYMM", e->period);
        return -EINVAL;
    }
    if (e->amount < 0 || e->amount > LU_AMOUNT_MAX) {
        snprintf(err, errlen, "amount %lld out of range 0..%lld",
                 (long long)e->amount, (long long)LU_AMOUNT_MAX);
        return -ERANGE;
    }
    if (e->corrects[0] != '\0' &&
        lu_entry_id_parse(e->corrects, node, &seq) < 0) {
        snprintf(err, errlen,
                 "corrects \"%.*s\" is not an entry id "
                 "node/seq",
                 lu_utf8_cut(e->corrects, 80), e->corrects);
        return -EINVAL;
    }
    if (!confirmed_valid(e->confirmed)) {
        snprintf(err, errlen,
                 "confirmed \"%.*s\" is not a list of outlier, duplicate",
                 lu_utf8_cut(e->confirmed, 40), e->confirmed);
        return -EINVAL;
    }
    return 0;
}

/* The checks against the plan are what a clerk meets at the node, so they
 * are translated; the hub judges received entries with the same words, in
 * its own language. The checks of the wire format stay English: they are
 * for the logs. */
int lu_entry_check(const Luyu__Entry *e, const struct lu_plan *plan, char *err,
                   size_t errlen)
{
    int r = lu_entry_check_fields(e, err, errlen);

    return r < 0 ? r : lu_entry_check_plan(e, plan, err, errlen);
}

int lu_entry_check_plan(const Luyu__Entry *e, const struct lu_plan *plan,
                        char *err, size_t errlen)
{
    char a[8], b[8], c[8];

    if (lu_plan_unit(plan, e->unit) == NULL) {
        snprintf(err, errlen, _("unknown unit \"%.*s\""),
                 lu_utf8_cut(e->unit, 64), e->unit);
        return -ENOENT;
    }
    if (lu_plan_indicator(plan, e->indicator) == NULL) {
        snprintf(err, errlen, _("unknown indicator \"%.*s\""),
                 lu_utf8_cut(e->indicator, 64), e->indicator);
        return -ENOENT;
    }
    if (e->period < plan->start || e->period > plan->end) {
        snprintf(err, errlen, _("period %s is outside the plan (%s to %s)"),
                 lu_period_format(e->period, a, sizeof(a)),
                 lu_period_format(plan->start, b, sizeof(b)),
                 lu_period_format(plan->end, c, sizeof(c)));
        return -ERANGE;
    }
    return 0;
}

/* A project event's bytes are checked at decode (kind, UTF-8, lengths);
 * whether the change makes sense is the ledger's call, which rejects one
 * entry with a reason instead of refusing the node's whole batch. */
static int check_project(const Luyu__Entry *e, char *err, size_t errlen)
{
    const Luyu__ProjectEvent *ev = e->project;
    char why[LU_MAX_REASON];

    if (ev->kind < LUYU__PROJECT_EVENT__KIND__CREATED ||
        ev->kind > LUYU__PROJECT_EVENT__KIND__MONEY || ev->project == NULL) {
        snprintf(err, errlen, "entry %llu: project event without kind or state",
                 (unsigned long long)e->seq);
        return -EINVAL;
    }
    if (lu_project_check_wire(ev->project, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "entry %llu: %s", (unsigned long long)e->seq,
                 why);
        return -EINVAL;
    }
    return 0;
}

static int check_batch(const Luyu__Batch *b, char *err, size_t errlen)
{
    if (b->n_entries == 0 || b->n_entries > LU_MAX_BATCH) {
        snprintf(err, errlen, "batch of %zu entries (1..%d allowed)",
                 b->n_entries, LU_MAX_BATCH);
        return -EINVAL;
    }
    for (size_t i = 0; i < b->n_entries; i++) {
        const Luyu__Entry *e = b->entries[i];

        if (e->seq == 0 || (i > 0 && e->seq != b->entries[i - 1]->seq + 1)) {
            snprintf(err, errlen, "batch seqs not consecutive at entry %zu", i);
            return -EINVAL;
        }
        if (lu_check_text("unit", e->unit, LU_MAX_NAME, err, errlen) < 0 ||
            lu_check_text("indicator", e->indicator, LU_MAX_NAME, err, errlen) <
                0 ||
            lu_check_text("corrects", e->corrects, 2 * LU_MAX_NAME, err,
                          errlen) < 0 ||
            lu_check_text("note", e->note, LU_MAX_NOTE, err, errlen) < 0 ||
            lu_check_text("recorded_by", e->recorded_by, LU_MAX_NAME, err,
                          errlen) < 0 ||
            lu_check_text("confirmed", e->confirmed, LU_MAX_NAME, err, errlen) <
                0 ||
            (e->review != NULL &&
             lu_check_text("review reason", e->review->reason, LU_MAX_NOTE, err,
                           errlen) < 0))
            return -EINVAL;
        if (e->project != NULL && check_project(e, err, errlen) < 0)
            return -EINVAL;
    }
    return 0;
}

static int check_rejects(Luyu__Reject **rj, size_t n, char *err, size_t errlen)
{
    if (n > LU_MAX_REJECTS) {
        snprintf(err, errlen, "%zu rejects in one frame", n);
        return -EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        if (rj[i]->seq == 0) {
            snprintf(err, errlen, "reject %zu has seq 0", i);
            return -EINVAL;
        }
        if (lu_check_text("reason", rj[i]->reason, LU_MAX_REASON, err, errlen) <
            0)
            return -EINVAL;
    }
    return 0;
}

static int check_frame(const Luyu__Frame *f, char *err, size_t errlen)
{
    switch (f->body_case) {
    case LUYU__FRAME__BODY_HELLO:
        if (!lu_code_valid(f->hello->node_id)) {
            snprintf(err, errlen, "hello: node id \"%.*s\" is not a code",
                     lu_utf8_cut(f->hello->node_id, 64), f->hello->node_id);
            return -EINVAL;
        }
        return 0;
    case LUYU__FRAME__BODY_WELCOME:
        return check_rejects(f->welcome->rejects, f->welcome->n_rejects, err,
                             errlen);
    case LUYU__FRAME__BODY_BATCH:
        return check_batch(f->batch, err, errlen);
    case LUYU__FRAME__BODY_ACK:
        return check_rejects(f->ack->rejects, f->ack->n_rejects, err, errlen);
    case LUYU__FRAME__BODY_PING:
    case LUYU__FRAME__BODY_PONG:
        return 0;
    case LUYU__FRAME__BODY_BULLETIN_PUSH:
        if (lu_check_text("province", f->bulletin_push->province, LU_MAX_NAME,
                          err, errlen) < 0)
            return -EINVAL;
        if (!lu_period_valid(f->bulletin_push->period) ||
            f->bulletin_push->revision == 0) {
            snprintf(err, errlen, "bulletin push: bad period or revision");
            return -EINVAL;
        }
        return 0;
    case LUYU__FRAME__BODY_BULLETIN_ACK:
        if (lu_check_text("province", f->bulletin_ack->province, LU_MAX_NAME,
                          err, errlen) < 0 ||
            lu_check_text("reason", f->bulletin_ack->reason, LU_MAX_REASON, err,
                          errlen) < 0)
            return -EINVAL;
        return 0;
    case LUYU__FRAME__BODY_ERROR:
        return lu_check_text("error message", f->error->message, LU_MAX_REASON,
                             err, errlen);
    default:
        snprintf(err, errlen, "frame has no body");
        return -EINVAL;
    }
}

static int read_varint(const uint8_t *p, size_t len, size_t *i, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (*i >= len)
            return -EBADMSG;
        uint8_t b = p[(*i)++];

        *v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            return 0;
    }
    return -EBADMSG;
}

static int scan_nul(const ProtobufCMessageDescriptor *d, const uint8_t *p,
                    size_t len, int depth, char *err, size_t errlen)
{
    size_t i = 0;

    if (depth > 16) {
        snprintf(err, errlen, "messages nested too deep");
        return -EBADMSG;
    }
    while (i < len) {
        const ProtobufCFieldDescriptor *f;
        uint64_t key, n;
        int r = read_varint(p, len, &i, &key);

        if (r < 0)
            goto bad;
        f = protobuf_c_message_descriptor_get_field(d, (unsigned)(key >> 3));
        switch (key & 7) {
        case 0:
            r = read_varint(p, len, &i, &n);
            break;
        case 1:
        case 5:
            n = (key & 7) == 1 ? 8 : 4;
            r = len - i < n ? -EBADMSG : 0;
            i += r == 0 ? n : 0;
            break;
        case 2:
            r = read_varint(p, len, &i, &n);
            if (r < 0 || n > len - i)
                goto bad;
            if (f != NULL && f->type == PROTOBUF_C_TYPE_STRING &&
                memchr(p + i, 0, n) != NULL) {
                snprintf(err, errlen, "%s: a NUL byte inside a text field",
                         f->name);
                return -EBADMSG;
            }
            if (f != NULL && f->type == PROTOBUF_C_TYPE_MESSAGE)
                r = scan_nul(f->descriptor, p + i, n, depth + 1, err, errlen);
            if (r < 0)
                return r;
            i += n;
            break;
        default:
            r = -EBADMSG;
        }
        if (r < 0)
            goto bad;
    }
    return 0;
bad:
    snprintf(err, errlen, "malformed protobuf");
    return -EBADMSG;
}

int lu_pb_check_nul(const ProtobufCMessageDescriptor *d, const void *data,
                    size_t len, char *err, size_t errlen)
{
    return scan_nul(d, data, len, 0, err, errlen);
}

Luyu__Frame *lu_codec_decode_in(const void *data, size_t len,
                                ProtobufCAllocator *alloc, char *err,
                                size_t errlen)
{
    Luyu__Frame *f;

    if (len > LU_MAX_FRAME) {
        snprintf(err, errlen, "frame of %zu bytes (max %d)", len, LU_MAX_FRAME);
        return NULL;
    }
    f = luyu__frame__unpack(alloc, len, data);
    if (f == NULL) {
        snprintf(err, errlen, "undecodable frame of %zu bytes", len);
        return NULL;
    }
    if (check_frame(f, err, errlen) < 0 ||
        lu_pb_check_nul(&luyu__frame__descriptor, data, len, err, errlen) < 0) {
        luyu__frame__free_unpacked(f, alloc);
        return NULL;
    }
    return f;
}

Luyu__Frame *lu_codec_decode(const void *data, size_t len, char *err,
                             size_t errlen)
{
    return lu_codec_decode_in(data, len, NULL, err, errlen);
}

int lu_codec_send(void *zsock, const void *routing_id, size_t id_len,
                  const Luyu__Frame *f)
{
    zmq_msg_t msg;
    size_t len = luyu__frame__get_packed_size(f);
    int r = 0;

    if (routing_id != NULL &&
        zmq_send(zsock, routing_id, id_len, ZMQ_DONTWAIT | ZMQ_SNDMORE) < 0)
        return -zmq_errno();
    zmq_msg_init_size(&msg, len);
    luyu__frame__pack(f, zmq_msg_data(&msg));
    if (zmq_msg_send(&msg, zsock, ZMQ_DONTWAIT) < 0)
        r = -zmq_errno();
    zmq_msg_close(&msg);
    return r;
}
