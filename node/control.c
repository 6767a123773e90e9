#define _GNU_SOURCE /* struct ucred */
#include "control.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctlmsg.h"
#include "intake.h"
#include "log.h"
#include "outbox.h"
#include "uplink.h"
#include "util.h"
#include "xmalloc.h"

#define MAX_STATUS_REJECTS 20

struct node_control {
    uv_pipe_t server;
    char *path;
    struct node_control_ctx ctx;
};

struct client {
    uv_pipe_t pipe;
    struct node_control *c;
    struct lu_buf in;
    char who[64];
};

static void client_close(struct client *cl);

static void on_client_closed(uv_handle_t *h)
{
    struct client *cl = h->data;

    lu_buf_free(&cl->in);
    free(cl);
}

static void client_close(struct client *cl)
{
    if (!uv_is_closing((uv_handle_t *)&cl->pipe))
        uv_close((uv_handle_t *)&cl->pipe, on_client_closed);
}

static void on_written(uv_write_t *req, int status)
{
    free(req->data);
    free(req);
}

static void send_response(struct client *cl, const Luyu__CtlResponse *resp)
{
    size_t len = luyu__ctl_response__get_packed_size(resp);
    unsigned char *buf = lu_xmalloc(len + 4);
    uv_write_t *req = lu_xmalloc(sizeof(*req));
    uv_buf_t b = uv_buf_init((char *)buf, (unsigned)(len + 4));

    lu_ctl_put_len(buf, (uint32_t)len);
    luyu__ctl_response__pack(resp, buf + 4);
    req->data = buf;
    if (uv_write(req, (uv_stream_t *)&cl->pipe, &b, 1, on_written) < 0) {
        free(buf);
        free(req);
        client_close(cl);
    }
}

static void fill_status(struct node_control *c, Luyu__CtlResponse *resp,
                        Luyu__CtlStatus *s, char **ids, char **reasons,
                        Luyu__CtlRejected *rj, Luyu__CtlRejected **rjp)
{
    struct node_outbox_stats st;
    struct node_uplink_info info;
    size_t n;

    node_outbox_stats(c->ctx.outbox, &st);
    node_uplink_info(c->ctx.uplink, &info);
    s->node_id = (char *)c->ctx.node_id;
    s->hub = (char *)c->ctx.hub;
    s->link_up = info.up;
    s->pending = st.pending;
    s->acknowledged = st.acknowledged;
    s->rejected = st.rejected;
    s->last_ack_age_s = st.last_ack_s ? lu_now_s() - st.last_ack_s : -1;
    s->last_seq = st.last_seq;
    s->hub_hwm = info.hub_hwm;
    s->link_error = (char *)info.error;
    n = node_outbox_rejects(c->ctx.outbox, MAX_STATUS_REJECTS, ids, reasons);
    for (size_t i = 0; i < n; i++) {
        luyu__ctl_rejected__init(&rj[i]);
        rj[i].id = ids[i];
        rj[i].reason = reasons[i];
        rjp[i] = &rj[i];
    }
    s->rejects = rjp;
    s->n_rejects = n;
    resp->status = s;
}

static void handle(struct client *cl, const unsigned char *data, size_t len)
{
    Luyu__CtlResponse resp = LUYU__CTL_RESPONSE__INIT;
    Luyu__CtlRequest *req = luyu__ctl_request__unpack(NULL, len, data);
    Luyu__CtlStatus s = LUYU__CTL_STATUS__INIT;
    char *ids[MAX_STATUS_REJECTS] = {0}, *reasons[MAX_STATUS_REJECTS] = {0};
    Luyu__CtlRejected rj[MAX_STATUS_REJECTS];
    Luyu__CtlRejected *rjp[MAX_STATUS_REJECTS];
    struct node_control *c = cl->c;

    if (req == NULL) {
        resp.code = LUYU__CTL_RESPONSE__CODE__BAD_INPUT;
        resp.message = lu_xstrdup("undecodable request");
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_SUBMIT) {
        node_intake_submit(c->ctx.intake, req->submit, cl->who, &resp);
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_CORRECT) {
        node_intake_correct(c->ctx.intake, req->correct, cl->who, &resp);
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_STATUS) {
        fill_status(c, &resp, &s, ids, reasons, rj, rjp);
    } else {
        resp.code = LUYU__CTL_RESPONSE__CODE__BAD_INPUT;
        resp.message = lu_xstrdup("unknown request");
    }
    send_response(cl, &resp);
    resp.status = NULL;
    node_intake_response_clear(&resp);
    for (size_t i = 0; i < MAX_STATUS_REJECTS; i++) {
        free(ids[i]);
        free(reasons[i]);
    }
    if (req != NULL)
        luyu__ctl_request__free_unpacked(req, NULL);
    /* Entries may have been committed: start sending them now. */
    node_uplink_pump(c->ctx.uplink);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    buf->base = lu_xmalloc(65536);
    buf->len = 65536;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct client *cl = s->data;

    if (n < 0) {
        free(buf->base);
        client_close(cl);
        return;
    }
    lu_buf_add(&cl->in, buf->base, (size_t)n);
    free(buf->base);
    while (cl->in.len >= 4) {
        uint32_t len = lu_ctl_len((unsigned char *)cl->in.data);

        if (len > LU_CTL_MAX_MSG) {
            lu_warn("control: oversized request (%u bytes) from %s", len,
                    cl->who);
            client_close(cl);
            return;
        }
        if (cl->in.len < 4 + (size_t)len)
            break;
        handle(cl, (unsigned char *)cl->in.data + 4, len);
        memmove(cl->in.data, cl->in.data + 4 + len, cl->in.len - 4 - len);
        cl->in.len -= 4 + len;
    }
}

