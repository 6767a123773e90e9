#include "ctlmsg.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "i18n.h"
#include "util.h"
#include "xmalloc.h"

uint32_t lu_ctl_len(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

void lu_ctl_put_len(unsigned char *p, uint32_t len)
{
    p[0] = (unsigned char)(len >> 24);
    p[1] = (unsigned char)(len >> 16);
    p[2] = (unsigned char)(len >> 8);
    p[3] = (unsigned char)len;
}

static int io_all(int fd, void *buf, size_t len, int writing, uint64_t deadline)
{
    size_t done = 0;

    while (done < len) {
        struct pollfd p = {fd, writing ? POLLOUT : POLLIN, 0};
        uint64_t now = lu_mono_ms();
        ssize_t n;

        if (now >= deadline)
            return -ETIMEDOUT;
        if (poll(&p, 1, (int)(deadline - now)) < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (writing)
            n = send(fd, (char *)buf + done, len - done, MSG_NOSIGNAL);
        else
            n = recv(fd, (char *)buf + done, len - done, 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -ECONNRESET;
        done += (size_t)n;
    }
    return 0;
}

int lu_ctl_call(const char *path, const Luyu__CtlRequest *req, int timeout_ms,
                Luyu__CtlResponse **resp, char *err, size_t errlen)
{
    return lu_ctl_call_to("luyu-node", path, req, timeout_ms, resp, err,
                          errlen);
}

int lu_ctl_call_to(const char *daemon, const char *path,
                   const Luyu__CtlRequest *req, int timeout_ms,
                   Luyu__CtlResponse **resp, char *err, size_t errlen)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    uint64_t deadline = lu_mono_ms() + (uint64_t)timeout_ms;
    unsigned char hdr[4];
    unsigned char *buf = NULL;
    size_t len;
    uint32_t rlen;
    int fd = -1, r;

    *resp = NULL;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        snprintf(err, errlen, _("control socket path too long: %s"), path);
        r = -ENAMETOOLONG;
        goto out;
    }
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        r = -errno;
        snprintf(err, errlen, _("cannot reach %s at %s: %s (is it running?)"),
                 daemon, path, strerror(errno));
        goto out;
    }
    len = luyu__ctl_request__get_packed_size(req);
    if (len > LU_CTL_MAX_MSG) {
        snprintf(err, errlen,
                 _("request of %zu bytes is over the %u-byte limit; split it"),
                 len, LU_CTL_MAX_MSG);
        r = -EMSGSIZE;
        goto out;
    }
    buf = lu_xmalloc(len + 4);
    lu_ctl_put_len(buf, (uint32_t)len);
    luyu__ctl_request__pack(req, buf + 4);
    r = io_all(fd, buf, len + 4, 1, deadline);
    if (r == 0)
        r = io_all(fd, hdr, 4, 0, deadline);
    if (r < 0) {
        snprintf(err, errlen, _("talking to %s at %s: %s"), daemon, path,
                 strerror(-r));
        goto out;
    }
    rlen = lu_ctl_len(hdr);
    if (rlen > LU_CTL_MAX_MSG) {
        snprintf(err, errlen, _("%s sent an oversized answer"), daemon);
        r = -EMSGSIZE;
        goto out;
    }
    free(buf);
    buf = lu_xmalloc(rlen ? rlen : 1);
    r = io_all(fd, buf, rlen, 0, deadline);
    if (r < 0) {
        snprintf(err, errlen, _("reading the answer of %s: %s"), daemon,
                 strerror(-r));
        goto out;
    }
    *resp = luyu__ctl_response__unpack(NULL, rlen, buf);
    if (*resp == NULL) {
        snprintf(err, errlen, _("%s sent an undecodable answer"), daemon);
        r = -EBADMSG;
    }
out:
    free(buf);
    if (fd >= 0)
        close(fd);
    return r;
}
