#include "feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "amount.h"
#include "json.h"
#include "log.h"
#include "xmalloc.h"

struct hub_feed {
    void *sock;
};

struct hub_feed *hub_feed_new(void *zctx, const char *endpoint,
                              const char *secret_z85, char *err, size_t errlen)
{
    struct hub_feed *f = lu_xcalloc(1, sizeof(*f));
    int one = 1, linger = 0, hwm = 10000;

    f->sock = zmq_socket(zctx, ZMQ_PUB);
    zmq_setsockopt(f->sock, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_setsockopt(f->sock, ZMQ_SNDHWM, &hwm, sizeof(hwm));
    if (secret_z85 != NULL) {
        zmq_setsockopt(f->sock, ZMQ_CURVE_SERVER, &one, sizeof(one));
        zmq_setsockopt(f->sock, ZMQ_CURVE_SECRETKEY, secret_z85, 40);
        zmq_setsockopt(f->sock, ZMQ_ZAP_DOMAIN, "luyu", 4);
    }
    if (zmq_bind(f->sock, endpoint) < 0) {
        snprintf(err, errlen, "cannot publish the feed on %s: %s", endpoint,
                 zmq_strerror(zmq_errno()));
        zmq_close(f->sock);
        free(f);
        return NULL;
    }
    return f;
}

void hub_feed_free(struct hub_feed *f)
{
    if (f == NULL)
        return;
    zmq_close(f->sock);
    free(f);
}

void hub_feed_publish(struct hub_feed *f, const char *topic, const char *json)
{
    if (f == NULL)
        return;
    /* DONTWAIT: a PUB never blocks, but be explicit about it. */
    if (zmq_send(f->sock, topic, strlen(topic), ZMQ_SNDMORE | ZMQ_DONTWAIT) <
            0 ||
        zmq_send(f->sock, json, strlen(json), ZMQ_DONTWAIT) < 0)
        lu_debug("feed: %s dropped: %s", topic, zmq_strerror(zmq_errno()));
}

void hub_feed_bulletin(struct hub_feed *f, const char *topic,
                       const char *province, uint32_t period, uint32_t revision)
{
    struct lu_buf b;
    struct lu_json j;
    char ps[8];

    if (f == NULL)
        return;
    lu_buf_init(&b);
    lu_json_init(&j, &b);
    lu_json_object(&j);
    if (province != NULL)
        lu_json_kstr(&j, "province", province);
    lu_json_kstr(&j, "period", lu_period_format(period, ps, sizeof(ps)));
    lu_json_kuint(&j, "revision", revision);
    lu_json_end(&j);
    hub_feed_publish(f, topic, b.data);
    lu_buf_free(&b);
}
