/* The Prometheus text exposition format, checked byte for byte: headers,
 * counters and gauges with and without labels, label and help escaping,
 * number formatting, and histograms whose buckets are cumulative with an
 * inclusive "le" and a final +Inf. */
#include <errno.h>
#include <math.h>

#include "metrics.h"
#include "test.h"

static void test_counter_gauge(void)
{
    struct lu_buf b, l;

    lu_buf_init(&b);
    lu_buf_init(&l);
    lu_metrics_counter(&b, "luyu_entries_received_total",
                       "Entries received from nodes.", 42);
    lu_metrics_gauge(&b, "luyu_nodes_connected", "Nodes connected now.", 3);
    lu_metrics_gauge(&b, "process_start_time_seconds", NULL, 1700000000.5);
    ASSERT_STREQ(b.data,
                 "# HELP luyu_entries_received_total Entries received from "
                 "nodes.\n"
                 "# TYPE luyu_entries_received_total counter\n"
                 "luyu_entries_received_total 42\n"
                 "# HELP luyu_nodes_connected Nodes connected now.\n"
                 "# TYPE luyu_nodes_connected gauge\n"
                 "luyu_nodes_connected 3\n"
                 "# TYPE process_start_time_seconds gauge\n"
                 "process_start_time_seconds 1700000000.5\n");

    /* One family, several label sets, written together. */
    lu_buf_free(&b);
    lu_metrics_header(&b, "luyu_node_entries_total", "counter",
                      "Entries per node.\nBack\\slash.");
    lu_metrics_label(&l, "node", "cq-wanzhou");
    lu_metrics_label(&l, "unit", "万州区");
    lu_metrics_u64(&b, "luyu_node_entries_total", l.data,
                   18446744073709551615u);
    lu_buf_free(&l);
    lu_metrics_label(&l, "node", "a\"b\\c\nd");
    lu_metrics_i64(&b, "luyu_node_entries_total", l.data, -7);
    lu_metrics_u64(&b, "luyu_node_entries_total", "", 0);
    ASSERT_STREQ(b.data,
                 "# HELP luyu_node_entries_total Entries per node.\\nBack\\\\"
                 "slash.\n"
                 "# TYPE luyu_node_entries_total counter\n"
                 "luyu_node_entries_total{node=\"cq-wanzhou\",unit=\"万州区\"} "
                 "18446744073709551615\n"
                 "luyu_node_entries_total{node=\"a\\\"b\\\\c\\nd\"} -7\n"
                 "luyu_node_entries_total 0\n");
    lu_buf_free(&b);
    lu_buf_free(&l);
}

static void test_numbers(void)
{
    struct lu_buf b;

    lu_buf_init(&b);
    lu_metrics_double(&b, "a", NULL, 0.1);
    lu_metrics_double(&b, "b", NULL, 1e-9);
    lu_metrics_double(&b, "c", NULL, 1.0 / 3.0);
    lu_metrics_double(&b, "d", NULL, NAN);
    lu_metrics_double(&b, "e", "x=\"1\"", INFINITY);
    lu_metrics_double(&b, "f", NULL, -INFINITY);
    lu_metrics_double(&b, "g", NULL, 9007199254740993.0);
    lu_metrics_double(&b, "h", NULL, -0.25);
    ASSERT_STREQ(b.data, "a 0.1\n"
                         "b 1e-09\n"
                         "c 0.3333333333333333\n"
                         "d NaN\n"
                         "e{x=\"1\"} +Inf\n"
                         "f -Inf\n"
                         "g 9007199254740992\n"
                         "h -0.25\n");
    lu_buf_free(&b);
}

static void test_histogram(void)
{
    static const double bounds[] = {0.005, 0.01, 0.1, 1};
    struct lu_histo h;
    struct lu_buf b;

    lu_buf_init(&b);
    ASSERT_EQ(lu_histo_init(&h, bounds, 4), 0);
    lu_histo_write(&b, &h, "luyu_commit_seconds", "Commit latency.", NULL);
    ASSERT_STREQ(b.data, "# HELP luyu_commit_seconds Commit latency.\n"
                         "# TYPE luyu_commit_seconds histogram\n"
                         "luyu_commit_seconds_bucket{le=\"0.005\"} 0\n"
                         "luyu_commit_seconds_bucket{le=\"0.01\"} 0\n"
                         "luyu_commit_seconds_bucket{le=\"0.1\"} 0\n"
                         "luyu_commit_seconds_bucket{le=\"1\"} 0\n"
                         "luyu_commit_seconds_bucket{le=\"+Inf\"} 0\n"
                         "luyu_commit_seconds_sum 0\n"
                         "luyu_commit_seconds_count 0\n");
    lu_buf_free(&b);

    lu_histo_observe(&h, 0.001);
    lu_histo_observe(&h, 0.005); /* le is inclusive */
    lu_histo_observe(&h, 0.05);
    lu_histo_observe(&h, 0.25);
    lu_histo_observe(&h, 0.5);
    lu_histo_observe(&h, 2);
    lu_histo_observe(&h, NAN); /* ignored */
    lu_histo_write(&b, &h, "luyu_commit_seconds", NULL, "hub=\"cq-hub\"");
    ASSERT_STREQ(b.data,
                 "# TYPE luyu_commit_seconds histogram\n"
                 "luyu_commit_seconds_bucket{hub=\"cq-hub\",le=\"0.005\"} 2\n"
                 "luyu_commit_seconds_bucket{hub=\"cq-hub\",le=\"0.01\"} 2\n"
                 "luyu_commit_seconds_bucket{hub=\"cq-hub\",le=\"0.1\"} 3\n"
                 "luyu_commit_seconds_bucket{hub=\"cq-hub\",le=\"1\"} 5\n"
                 "luyu_commit_seconds_bucket{hub=\"cq-hub\",le=\"+Inf\"} 6\n"
                 "luyu_commit_seconds_sum{hub=\"cq-hub\"} 2.806\n"
                 "luyu_commit_seconds_count{hub=\"cq-hub\"} 6\n");
    lu_buf_free(&b);

    /* No bounds at all: only the +Inf bucket. */
    ASSERT_EQ(lu_histo_init(&h, NULL, 0), 0);
    lu_histo_observe(&h, 3);
    lu_histo_samples(&b, &h, "x", NULL);
    ASSERT_STREQ(b.data, "x_bucket{le=\"+Inf\"} 1\nx_sum 3\nx_count 1\n");
    lu_buf_free(&b);
}

static void test_histogram_bad_bounds(void)
{
    static const double unsorted[] = {0.1, 0.05};
    static const double dup[] = {0.1, 0.1};
    static const double inf[] = {0.1, INFINITY};
    double many[LU_HISTO_MAX_BUCKETS + 1];
    struct lu_histo h;

    for (int i = 0; i <= LU_HISTO_MAX_BUCKETS; i++)
        many[i] = i + 1;
    ASSERT_EQ(lu_histo_init(&h, unsorted, 2), -EINVAL);
    ASSERT_EQ(lu_histo_init(&h, dup, 2), -EINVAL);
    ASSERT_EQ(lu_histo_init(&h, inf, 2), -EINVAL);
    ASSERT_EQ(lu_histo_init(&h, many, LU_HISTO_MAX_BUCKETS + 1), -EINVAL);
    ASSERT_EQ(lu_histo_init(&h, many, LU_HISTO_MAX_BUCKETS), 0);
}

int main(void)
{
    test_counter_gauge();
    test_numbers();
    test_histogram();
    test_histogram_bad_bounds();
    TEST_DONE();
}
