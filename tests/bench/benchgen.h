/* The rows every benchmark sends: a deterministic entry for each (simulated
 * node, seq), drawn from the plan's units of one province, its indicators
 * and its months, so that the hub, raw SQLite and JetStream all store the
 * same bytes. Shared by luyu-loadgen, luyu-rawsqlite and luyu-jetstream. */
#ifndef BENCH_BENCHGEN_H
#define BENCH_BENCHGEN_H

#include <stddef.h>
#include <stdint.h>

#include "luyu.pb-c.h"

struct lu_plan;

struct bench_gen {
    struct lu_plan *plan;
    const char **units; /* the province's unit codes, borrowed from plan */
    size_t n_units;
    size_t first_unit; /* node i reports for units[first + i % (n - first)] */
    uint32_t *months;  /* YYYYMM, plan start .. end */
    size_t n_months;
    int64_t recorded_at;
};

/* Loads the plan and picks the units of province (e.g. "CQ"). Returns 0 or
 * a negative errno with a reason in err. */
int bench_gen_init(struct bench_gen *g, const char *plan_path,
                   const char *province, char *err, size_t errlen);
void bench_gen_close(struct bench_gen *g);

/* Leaves the province's first `first` units to others (the storm's clerks:
 * docs/DECISIONS.md, "Issue 19, eleventh round"). 0, or -EINVAL with a
 * reason in err when no unit would be left. */
int bench_gen_skip_units(struct bench_gen *g, unsigned first, char *err,
                         size_t errlen);

/* The unit simulated node number `node` reports for: the registry the run
 * script writes gives node i exactly this unit. */
const char *bench_gen_unit(const struct bench_gen *g, unsigned node);

/* Node ids are PREFIX-NNN (three digits, e.g. bench-007). */
void bench_gen_node_id(const char *prefix, unsigned node, char *out,
                       size_t len);

/* One entry. The strings point into note (at least 96 bytes, owned by the
 * caller) or into the plan, so e needs no freeing. */
void bench_gen_entry(const struct bench_gen *g, unsigned node, uint64_t seq,
                     Luyu__Entry *e, char *note, size_t note_len);

/* Monotonic clock in nanoseconds. */
uint64_t bench_now_ns(void);

/* A growable array of durations in nanoseconds. */
struct bench_samples {
    uint64_t *v;
    size_t n, cap;
};

void bench_samples_add(struct bench_samples *s, uint64_t ns);
void bench_samples_sort(struct bench_samples *s);
/* Percentile p (0..100) of n sorted values, in milliseconds; -1 when
 * there are none. */
double bench_pct_ms(const uint64_t *v, size_t n, double p);

#endif
