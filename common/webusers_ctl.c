#include "webusers_ctl.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "util.h"
#include "webusers.h"
#include "xmalloc.h"

void lu_webusers_ctl_init(struct lu_webusers_ctl *c)
{
    struct passwd pw, *res = NULL;
    char buf[1024];

    if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &res) == 0 && res)
        snprintf(c->self, sizeof(c->self), "%s", pw.pw_name);
    else
        snprintf(c->self, sizeof(c->self), "uid%u", (unsigned)geteuid());
}

static void refuse(Luyu__CtlResponse *resp, int code, char *msg)
{
    resp->code = code;
    resp->message = msg;
}

static void add(const struct lu_webusers_ctl *c, const Luyu__CtlUser *u,
                const char *who, Luyu__CtlResponse *resp)
{
    struct lu_webuser nu = {0};
    int r;

    if (!c->role_valid(u->role))
        return refuse(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT,
                      lu_xasprintf("role \"%s\": use %s", lu_utf8_fix(u->role),
                                   c->roles));
    if (strlen(u->units) > LU_WEBUSER_UNITS_MAX ||
        (c->units != NULL && !lu_units_subset(u->units, c->units)))
        return refuse(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT,
                      lu_xasprintf("units \"%s\": give units of this %s only",
                                   lu_utf8_fix(u->units), c->daemon));
    snprintf(nu.name, sizeof(nu.name), "%s", u->name);
    snprintf(nu.role, sizeof(nu.role), "%s", u->role);
    snprintf(nu.units, sizeof(nu.units), "%s", u->units);
    snprintf(nu.pwhash, sizeof(nu.pwhash), "%s", u->pwhash);
    snprintf(nu.created_by, sizeof(nu.created_by), "%s", who);
    r = lu_webusers_add(c->db, &nu);
    if (r == -EEXIST)
        refuse(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT,
               lu_xasprintf("user %s exists already (luyuctl user passwd to "
                            "reset)",
                            u->name));
    else if (r < 0)
        refuse(resp, LUYU__CTL_RESPONSE__CODE__FAILED,
               lu_xasprintf("cannot store user: %s", strerror(-r)));
    else
        lu_notice("web user %s (%s) added by %s", u->name, u->role, who);
}

static void list(const struct lu_webusers_ctl *c, Luyu__CtlResponse *resp)
{
    struct lu_webuser *users;
    size_t n;

    if (lu_webusers_list(c->db, &users, &n) < 0)
        return refuse(resp, LUYU__CTL_RESPONSE__CODE__FAILED,
                      lu_xstrdup("cannot read users"));
    resp->users = lu_xcalloc(n ? n : 1, sizeof(*resp->users));
    for (size_t i = 0; i < n; i++) {
        Luyu__CtlUserInfo *ui = lu_xmalloc(sizeof(*ui));

        luyu__ctl_user_info__init(ui);
        ui->name = lu_xstrdup(users[i].name);
        ui->role = lu_xstrdup(users[i].role);
        ui->units = lu_xstrdup(users[i].units);
        ui->disabled = users[i].disabled;
        ui->created_at = users[i].created_at;
        ui->created_by = lu_xstrdup(users[i].created_by);
        ui->changed_at = users[i].changed_at;
        resp->users[i] = ui;
    }
    resp->n_users = n;
    free(users);
}

void lu_webusers_ctl_clear(Luyu__CtlResponse *resp)
{
    for (size_t i = 0; i < resp->n_users; i++) {
        free(resp->users[i]->name);
        free(resp->users[i]->role);
        free(resp->users[i]->units);
        free(resp->users[i]->created_by);
        free(resp->users[i]);
    }
    free(resp->users);
    resp->users = NULL;
    resp->n_users = 0;
}

static void change(const struct lu_webusers_ctl *c, const Luyu__CtlUser *u,
                   const char *who, Luyu__CtlResponse *resp)
{
    int r = -EINVAL;

    if (u->op == LUYU__CTL_USER__OP__PASSWD)
        r = lu_webusers_passwd(c->db, u->name, u->pwhash);
    else if (u->op == LUYU__CTL_USER__OP__DISABLE)
        r = lu_webusers_disable(c->db, u->name);
    if (r == -ENOENT)
        refuse(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT,
               lu_xasprintf("no user %s", u->name));
    else if (r == -EINVAL)
        refuse(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT,
               lu_xstrdup("unknown user operation"));
    else if (r < 0)
        refuse(resp, LUYU__CTL_RESPONSE__CODE__FAILED,
               lu_xasprintf("cannot store user: %s", strerror(-r)));
    else
        lu_notice("web user %s: %s by %s", u->name,
                  u->op == LUYU__CTL_USER__OP__PASSWD ? "password set"
                                                      : "disabled",
                  who);
}

void lu_webusers_ctl(const struct lu_webusers_ctl *c, const Luyu__CtlUser *u,
                     const char *who, Luyu__CtlResponse *resp)
{
    if (strcmp(who, "root") != 0 && strcmp(who, c->self) != 0)
        return refuse(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT,
                      lu_xasprintf("only root or the %s's own user may "
                                   "manage web users, not %s",
                                   c->daemon, who));
    if (u->op == LUYU__CTL_USER__OP__LIST)
        return list(c, resp);
    if (!lu_webuser_name_valid(u->name))
        return refuse(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT,
                      lu_xasprintf("user name \"%s\": use 1-32 of a-z 0-9 - "
                                   "_ .",
                                   lu_utf8_fix(u->name)));
    if (u->op != LUYU__CTL_USER__OP__DISABLE &&
        !lu_webuser_hash_valid(u->pwhash))
        return refuse(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT,
                      lu_xstrdup("not an Argon2id password hash"));
    if (u->op == LUYU__CTL_USER__OP__ADD)
        return add(c, u, who, resp);
    change(c, u, who, resp);
}
