/* The hub's key registry: which CurveZMQ public key belongs to which node
 * and which units that node may report for, and the peer hubs' keys. It is
 * a human-edited INI file; SIGHUP loads it again, and a node whose key was
 * removed is cut off at once.
 *
 *   [node cq-wanzhou]
 *   key = <40-char Z85 public key, as in cq-wanzhou.pub>
 *   units = cq-wanzhou, cq-wuxi
 *
 *   [hub sd-hub]
 *   key = <Z85 public key>
 *   province = SD
 */
#ifndef HUB_REGISTRY_H
#define HUB_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

struct lu_plan;
struct hub_registry;

/* Loads and checks path: keys must be valid Z85, ids codes, units known to
 * the plan, and no key or id may appear twice. Errors name file:line. */
int hub_registry_load(const char *path, const struct lu_plan *plan,
                      struct hub_registry **out, char *err, size_t errlen);
void hub_registry_free(struct hub_registry *r);

/* The id of the node or hub owning this Z85 public key, or NULL. *is_hub
 * tells which. */
const char *hub_registry_lookup(const struct hub_registry *r, const char *z85,
                                bool *is_hub);
bool hub_registry_has_node(const struct hub_registry *r, const char *node);
/* Whether a node may report for a unit, in two steps for a batch of
 * entries from one node: its entry (NULL when not registered; valid until
 * the registry is freed or reloaded), then each unit. */
struct hub_registry_node;
const struct hub_registry_node *hub_registry_node(const struct hub_registry *r,
                                                  const char *node);
bool hub_registry_node_may_report(const struct hub_registry_node *n,
                                  const char *unit);
/* The units a node may report for (its "units ="), *n of them; valid as
 * the entry is. NULL and 0 for NULL. */
const char *const *hub_registry_node_units(const struct hub_registry_node *n,
                                           size_t *count);
size_t hub_registry_count(const struct hub_registry *r);

#endif
