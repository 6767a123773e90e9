#include "benchgen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plan.h"
#include "xmalloc.h"

int bench_gen_init(struct bench_gen *g, const char *plan_path,
                   const char *province, char *err, size_t errlen)
{
    uint32_t m;
    int r;

    memset(g, 0, sizeof(*g));
    r = lu_plan_load(plan_path, &g->plan, err, errlen);
    if (r < 0)
        return r;
    g->units = lu_xcalloc(g->plan->n_units, sizeof(*g->units));
    for (size_t i = 0; i < g->plan->n_units; i++) {
        if (strcmp(g->plan->units[i].province, province) == 0)
            g->units[g->n_units++] = g->plan->units[i].code;
    }
    if (g->n_units == 0) {
        snprintf(err, errlen, "no units of province %s in %s", province,
                 plan_path);
        bench_gen_close(g);
        return -ENOENT;
    }
    for (m = g->plan->start; m <= g->plan->end;
         m = m % 100 == 12 ? m + 89 : m + 1)
        g->n_months++;
    g->months = lu_xcalloc(g->n_months, sizeof(*g->months));
    g->n_months = 0;
    for (m = g->plan->start; m <= g->plan->end;
         m = m % 100 == 12 ? m + 89 : m + 1)
        g->months[g->n_months++] = m;
    g->recorded_at = (int64_t)time(NULL);
    return 0;
}

void bench_gen_close(struct bench_gen *g)
{
    free(g->units);
    free(g->months);
    lu_plan_free(g->plan);
    memset(g, 0, sizeof(*g));
}

int bench_gen_skip_units(struct bench_gen *g, unsigned first, char *err,
                         size_t errlen)
{
    if (first >= g->n_units) {
        snprintf(err, errlen, "--first-unit %u: the province has %zu units",
                 first, g->n_units);
        return -EINVAL;
    }
    g->first_unit = first;
    return 0;
}

const char *bench_gen_unit(const struct bench_gen *g, unsigned node)
{
    return g->units[g->first_unit + node % (g->n_units - g->first_unit)];
}

void bench_gen_node_id(const char *prefix, unsigned node, char *out, size_t len)
{
    snprintf(out, len, "%s-%03u", prefix, node);
}

void bench_gen_entry(const struct bench_gen *g, unsigned node, uint64_t seq,
                     Luyu__Entry *e, char *note, size_t note_len)
{
    const struct lu_plan *p = g->plan;
    uint64_t h = seq * 2654435761u + node * 40503u;
    size_t k = (seq * 7 + node) % p->n_indicators;

    luyu__entry__init(e);
    e->seq = seq;
    e->unit = (char *)bench_gen_unit(g, node);
    /* Derived indicators (source = pool.planned) are not typed: nodes
     * refuse figures for them, so take the next one. */
    while (p->indicators[k].source != NULL)
        k = (k + 1) % p->n_indicators;
    e->indicator = p->indicators[k].code;
    e->period = g->months[(seq + node * 13u) % g->n_months];
    e->amount = (int64_t)(h % 1000000u) + 1;
    /* About the length of a clerk's note, with some Chinese in it. */
    snprintf(note, note_len, "bench %03u/%llu 农副产品销售 批次", node,
             (unsigned long long)seq);
    e->note = note;
    e->recorded_by = "bench";
    e->recorded_at = g->recorded_at;
    e->corrects = "";
}

uint64_t bench_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Percentile p (0..100) of n sorted values, in milliseconds. */
double bench_pct_ms(const uint64_t *v, size_t n, double p)
{
    size_t i;

    if (n == 0)
        return -1;
    i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
    return (double)v[i] / 1e6;
}

void bench_samples_add(struct bench_samples *s, uint64_t ns)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->v = lu_xrealloc(s->v, s->cap * sizeof(*s->v));
    }
    s->v[s->n++] = ns;
}

void bench_samples_sort(struct bench_samples *s)
{
    if (s->n > 0)
        qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
}
