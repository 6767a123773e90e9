/* luyuctl token: API tokens for the district's other systems. The node
 * makes the token and answers it once; it keeps only its hash. Root or
 * the node's own user only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "args.h"
#include "ctl.h"
#include "i18n.h"
#include "node.h"
#include "output.h"
#include "util.h"
#include "xmalloc.h"

#define TOKEN_TIMEOUT_MS 60000

/* In the order of CtlToken.Op. */
static const char *const ACTIONS[] = {"list", "add", "revoke"};

static const char USAGE[] =
    N_("usage: luyuctl --node SOCK token add NAME [--units U1,U2]\n"
       "       luyuctl --node SOCK token revoke NAME\n"
       "       luyuctl --node SOCK token list [--json]\n"
       "\n"
       "API tokens let another system of the district post and read this\n"
       "node's entries (POST/GET /api/entries on the node's web server, with\n"
       "\"Authorization: Bearer TOKEN\"). add prints the new token once: keep\n"
       "it, the node stores only its hash. Entries posted with it record\n"
       "api:NAME. revoke refuses the token from then on. --units restricts it\n"
       "to some of the node's units (default: all).\n");

static void render(const Luyu__CtlResponse *resp, bool json, struct lu_buf *b)
{
    struct ctl_account *v = lu_xcalloc(resp->n_tokens + 1, sizeof(*v));

    for (size_t i = 0; i < resp->n_tokens; i++) {
        const Luyu__CtlTokenInfo *k = resp->tokens[i];

        v[i] =
            (struct ctl_account){k->name,       NULL, k->units,     k->revoked,
                                 k->created_at, -1,   k->created_by};
    }
    ctl_accounts_render(v, resp->n_tokens, json, "revoked", _("revoked"),
                        _("no API tokens yet (luyuctl token add)"), b);
    free(v);
}

int ctl_token_cmd(const struct ctl_global *g, int argc, char **argv)
{
    Luyu__CtlRequest req = LUYU__CTL_REQUEST__INIT;
    Luyu__CtlToken tk = LUYU__CTL_TOKEN__INIT;
    Luyu__CtlResponse *resp;
    const char *units = NULL, *json = NULL, *pos[2];
    const struct ctl_opt opts[] = {
        {"--units", CTL_OPT_VALUE, &units},
        {"--json", CTL_OPT_FLAG, &json},
    };
    struct ctl_args a = {
        .cmd = "token", .opts = opts, .n_opts = 2, .max_pos = 2, .pos = pos};
    struct lu_buf b;
    int r, op;

    if (!ctl_accounts_args(&a, argc, argv, USAGE, ACTIONS, 3,
                           _("which? give the token's name"), &op, &r))
        return r;
    tk.op = (Luyu__CtlToken__Op)op;
    r = ctl_node_need(g, "token");
    if (r != CTL_EXIT_OK)
        return r;
    if (a.n_pos > 1)
        tk.name = (char *)pos[1];
    if (units != NULL)
        tk.units = (char *)units;
    req.body_case = LUYU__CTL_REQUEST__BODY_TOKEN;
    req.token = &tk;
    r = ctl_node_call(g, &req, TOKEN_TIMEOUT_MS, &resp);
    if (r != CTL_EXIT_OK)
        return r;
    lu_buf_init(&b);
    if (resp->code != LUYU__CTL_RESPONSE__CODE__OK)
        r = ctl_node_refused(resp);
    else if (tk.op == LUYU__CTL_TOKEN__OP__LIST)
        render(resp, json != NULL, &b);
    else if (tk.op == LUYU__CTL_TOKEN__OP__ADD)
        lu_buf_printf(&b, "%s\n", resp->token);
    else
        lu_buf_printf(&b, _("token %s: revoked\n"), tk.name);
    if (r == CTL_EXIT_OK)
        r = ctl_output_write(&b);
    lu_buf_free(&b);
    luyu__ctl_response__free_unpacked(resp, NULL);
    return r;
}
