/* luyuctl token: API tokens for the district's other systems. The node
 * makes the token and answers it once; it keeps only its hash. Root or
 * the node's own user only. */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "ctl.h"
#include "node.h"
#include "output.h"
#include "util.h"

#define TOKEN_TIMEOUT_MS 60000

static const char USAGE[] =
    "usage: luyuctl --node SOCK token add NAME [--units U1,U2]\n"
    "       luyuctl --node SOCK token revoke NAME\n"
    "       luyuctl --node SOCK token list [--json]\n"
    "\n"
    "API tokens let another system of the district post and read this\n"
    "node's entries (POST/GET /api/entries on the node's web server, with\n"
    "\"Authorization: Bearer TOKEN\"). add prints the new token once: keep\n"
    "it, the node stores only its hash. Entries posted with it record\n"
    "api:NAME. revoke refuses the token from then on. --units restricts it\n"
    "to some of the node's units (default: all).\n";

static void render(const Luyu__CtlResponse *resp, bool json, struct lu_buf *b)
{
    char t[64];

    if (json)
        lu_buf_adds(b, "[");
    for (size_t i = 0; i < resp->n_tokens; i++) {
        const Luyu__CtlTokenInfo *k = resp->tokens[i];

        if (!json) {
            lu_buf_printf(b, "%-16s %-8s ", k->name,
                          k->revoked ? "revoked" : "active");
            ctl_output_text(b, k->units[0] ? k->units : "(all units)");
            lu_buf_printf(b, "  since %s by ",
                          ctl_output_time(k->created_at, t, sizeof(t)));
            ctl_output_text(b, k->created_by);
            lu_buf_adds(b, "\n");
            continue;
        }
        lu_buf_adds(b, i ? ",\n {\"name\": " : "{\"name\": ");
        lu_buf_json_str(b, k->name);
        lu_buf_adds(b, ", \"units\": ");
        lu_buf_json_str(b, k->units);
        lu_buf_printf(b, ", \"revoked\": %s, \"created_at\": %lld",
                      k->revoked ? "true" : "false", (long long)k->created_at);
        lu_buf_adds(b, ", \"created_by\": ");
        lu_buf_json_str(b, k->created_by);
        lu_buf_adds(b, "}");
    }
    if (json)
        lu_buf_adds(b, "]\n");
    else if (resp->n_tokens == 0)
        lu_buf_adds(b, "no API tokens yet (luyuctl token add)\n");
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
    int r;

    r = ctl_args_parse(&a, argc, argv);
    if (r != CTL_EXIT_OK)
        return r;
    if (a.help)
        return ctl_output_usage(USAGE);
    if (a.n_pos == 0)
        return ctl_args_bad(&a, "add, revoke or list?");
    if (strcmp(pos[0], "list") == 0)
        tk.op = LUYU__CTL_TOKEN__OP__LIST;
    else if (strcmp(pos[0], "add") == 0)
        tk.op = LUYU__CTL_TOKEN__OP__ADD;
    else if (strcmp(pos[0], "revoke") == 0)
        tk.op = LUYU__CTL_TOKEN__OP__REVOKE;
    else
        return ctl_args_bad(&a, "no action \"%s\"", pos[0]);
    if (tk.op != LUYU__CTL_TOKEN__OP__LIST && a.n_pos < 2)
        return ctl_args_bad(&a, "which? give the token's name");
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
        lu_buf_printf(&b, "token %s: revoked\n", tk.name);
    if (r == CTL_EXIT_OK)
        r = ctl_output_write(&b);
    lu_buf_free(&b);
    luyu__ctl_response__free_unpacked(resp, NULL);
    return r;
}
