#include "notify.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "xmalloc.h"

/* Fills sa from $NOTIFY_SOCKET's value and returns the address length to
 * pass to connect(), or a negative errno. An abstract name keeps its exact
 * length: it is not NUL-terminated and trailing bytes would be part of it. */
static int notify_addr(const char *name, struct sockaddr_un *sa,
                       socklen_t *salen)
{
    size_t len = strlen(name);

    if (name[0] != '/' && name[0] != '@')
        return -EAFNOSUPPORT;
    if (len < 2 || len >= sizeof(sa->sun_path))
        return len < 2 ? -EINVAL : -E2BIG;
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    memcpy(sa->sun_path, name, len);
    if (sa->sun_path[0] == '@')
        sa->sun_path[0] = '\0';
    *salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
    return 0;
}

int lu_notify(const char *state)
{
    const char *name = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa;
    socklen_t salen;
    size_t len;
    ssize_t n;
    int fd = -1, r;

    if (name == NULL)
        return 0;
    if (state == NULL || (len = strlen(state)) == 0)
        return -EINVAL;
    r = notify_addr(name, &sa, &salen);
    if (r < 0)
        return r;
    /* A fresh socket each time: notifications are a few a second at most,
     * and no descriptor has to survive reloads or leak into children. */
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&sa, salen) < 0) {
        r = -errno;
        goto out;
    }
    do {
        n = send(fd, state, len, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        r = -errno;
    else if ((size_t)n != len)
        r = -EPROTO;
out:
    close(fd);
    return r;
}

int lu_notifyf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    int n, r;

    if (getenv("NOTIFY_SOCKET") == NULL)
        return 0;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -EINVAL;
    s = lu_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    r = lu_notify(s);
    free(s);
    return r;
}

int lu_notify_reloading(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return lu_notifyf("RELOADING=1\nMONOTONIC_USEC=%llu",
                      (unsigned long long)ts.tv_sec * 1000000ULL +
                          (unsigned long long)ts.tv_nsec / 1000ULL);
}

uint64_t lu_notify_watchdog_ms(void)
{
    const char *usec = getenv("WATCHDOG_USEC");
    const char *pid = getenv("WATCHDOG_PID");
    uint64_t v, p;

    if (usec == NULL || lu_parse_u64(usec, &v) < 0 || v == 0)
        return 0;
    /* The variables are inherited by children; WATCHDOG_PID says whose
     * watchdog it is. */
    if (pid != NULL && (lu_parse_u64(pid, &p) < 0 || p != (uint64_t)getpid()))
        return 0;
    return v / 1000 + (v % 1000 != 0);
}
