/* luyu-loadgen's modes (see loadgen.c for what each measures): the
 * simulated nodes of ingest and raw-zmq (loadgen_stream.c), the real
 * nodes of latency (loadgen_latency.c) and the web viewers of http
 * (loadgen_http.c). */
#ifndef BENCH_LOADGEN_H
#define BENCH_LOADGEN_H

#include <stdint.h>

#define LOADGEN_NOTE_LEN 96

enum loadgen_mode {
    MODE_INGEST,
    MODE_RAW,
    MODE_LATENCY,
    MODE_UNITS,
    MODE_HTTP
};

struct args {
    enum loadgen_mode mode;
    const char *endpoint, *hub_key, *keys, *plan, *province, *prefix;
    const char *feed, *control_dir;
    unsigned nodes, batch, window;
    uint64_t entries;
    double rate, seconds, timeout;
    double timeline; /* ingest: seconds between per-node ack snapshots */
    double hold;     /* ingest: seconds to wait, connected, before sending */
    const char *path, *cookie; /* http: the page and the Cookie header */
    unsigned port, viewers;    /* http: 127.0.0.1:port, viewers */
    double every;  /* http: seconds between a viewer's requests; 0: closed */
    double ack_ms; /* latency: ms between samples of node 0's acks; 0: none */
    unsigned first_unit; /* ingest, units: the province's units to skip */
};

/* Each prints one JSON object on stdout; 0 or -1 (reason on stderr). */
int loadgen_stream(const struct args *a);
int loadgen_latency(const struct args *a);
int loadgen_http(const struct args *a);

#endif
