#include "node.h"

#include <errno.h>
#include <time.h>

#include "ctl.h"
#include "ctlmsg.h"
#include "i18n.h"
#include "output.h"
#include "util.h"

/* How long a refused connection is retried, and how often. */
#define REFUSED_WAIT_MS 5000
#define RETRY_MS 100

int ctl_node_need(const struct ctl_global *g, const char *cmd)
{
    if (g->node != NULL && g->node[0] != '\0')
        return CTL_EXIT_OK;
    return ctl_output_error(CTL_EXIT_BAD,
                            _("%s needs the node's control socket: give "
                              "--node SOCK, or set LUYU_NODE"),
                            cmd);
}

int ctl_node_call(const struct ctl_global *g, const Luyu__CtlRequest *req,
                  int timeout_ms, Luyu__CtlResponse **resp)
{
    const struct timespec pause = {0, RETRY_MS * 1000000L};
    Luyu__CtlRequest ask = *req;
    char err[512];
    int r;

    /* The daemon answers in luyuctl's language. */
    ask.lang = (char *)lu_i18n_lang();
    /* A socket file nobody listens on is what a node leaves behind while
     * it restarts after a crash (systemd's Restart=on-failure): wait a
     * moment for it rather than fail a script. The refused request never
     * reached a node, so asking again cannot record anything twice. A
     * missing socket fails at once. */
    for (int waited = 0;; waited += RETRY_MS) {
        r = lu_ctl_call_to(g->daemon ? g->daemon : "luyu-node", g->node, &ask,
                           timeout_ms, resp, err, sizeof(err));
        if (r != -ECONNREFUSED || waited >= REFUSED_WAIT_MS)
            break;
        nanosleep(&pause, NULL);
    }
    if (r < 0)
        return ctl_output_error(CTL_EXIT_FAIL, "%s", err);
    return CTL_EXIT_OK;
}

int ctl_node_refused(const Luyu__CtlResponse *resp)
{
    struct lu_buf b;
    int code = resp->code == LUYU__CTL_RESPONSE__CODE__BAD_INPUT
                   ? CTL_EXIT_BAD
                   : CTL_EXIT_FAIL;

    /* The node's text is quoted back to a terminal: keep it inert. */
    lu_buf_init(&b);
    for (size_t i = 0; i < resp->n_problems; i++) {
        b.len = 0;
        lu_buf_adds(&b, "");
        ctl_output_text(&b, resp->problems[i]->message);
        ctl_output_error(code, "%s", b.data);
    }
    if (resp->n_problems == 0 || resp->needs_confirm) {
        b.len = 0;
        lu_buf_adds(&b, "");
        ctl_output_text(&b, resp->message[0] ? resp->message
                                             : _("the node refused the "
                                                 "request without saying "
                                                 "why"));
        ctl_output_error(code, "%s", b.data);
    }
    lu_buf_free(&b);
    return code;
}

int ctl_node_record(const struct ctl_global *g, const Luyu__CtlRequest *req,
                    int timeout_ms)
{
    Luyu__CtlResponse *resp = NULL;
    struct lu_buf b;
    int r;

    r = ctl_node_call(g, req, timeout_ms, &resp);
    if (r != CTL_EXIT_OK)
        return r;
    if (resp->code != LUYU__CTL_RESPONSE__CODE__OK) {
        r = ctl_node_refused(resp);
    } else if (resp->n_ids != 1) {
        r = ctl_output_error(CTL_EXIT_FAIL,
                             _("the node answered OK but with %zu ids "
                               "instead of one; check luyuctl status"),
                             resp->n_ids);
    } else {
        lu_buf_init(&b);
        lu_buf_printf(&b, "%s\n", resp->ids[0]);
        r = ctl_output_write(&b);
        lu_buf_free(&b);
    }
    luyu__ctl_response__free_unpacked(resp, NULL);
    return r;
}
