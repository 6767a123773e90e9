#include "registry.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "ini.h"
#include "keys.h"
#include "plan.h"
#include "util.h"
#include "xmalloc.h"
#include "i18n.h"

#define MAX_ENTRIES 100000
#define MAX_UNITS_PER_NODE 1000

struct hub_registry_node {
    char *id;
    char key[LU_KEY_Z85_LEN + 1];
    bool is_hub;
    char *province; /* hubs */
    char **units;   /* nodes */
    size_t n_units;
    int line;
};

/* Lookups are by hash (every message looks its key up, and thousands of
 * nodes are normal): ids and keys map to the index of their entry plus
 * one (the array moves while it is loaded). A node's units are sorted, for
 * a binary search per entry merged. */
struct hub_registry {
    struct hub_registry_node *e;
    size_t n;
    const struct lu_plan *plan;
    struct lu_hmap *by_id;  /* ids, hubs' and nodes' (one namespace) */
    struct lu_hmap *by_key; /* Z85 keys, filled once the file is read */
};

static struct hub_registry_node *at(const struct hub_registry *r, void *v)
{
    return v ? &r->e[(uintptr_t)v - 1] : NULL;
}

struct load_ctx {
    struct hub_registry *r;
    struct hub_registry_node *cur;
};

static int add_units(struct load_ctx *c, const char *value, char *err,
                     size_t errlen)
{
    char *copy = lu_xstrdup(value), *save = NULL, *tok;
    int r = 0;

    for (tok = strtok_r(copy, ", ", &save); tok;
         tok = strtok_r(NULL, ", ", &save)) {
        if (lu_plan_unit(c->r->plan, tok) == NULL) {
            snprintf(err, errlen, _("unknown unit \"%.*s\""),
                     lu_utf8_cut(tok, 64), tok);
            r = -EINVAL;
            break;
        }
        if (c->cur->n_units >= MAX_UNITS_PER_NODE) {
            snprintf(err, errlen, _("too many units"));
            r = -E2BIG;
            break;
        }
        c->cur->units =
            lu_xrealloc(c->cur->units, (c->cur->n_units + 1) * sizeof(char *));
        c->cur->units[c->cur->n_units++] = lu_xstrdup(tok);
    }
    free(copy);
    return r;
}

static int on_section(struct load_ctx *c, const char *section, int line,
                      char *err, size_t errlen)
{
    struct hub_registry *r = c->r;
    const char *id;
    bool is_hub;

    if (strncmp(section, "node ", 5) == 0) {
        is_hub = false;
        id = section + 5;
    } else if (strncmp(section, "hub ", 4) == 0) {
        is_hub = true;
        id = section + 4;
    } else {
        snprintf(err, errlen,
                 _("unknown section [%.*s]: use [node ID] or "
                   "[hub ID]"),
                 lu_utf8_cut(section, 64), section);
        return -EINVAL;
    }
    if (!lu_code_valid(id)) {
        snprintf(err, errlen, _("\"%.*s\" is not a valid id"),
                 lu_utf8_cut(id, 64), id);
        return -EINVAL;
    }
    if (lu_hmap_gets(r->by_id, id) != NULL) {
        snprintf(err, errlen, _("%s is listed twice (first at line %d)"), id,
                 at(r, lu_hmap_gets(r->by_id, id))->line);
        return -EINVAL;
    }
    if (r->n >= MAX_ENTRIES) {
        snprintf(err, errlen, _("more than %d entries"), MAX_ENTRIES);
        return -E2BIG;
    }
    r->e = lu_xrealloc(r->e, (r->n + 1) * sizeof(*r->e));
    c->cur = &r->e[r->n++];
    memset(c->cur, 0, sizeof(*c->cur));
    c->cur->id = lu_xstrdup(id);
    c->cur->is_hub = is_hub;
    c->cur->line = line;
    /* The id is on the heap: it stays put when the array moves. */
    lu_hmap_puts(r->by_id, c->cur->id, (void *)(uintptr_t)r->n);
    return 0;
}

