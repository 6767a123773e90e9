/* Unix group membership, for the roles the control sockets grant by group
 * (issue 16: the node's and the province's reviewers). The user is the
 * name the control socket resolved from SO_PEERCRED (common/ctlserver.h),
 * never something the client said. */
#ifndef LU_GROUPS_H
#define LU_GROUPS_H

/* 1 when user has group as its primary or a supplementary group, 0 when
 * not, -ENOENT when the user or the group does not exist. */
int lu_groups_member(const char *user, const char *group);

#endif