static void peer_name(uv_pipe_t *p, char *who, size_t len)
{
    struct ucred cred;
    socklen_t cl = sizeof(cred);
    uv_os_fd_t fd;
    struct passwd pw, *res = NULL;
    char buf[1024];

    snprintf(who, len, "unknown");
    if (uv_fileno((uv_handle_t *)p, &fd) < 0 ||
        getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0)
        return;
    if (getpwuid_r(cred.uid, &pw, buf, sizeof(buf), &res) == 0 && res)
        snprintf(who, len, "%s", pw.pw_name);
    else
        snprintf(who, len, "uid%u", (unsigned)cred.uid);
}

static void on_connection(uv_stream_t *server, int status)
{
    struct node_control *c = server->data;
    struct client *cl;

    if (status < 0)
        return;
    cl = lu_xcalloc(1, sizeof(*cl));
    cl->c = c;
    lu_buf_init(&cl->in);
    uv_pipe_init(server->loop, &cl->pipe, 0);
    cl->pipe.data = cl;
    if (uv_accept(server, (uv_stream_t *)&cl->pipe) < 0) {
        client_close(cl);
        return;
    }
    peer_name(&cl->pipe, cl->who, sizeof(cl->who));
    uv_read_start((uv_stream_t *)&cl->pipe, on_alloc, on_read);
}

/* True when something still answers on path: then it is not ours to
 * remove. */
static int socket_alive(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int alive;

    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    alive = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
    if (fd >= 0)
        close(fd);
    return alive;
}

struct node_control *node_control_new(uv_loop_t *loop, const char *path,
                                      const struct node_control_ctx *ctx,
                                      char *err, size_t errlen)
{
    struct node_control *c = lu_xcalloc(1, sizeof(*c));
    struct sockaddr_un sa;
    int r;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        snprintf(err, errlen, "control socket path too long: %s", path);
        free(c);
        return NULL;
    }
    if (socket_alive(path)) {
        snprintf(err, errlen,
                 "control socket %s is in use by another "
                 "process",
                 path);
        free(c);
        return NULL;
    }
    unlink(path);
    c->ctx = *ctx;
    c->path = lu_xstrdup(path);
    uv_pipe_init(loop, &c->server, 0);
    c->server.data = c;
    r = uv_pipe_bind(&c->server, path);
    if (r == 0) {
        chmod(path, 0660);
        r = uv_listen((uv_stream_t *)&c->server, 64, on_connection);
    }
    if (r < 0) {
        snprintf(err, errlen, "control socket %s: %s", path, uv_strerror(r));
        node_control_free(c);
        return NULL;
    }
    return c;
}

static void on_server_closed(uv_handle_t *h)
{
    struct node_control *c = h->data;

    free(c->path);
    free(c);
}

static void close_client(uv_handle_t *h, void *arg)
{
    struct node_control *c = arg;

    if (h->type == UV_NAMED_PIPE && h != (uv_handle_t *)&c->server &&
        h->data != NULL && ((struct client *)h->data)->c == c)
        client_close(h->data);
}

void node_control_free(struct node_control *c)
{
    if (c == NULL)
        return;
    uv_walk(c->server.loop, close_client, c);
    unlink(c->path);
    uv_close((uv_handle_t *)&c->server, on_server_closed);
}
