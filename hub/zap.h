/* The hub's ZAP handler (ZeroMQ RFC 27) on inproc://zeromq.zap.01. libzmq's
 * CURVE server asks it about every handshake; without it, any client that
 * knows the server key would get in. It admits exactly the public keys in
 * the registry and hands libzmq the client's Z85 public key as the ZAP user
 * id, which the intake reads from every message ("User-Id") and looks up
 * in the registry of the moment, so that a SIGHUP that removes or replaces
 * a key cuts off connections already open. It must be bound
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

/* Puts a CURVE server socket in the handler's domain, and makes libzmq
 * refuse its handshakes while no handler is bound (the handler renews its
 * socket after a storm of handshakes, see zap.c) instead of letting them
 * in unchecked. 0 or a negative errno. */
int hub_zap_enforce(void *sock);

/* A draft option in libzmq 4.3's header; the library takes it. */
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93
#endif

/* The prefix the intake puts before a peer hub's id when it hands a
 * bulletin on ("hub:sd-hub"); nodes are named by their bare id. */
#define HUB_ZAP_HUB_PREFIX "hub:"

#endif
