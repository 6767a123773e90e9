/* Choosing an account action and listing accounts: see accounts.h. */
#include "accounts.h"

#include <string.h>

#include "ctl.h"
#include "i18n.h"
#include "json.h"
#include "output.h"

/* The action word pos (NULL: none given) as its index in actions. */
static int action(const struct ctl_args *a, const char *pos,
                  const char *const *actions, size_t n, int *op)
{
    struct lu_buf list;
    int r;

    for (size_t i = 0; pos != NULL && i < n; i++) {
        if (strcmp(pos, actions[i]) == 0) {
            *op = (int)i;
            return CTL_EXIT_OK;
        }
    }
    lu_buf_init(&list);
    for (size_t i = 0; i < n; i++)
        lu_buf_printf(&list, "%s%s", i ? ", " : "", actions[i]);
    r = pos == NULL
            ? ctl_args_bad(a, _("which action? %s"), list.data)
            : ctl_args_bad(a, _("no action \"%s\" (%s)"), pos, list.data);
    lu_buf_free(&list);
    return r;
}

bool ctl_accounts_args(struct ctl_args *a, int argc, char **argv,
                       const char *usage, const char *const *actions, size_t n,
                       const char *no_name, int *op, int *exit)
{
    *exit = ctl_args_parse(a, argc, argv);
    if (*exit != CTL_EXIT_OK)
        return false;
    if (a->help) {
        *exit = ctl_output_usage(usage);
        return false;
    }
    *exit = action(a, a->n_pos ? a->pos[0] : NULL, actions, n, op);
    if (*exit == CTL_EXIT_OK && *op != 0 && a->n_pos < 2)
        *exit = ctl_args_bad(a, "%s", no_name);
    return *exit == CTL_EXIT_OK;
}

static void render_json(const struct ctl_account *v, size_t n,
                        const char *off_key, struct lu_buf *b)
{
    struct lu_json j;

    lu_json_init(&j, b);
    lu_json_array(&j);
    for (size_t i = 0; i < n; i++) {
        lu_json_object(&j);
        lu_json_kstr(&j, "name", v[i].name);
        if (v[i].role != NULL)
            lu_json_kstr(&j, "role", v[i].role);
        lu_json_kstr(&j, "units", v[i].units);
        lu_json_key(&j, off_key);
        lu_json_bool(&j, v[i].off);
        lu_json_kint(&j, "created_at", v[i].created_at);
        lu_json_kstr(&j, "created_by", v[i].created_by);
        if (v[i].changed_at >= 0)
            lu_json_kint(&j, "changed_at", v[i].changed_at);
        lu_json_end(&j);
    }
    lu_json_end(&j);
    lu_buf_adds(b, "\n");
}

void ctl_accounts_render(const struct ctl_account *v, size_t n, bool json,
                         const char *off_key, const char *off_word,
                         const char *none, struct lu_buf *b)
{
    char t[64];

    if (json)
        return render_json(v, n, off_key, b);
    for (size_t i = 0; i < n; i++) {
        lu_buf_printf(b, "%-16s ", v[i].name);
        if (v[i].role != NULL)
            lu_buf_printf(b, "%-9s ", v[i].role);
        lu_buf_printf(b, "%-8s ", v[i].off ? off_word : _("active"));
        ctl_output_text(b, v[i].units[0] ? v[i].units : _("(all units)"));
        lu_buf_printf(b, _("  since %s by "),
                      ctl_output_time(v[i].created_at, t, sizeof(t)));
        ctl_output_text(b, v[i].created_by);
        lu_buf_adds(b, "\n");
    }
    if (n == 0)
        lu_buf_printf(b, "%s\n", none);
}
