/* luyuctl user: the people who sign in to the node's web pages, or with
 * --hub to the hub's dashboard. The password is read here (without echo on
 * a terminal, or one line from a pipe), hashed here with Argon2id
 * (crypto_pwhash_str), and only the hash goes to the daemon, which stores
 * it; root or the daemon's own user only. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "accounts.h"
#include "args.h"
#include "ctl.h"
#include "i18n.h"
#include "node.h"
#include "output.h"
#include "util.h"
#include "xmalloc.h"

#define USER_TIMEOUT_MS 60000
#define PW_MIN 8
#define PW_MAX 256

/* In the order of CtlUser.Op. */
static const char *const ACTIONS[] = {"list", "add", "passwd", "disable"};

static const char USAGE[] = N_(
    "usage: luyuctl --node SOCK user add NAME --role clerk|reviewer "
    "[--units U1,U2]\n"
    "       luyuctl --node SOCK user passwd NAME\n"
    "       luyuctl --node SOCK user disable NAME\n"
    "       luyuctl --node SOCK user list [--json]\n"
    "       luyuctl --hub SOCK user add NAME --role viewer|reviewer|admin\n"
    "       luyuctl --hub SOCK user passwd|disable NAME; user list [--json]\n"
    "\n"
    "Manages the people who sign in to the node's web pages (root or the\n"
    "node's own user only). add and passwd read the password from the\n"
    "terminal (twice, not shown) or one line from standard input; at least\n"
    "8 characters. Only its Argon2id hash reaches the node. passwd also\n"
    "enables a disabled user; disable keeps the user's name on what they\n"
    "entered. Clerks enter, import and correct; reviewers approve. --units\n"
    "restricts a user to some of the node's units (default: all of them).\n"
    "With --hub the same for the hub's dashboard: viewers read every page,\n"
    "reviewers also take the province's review steps, admins both.\n");

/* One line without its line end into buf. -1 on end of input. */
static int read_line(const char *prompt, bool tty, char *buf, size_t len)
{
    struct termios old, quiet;
    int r = 0;

    if (tty) {
        fputs(prompt, stderr);
        tcgetattr(STDIN_FILENO, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    if (fgets(buf, (int)len, stdin) == NULL)
        r = -1;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    return r;
}

static int read_hash(char *hash)
{
    char pw[PW_MAX + 2] = "", again[PW_MAX + 2] = "";
    bool tty = isatty(STDIN_FILENO);
    int r = CTL_EXIT_BAD;

    if (read_line(_("password: "), tty, pw, sizeof(pw)) < 0) {
        ctl_output_error(CTL_EXIT_BAD, "%s", _("no password given"));
        goto out;
    }
    if (tty && (read_line(_("again: "), tty, again, sizeof(again)) < 0 ||
                strcmp(pw, again) != 0)) {
        ctl_output_error(CTL_EXIT_BAD, "%s", _("the two passwords differ"));
        goto out;
    }
    if (strlen(pw) < PW_MIN || strlen(pw) > PW_MAX ||
        !lu_utf8_valid(pw, strlen(pw))) {
        ctl_output_error(CTL_EXIT_BAD,
                         _("a password is %d to %d characters of UTF-8"),
                         PW_MIN, PW_MAX);
        goto out;
    }
    if (sodium_init() < 0 ||
        crypto_pwhash_str(hash, pw, strlen(pw),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        ctl_output_error(CTL_EXIT_FAIL, "%s",
                         _("cannot hash the password: out of memory"));
        r = CTL_EXIT_FAIL;
        goto out;
    }
    r = CTL_EXIT_OK;
out:
    sodium_memzero(pw, sizeof(pw));
    sodium_memzero(again, sizeof(again));
    return r;
}

static void render(const Luyu__CtlResponse *resp, bool json, struct lu_buf *b)
{
    struct ctl_account *v = lu_xcalloc(resp->n_users + 1, sizeof(*v));

    for (size_t i = 0; i < resp->n_users; i++) {
        const Luyu__CtlUserInfo *u = resp->users[i];

        v[i] = (struct ctl_account){u->name,      u->role,       u->units,
                                    u->disabled,  u->created_at, u->changed_at,
                                    u->created_by};
    }
    ctl_accounts_render(v, resp->n_users, json, "disabled", _("disabled"),
                        _("no web users yet (luyuctl user add)"), b);
    free(v);
}

static int call(const struct ctl_global *g, Luyu__CtlUser *u, bool json)
{
    Luyu__CtlRequest req = LUYU__CTL_REQUEST__INIT;
    Luyu__CtlResponse *resp;
    struct lu_buf b;
    int r;

    req.body_case = LUYU__CTL_REQUEST__BODY_USER;
    req.user = u;
    r = ctl_node_call(g, &req, USER_TIMEOUT_MS, &resp);
    if (r != CTL_EXIT_OK)
        return r;
    lu_buf_init(&b);
    if (resp->code != LUYU__CTL_RESPONSE__CODE__OK)
        r = ctl_node_refused(resp);
    else if (u->op == LUYU__CTL_USER__OP__LIST)
        render(resp, json, &b);
    else
        lu_buf_printf(&b, _("user %s: %s\n"), u->name,
                      u->op == LUYU__CTL_USER__OP__ADD      ? _("added")
                      : u->op == LUYU__CTL_USER__OP__PASSWD ? _("password set")
                                                            : _("disabled"));
    if (r == CTL_EXIT_OK)
        r = ctl_output_write(&b);
    lu_buf_free(&b);
    luyu__ctl_response__free_unpacked(resp, NULL);
    return r;
}

int ctl_user_cmd(const struct ctl_global *g, int argc, char **argv)
{
    Luyu__CtlUser u = LUYU__CTL_USER__INIT;
    const char *role = NULL, *units = NULL, *json = NULL, *hub = NULL, *pos[2];
    const struct ctl_opt opts[] = {
        {"--role", CTL_OPT_VALUE, &role},
        {"--units", CTL_OPT_VALUE, &units},
        {"--json", CTL_OPT_FLAG, &json},
        {"--hub", CTL_OPT_VALUE, &hub},
    };
    struct ctl_args a = {
        .cmd = "user", .opts = opts, .n_opts = 4, .max_pos = 2, .pos = pos};
    struct ctl_global to = *g;
    char hash[crypto_pwhash_STRBYTES];
    int r, op;

    if (!ctl_accounts_args(&a, argc, argv, USAGE, ACTIONS, 4,
                           _("whose? give the user's name"), &op, &r))
        return r;
    u.op = (Luyu__CtlUser__Op)op;
    if (u.op == LUYU__CTL_USER__OP__ADD && role == NULL)
        return ctl_args_bad(&a, "%s",
                            hub ? _("--role viewer, reviewer or admin")
                                : _("--role clerk or --role reviewer"));
    /* The hub's dashboard users: the same request to the hub's socket. */
    if (hub != NULL) {
        to.node = hub;
        to.daemon = "luyu-hub";
    }
    r = ctl_node_need(&to, "user");
    if (r != CTL_EXIT_OK)
        return r;
    if (a.n_pos > 1)
        u.name = (char *)pos[1];
    if (role != NULL)
        u.role = (char *)role;
    if (units != NULL)
        u.units = (char *)units;
    if (u.op == LUYU__CTL_USER__OP__ADD || u.op == LUYU__CTL_USER__OP__PASSWD) {
        r = read_hash(hash);
        if (r != CTL_EXIT_OK)
            return r;
        u.pwhash = hash;
    }
    return call(&to, &u, json != NULL);
}
