#include "groups.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include "xmalloc.h"

/* getgrouplist() wants a buffer big enough; NGROUPS_MAX is 65536 on Linux
 * but people belong to a handful. */
#define FIRST_GUESS 64

int lu_groups_member(const char *user, const char *group)
{
    struct passwd pw, *pres = NULL;
    struct group gr, *gres = NULL;
    char pbuf[4096], gbuf[16384];
    gid_t *gids = NULL;
    int n = FIRST_GUESS, r = 0;

    if (getpwnam_r(user, &pw, pbuf, sizeof(pbuf), &pres) != 0 || pres == NULL ||
        getgrnam_r(group, &gr, gbuf, sizeof(gbuf), &gres) != 0 || gres == NULL)
        return -ENOENT;
    gids = lu_xcalloc((size_t)n, sizeof(*gids));
    if (getgrouplist(user, pw.pw_gid, gids, &n) < 0) {
        gids = lu_xrealloc(gids, (size_t)n * sizeof(*gids));
        if (getgrouplist(user, pw.pw_gid, gids, &n) < 0)
            n = 0;
    }
    for (int i = 0; i < n && r == 0; i++)
        r = gids[i] == gr.gr_gid;
    free(gids);
    return r;
}
