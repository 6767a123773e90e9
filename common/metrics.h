/* Writers for the Prometheus text exposition format (version 0.0.4) into an
 * lu_buf, plus a fixed-bucket histogram. A scrape handler appends one
 * family after another: a "# HELP"/"# TYPE" header, then that family's
 * samples, all together (the format requires a family's samples to be
 * contiguous). Metric and label names come from code and must already be
 * valid ([a-zA-Z_:][a-zA-Z0-9_:]*); label values and help texts may be any
 * text and are escaped here. Counters end in "_total" by convention. */
#ifndef LU_METRICS_H
#define LU_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* The Content-Type a /metrics response carries. */
#define LU_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* "# HELP name help" (skipped when help is NULL) and "# TYPE name type";
 * type is "counter", "gauge", "histogram" or "untyped". */
void lu_metrics_header(struct lu_buf *b, const char *name, const char *type,
                       const char *help);

/* One sample line "name{labels} value". labels is the text between the
 * braces, e.g. built with lu_metrics_label(); NULL or "" writes no braces. */
void lu_metrics_u64(struct lu_buf *b, const char *name, const char *labels,
                    uint64_t v);
void lu_metrics_i64(struct lu_buf *b, const char *name, const char *labels,
                    int64_t v);
/* Doubles print in the shortest form that reads back exactly; NaN and
 * infinities as "NaN", "+Inf", "-Inf". */
void lu_metrics_double(struct lu_buf *b, const char *name, const char *labels,
                       double v);

/* Appends name="value" to a label list, with a comma before it unless the
 * list is empty, escaping '\\', '"' and newline in value. */
void lu_metrics_label(struct lu_buf *labels, const char *name,
                      const char *value);

/* A whole family with one unlabelled sample: header plus value. */
void lu_metrics_counter(struct lu_buf *b, const char *name, const char *help,
                        uint64_t v);
void lu_metrics_gauge(struct lu_buf *b, const char *name, const char *help,
                      double v);

#define LU_HISTO_MAX_BUCKETS 32

/* A histogram with fixed upper bounds (in seconds for latencies), embedded
 * by its owner and needing no cleanup. counts[] are per bucket, not
 * cumulative; counts[nbuckets] is the +Inf bucket. Fields are read-only
 * outside this module. */
struct lu_histo {
    size_t nbuckets;
    double bounds[LU_HISTO_MAX_BUCKETS];
    uint64_t counts[LU_HISTO_MAX_BUCKETS + 1];
    double sum;
    uint64_t count;
};

/* Sets the bucket upper bounds (strictly ascending, finite, at most
 * LU_HISTO_MAX_BUCKETS; the +Inf bucket is implicit) and zeroes the
 * counts. -EINVAL on bounds that break these rules. */
int lu_histo_init(struct lu_histo *h, const double *bounds, size_t n);
/* Counts one observation into the first bucket whose bound is >= v (the
 * "le" of the format is inclusive). NaN is ignored. */
void lu_histo_observe(struct lu_histo *h, double v);
/* Writes the family: header (help may be NULL), one name_bucket line per
 * bound with cumulative counts and le="+Inf" last, then name_sum and
 * name_count. labels as for lu_metrics_u64(); "le" is added after them.
 * Call once per family; to write several label sets of one family, call
 * lu_metrics_header() once and lu_histo_samples() for each. */
void lu_histo_write(struct lu_buf *b, const struct lu_histo *h,
                    const char *name, const char *help, const char *labels);
void lu_histo_samples(struct lu_buf *b, const struct lu_histo *h,
                      const char *name, const char *labels);

#endif