static int on_ini(void *user, const char *section, const char *key,
                  const char *value, int line, char *err, size_t errlen)
{
    struct load_ctx *c = user;

    if (key == NULL)
        return on_section(c, section, line, err, errlen);
    if (c->cur == NULL) {
        snprintf(err, errlen,
                 _("\"%s\" outside a [node ID] or [hub ID] "
                   "section"),
                 key);
        return -EINVAL;
    }
    if (strcmp(key, "key") == 0) {
        if (!lu_keys_z85_valid(value)) {
            snprintf(err, errlen,
                     _("key is not a 40-character Z85 public "
                       "key"));
            return -EINVAL;
        }
        memcpy(c->cur->key, value, LU_KEY_Z85_LEN + 1);
    } else if (strcmp(key, "units") == 0 && !c->cur->is_hub) {
        return add_units(c, value, err, errlen);
    } else if (strcmp(key, "province") == 0 && c->cur->is_hub) {
        free(c->cur->province);
        c->cur->province = lu_xstrdup(value);
    } else {
        snprintf(err, errlen, _("unknown key \"%.*s\" in [%s %s]"),
                 lu_utf8_cut(key, 64), key, c->cur->is_hub ? "hub" : "node",
                 c->cur->id);
        return -EINVAL;
    }
    return 0;
}

static int cmp_units(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Checks what can only be checked once the whole file is read, and indexes
 * the keys (the array no longer moves). */
static int check_all(const char *path, struct hub_registry *r, char *err,
                     size_t errlen)
{
    for (size_t i = 0; i < r->n; i++) {
        struct hub_registry_node *e = &r->e[i];

        if (e->key[0] == '\0') {
            snprintf(err, errlen, _("%s:%d: %s has no key"), path, e->line,
                     e->id);
            return -EINVAL;
        }
        if (!e->is_hub && e->n_units == 0) {
            snprintf(err, errlen, _("%s:%d: node %s has no units"), path,
                     e->line, e->id);
            return -EINVAL;
        }
        if (lu_hmap_gets(r->by_key, e->key) != NULL) {
            snprintf(err, errlen, _("%s:%d: %s has the same key as %s"), path,
                     e->line, e->id,
                     at(r, lu_hmap_gets(r->by_key, e->key))->id);
            return -EINVAL;
        }
        lu_hmap_puts(r->by_key, e->key, (void *)(uintptr_t)(i + 1));
        if (e->n_units > 1)
            qsort(e->units, e->n_units, sizeof(*e->units), cmp_units);
    }
    return 0;
}

int hub_registry_load(const char *path, const struct lu_plan *plan,
                      struct hub_registry **out, char *err, size_t errlen)
{
    struct hub_registry *r = lu_xcalloc(1, sizeof(*r));
    struct load_ctx c = {r, NULL};
    int rc;

    r->plan = plan;
    r->by_id = lu_hmap_new();
    r->by_key = lu_hmap_new();
    *out = NULL;
    rc = lu_ini_parse_file(path, on_ini, &c, err, errlen);
    if (rc == 0)
        rc = check_all(path, r, err, errlen);
    if (rc < 0) {
        hub_registry_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void hub_registry_free(struct hub_registry *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++) {
        for (size_t k = 0; k < r->e[i].n_units; k++)
            free(r->e[i].units[k]);
        free(r->e[i].units);
        free(r->e[i].province);
        free(r->e[i].id);
    }
    free(r->e);
    lu_hmap_free(r->by_id);
    lu_hmap_free(r->by_key);
    free(r);
}

const char *hub_registry_lookup(const struct hub_registry *r, const char *z85,
                                bool *is_hub)
{
    const struct hub_registry_node *e = at(r, lu_hmap_gets(r->by_key, z85));

    if (e == NULL)
        return NULL;
    *is_hub = e->is_hub;
    return e->id;
}

static const struct hub_registry_node *find(const struct hub_registry *r,
                                            const char *id, bool is_hub)
{
    const struct hub_registry_node *e = at(r, lu_hmap_gets(r->by_id, id));

    return e != NULL && e->is_hub == is_hub ? e : NULL;
}

bool hub_registry_has_node(const struct hub_registry *r, const char *node)
{
    return find(r, node, false) != NULL;
}

const struct hub_registry_node *hub_registry_node(const struct hub_registry *r,
                                                  const char *node)
{
    return find(r, node, false);
}

bool hub_registry_node_may_report(const struct hub_registry_node *e,
                                  const char *unit)
{
    return e != NULL && e->n_units > 0 &&
           bsearch(&unit, e->units, e->n_units, sizeof(*e->units), cmp_units) !=
               NULL;
}

const char *const *hub_registry_node_units(const struct hub_registry_node *e,
                                           size_t *count)
{
    *count = e ? e->n_units : 0;
    return e ? (const char *const *)e->units : NULL;
}

size_t hub_registry_count(const struct hub_registry *r)
{
    return r->n;
}
