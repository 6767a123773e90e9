/* The server side of a control socket (common/ctlmsg.h framing) on libuv:
 * accepts luyuctl connections on a unix stream socket, reads
 * length-prefixed CtlRequests, and hands each to the owner's callback with
 * the peer's user name (from SO_PEERCRED, so it cannot be forged). The
 * socket file is created mode 0660; who may connect is decided by the
 * directory and group it lives in. Used by luyu-node and luyu-hub. */
#ifndef LU_CTLSERVER_H
#define LU_CTLSERVER_H

#include <stddef.h>
#include <uv.h>

#include "luyu.pb-c.h"
#include "util.h"

struct lu_ctlserver;

/* Handles one request (NULL when it did not decode) and appends the packed
 * CtlResponse to out; the server adds the length prefix and sends it. */
typedef void (*lu_ctlserver_cb)(void *data, const char *who,
                                const Luyu__CtlRequest *req,
                                struct lu_buf *out);

/* Binds path, refusing when another process still answers on it (a stale
 * socket file left by a crash is replaced). */
struct lu_ctlserver *lu_ctlserver_new(uv_loop_t *loop, const char *path,
                                      lu_ctlserver_cb cb, void *data, char *err,
                                      size_t errlen);
/* Stops listening, drops clients, removes the socket file. */
void lu_ctlserver_free(struct lu_ctlserver *s);

/* Packs resp into out: a helper for callbacks. */
void lu_ctlserver_pack(const Luyu__CtlResponse *resp, struct lu_buf *out);

#endif
