/* Fuzzes the uplink decoder: hub and node both decode frames from the
 * network, so any bytes must give either a frame that keeps every promise
 * lu_codec_decode() makes, or NULL with a reason (callers log the reason and
 * send it back to the peer). Batch entries then go through lu_entry_check()
 * against the shipped plan, as the hub does before merging them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "codec.h"
#include "plan.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Loaded on first use and kept for the life of the process. */
static const struct lu_plan *get_plan(void)
{
    static struct lu_plan *plan;
    char err[512];

    if (plan == NULL &&
        lu_plan_load(lu_plan_default_path(), &plan, err, sizeof(err)) < 0) {
        fprintf(stderr, "fuzz_wire: cannot load the plan: %s\n", err);
        abort();
    }
    return plan;
}

static void check_name(const char *s, size_t max)
{
    if (strlen(s) > max || !lu_utf8_valid(s, strlen(s)))
        abort();
}

/* What a decoded batch promises, then what the plan says of each entry. */
static void check_batch(const Luyu__Batch *b)
{
    const struct lu_plan *plan = get_plan();

    if (b->n_entries == 0 || b->n_entries > LU_MAX_BATCH)
        abort();
    for (size_t i = 0; i < b->n_entries; i++) {
        const Luyu__Entry *e = b->entries[i];
        char reason[512] = "";

        if (e->seq == 0 || (i > 0 && e->seq != b->entries[i - 1]->seq + 1))
            abort();
        check_name(e->unit, LU_MAX_NAME);
        check_name(e->indicator, LU_MAX_NAME);
        check_name(e->corrects, 2 * LU_MAX_NAME);
        check_name(e->confirmed, LU_MAX_NAME);
        if (e->review != NULL)
            check_name(e->review->reason, LU_MAX_NOTE);
        if (lu_entry_check(e, plan, reason, sizeof(reason)) < 0) {
            if (reason[0] == '\0')
                abort();
            continue;
        }
        /* An entry the plan takes is one the ledger can store. */
        if (e->amount < 0 || e->amount > INT64_C(10000000000000) ||
            e->period < plan->start || e->period > plan->end ||
            lu_plan_unit(plan, e->unit) == NULL ||
            lu_plan_indicator(plan, e->indicator) == NULL ||
            strlen(e->note) > LU_MAX_NOTE ||
            !lu_utf8_valid(e->note, strlen(e->note)))
            abort();
    }
}

static void check_rejects(Luyu__Reject **rj, size_t n)
{
    if (n > LU_MAX_REJECTS)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (rj[i]->seq == 0)
            abort();
        check_name(rj[i]->reason, LU_MAX_REASON);
    }
}

/* The hub decodes into an arena (common/arena.h), the node with malloc:
 * both, the arena's with the same verdict and reused as the hub does. */
static struct lu_arena *arena;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Luyu__Frame *f, *g;
    char err[512] = "", err2[512] = "";

    if (arena == NULL)
        arena = lu_arena_new();
    g = lu_codec_decode_in(data, size, lu_arena_allocator(arena), err2,
                           sizeof(err2));
    f = lu_codec_decode(data, size, err, sizeof(err));
    if ((f == NULL) != (g == NULL) || (f && f->body_case != g->body_case) ||
        strcmp(err, err2) != 0)
        abort();
    lu_arena_reset(arena);
    if (f == NULL) {
        if (err[0] == '\0')
            abort();
        return 0;
    }
    switch (f->body_case) {
    case LUYU__FRAME__BODY_HELLO:
        if (!lu_code_valid(f->hello->node_id))
            abort();
        break;
    case LUYU__FRAME__BODY_WELCOME:
        check_rejects(f->welcome->rejects, f->welcome->n_rejects);
        break;
    case LUYU__FRAME__BODY_BATCH:
        check_batch(f->batch);
        break;
    case LUYU__FRAME__BODY_ACK:
        check_rejects(f->ack->rejects, f->ack->n_rejects);
        break;
    case LUYU__FRAME__BODY_PING:
    case LUYU__FRAME__BODY_PONG:
        break;
    case LUYU__FRAME__BODY_ERROR:
        check_name(f->error->message, LU_MAX_REASON);
        break;
    case LUYU__FRAME__BODY_BULLETIN_PUSH:
        check_name(f->bulletin_push->province, LU_MAX_NAME);
        break;
    case LUYU__FRAME__BODY_BULLETIN_ACK:
        check_name(f->bulletin_ack->province, LU_MAX_NAME);
        check_name(f->bulletin_ack->reason, LU_MAX_REASON);
        break;
    default:
        abort();
    }
    luyu__frame__free_unpacked(f, NULL);
    return 0;
}
