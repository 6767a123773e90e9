/* The hub's ZAP handler (ZeroMQ RFC 27) on inproc://zeromq.zap.01. libzmq's
 * CURVE server asks it about every handshake; without it, any client that
 * knows the server key would get in. It admits exactly the public keys in
 * the registry and hands libzmq the owner's id as the ZAP user id, which
 * the intake then reads from every message ("User-Id"). It must be bound
 * before any CURVE server socket. Borrows the registry; set a new one after
 * a reload with hub_zap_set_registry(). */
#ifndef HUB_ZAP_H
#define HUB_ZAP_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct hub_registry;
struct hub_zap;

struct hub_zap *hub_zap_new(uv_loop_t *loop, void *zctx,
                            const struct hub_registry *reg, char *err,
                            size_t errlen);
void hub_zap_free(struct hub_zap *z);
void hub_zap_set_registry(struct hub_zap *z, const struct hub_registry *reg);
/* Handshakes refused so far. */
uint64_t hub_zap_refused(const struct hub_zap *z);

/* The user id prefix for peer hubs: "hub:sd-hub". Nodes get their bare id. */
#define HUB_ZAP_HUB_PREFIX "hub:"

#endif
