#include "metrics.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

void lu_metrics_header(struct lu_buf *b, const char *name, const char *type,
                       const char *help)
{
    if (help != NULL) {
        lu_buf_printf(b, "# HELP %s ", name);
        /* In HELP only backslash and newline are escaped. */
        for (const char *p = help; *p; p++) {
            if (*p == '\\')
                lu_buf_adds(b, "\\\\");
            else if (*p == '\n')
                lu_buf_adds(b, "\\n");
            else
                lu_buf_add(b, p, 1);
        }
        lu_buf_adds(b, "\n");
    }
    lu_buf_printf(b, "# TYPE %s %s\n", name, type);
}

/* Writes "name{labels}" or "name{labels,extra}", without the value. */
static void sample_name(struct lu_buf *b, const char *name, const char *labels,
                        const char *extra)
{
    bool has_labels = labels != NULL && labels[0] != '\0';

    lu_buf_adds(b, name);
    if (!has_labels && extra == NULL)
        return;
    lu_buf_adds(b, "{");
    if (has_labels)
        lu_buf_adds(b, labels);
    if (has_labels && extra != NULL)
        lu_buf_adds(b, ",");
    if (extra != NULL)
        lu_buf_adds(b, extra);
    lu_buf_adds(b, "}");
}

/* The shortest %g form that reads back as the same double, so that bounds
 * like 0.005 print as "0.005" and not "0.0050000000000000001". */
static void format_double(char *out, size_t len, double v)
{
    if (isnan(v)) {
        snprintf(out, len, "NaN");
        return;
    }
    if (isinf(v)) {
        snprintf(out, len, "%s", v > 0 ? "+Inf" : "-Inf");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, len, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

void lu_metrics_u64(struct lu_buf *b, const char *name, const char *labels,
                    uint64_t v)
{
    sample_name(b, name, labels, NULL);
    lu_buf_printf(b, " %" PRIu64 "\n", v);
}

void lu_metrics_i64(struct lu_buf *b, const char *name, const char *labels,
                    int64_t v)
{
    sample_name(b, name, labels, NULL);
    lu_buf_printf(b, " %" PRId64 "\n", v);
}

void lu_metrics_double(struct lu_buf *b, const char *name, const char *labels,
                       double v)
{
    char num[64];

    format_double(num, sizeof(num), v);
    sample_name(b, name, labels, NULL);
    lu_buf_printf(b, " %s\n", num);
}

void lu_metrics_label(struct lu_buf *labels, const char *name,
                      const char *value)
{
    if (labels->len > 0)
        lu_buf_adds(labels, ",");
    lu_buf_printf(labels, "%s=\"", name);
    for (const char *p = value; *p; p++) {
        if (*p == '\\')
            lu_buf_adds(labels, "\\\\");
        else if (*p == '"')
            lu_buf_adds(labels, "\\\"");
        else if (*p == '\n')
            lu_buf_adds(labels, "\\n");
        else
            lu_buf_add(labels, p, 1);
    }
    lu_buf_adds(labels, "\"");
}

void lu_metrics_counter(struct lu_buf *b, const char *name, const char *help,
                        uint64_t v)
{
    lu_metrics_header(b, name, "counter", help);
    lu_metrics_u64(b, name, NULL, v);
}

void lu_metrics_gauge(struct lu_buf *b, const char *name, const char *help,
                      double v)
{
    lu_metrics_header(b, name, "gauge", help);
    lu_metrics_double(b, name, NULL, v);
}

int lu_histo_init(struct lu_histo *h, const double *bounds, size_t n)
{
    if (n > LU_HISTO_MAX_BUCKETS)
        return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1]))
            return -EINVAL;
    }
    memset(h, 0, sizeof(*h));
    h->nbuckets = n;
    if (n > 0)
        memcpy(h->bounds, bounds, n * sizeof(bounds[0]));
    return 0;
}

void lu_histo_observe(struct lu_histo *h, double v)
{
    size_t i = 0;

    if (isnan(v))
        return;
    while (i < h->nbuckets && v > h->bounds[i])
        i++;
    h->counts[i]++;
    h->sum += v;
    h->count++;
}

void lu_histo_samples(struct lu_buf *b, const struct lu_histo *h,
                      const char *name, const char *labels)
{
    char *bucket = lu_xasprintf("%s_bucket", name);
    char *sum = lu_xasprintf("%s_sum", name);
    char *count = lu_xasprintf("%s_count", name);
    uint64_t cum = 0;
    char le[96], num[64];

    for (size_t i = 0; i <= h->nbuckets; i++) {
        cum += h->counts[i];
        format_double(num, sizeof(num),
                      i < h->nbuckets ? h->bounds[i] : INFINITY);
        snprintf(le, sizeof(le), "le=\"%s\"", num);
        sample_name(b, bucket, labels, le);
        lu_buf_printf(b, " %" PRIu64 "\n", cum);
    }
    lu_metrics_double(b, sum, labels, h->sum);
    lu_metrics_u64(b, count, labels, h->count);
    free(bucket);
    free(sum);
    free(count);
}

void lu_histo_write(struct lu_buf *b, const struct lu_histo *h,
                    const char *name, const char *help, const char *labels)
{
    lu_metrics_header(b, name, "histogram", help);
    lu_histo_samples(b, h, name, labels);
}
