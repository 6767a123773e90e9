#include "endpoint.h"

#include <string.h>

bool lu_endpoint_valid(const char *ep)
{
    return (strncmp(ep, "tcp://", 6) == 0 && ep[6] != '\0') ||
           (strncmp(ep, "ipc://", 6) == 0 && ep[6] != '\0') ||
           (strncmp(ep, "inproc://", 9) == 0 && ep[9] != '\0');
}

bool lu_endpoint_is_local(const char *ep)
{
    const char *host;

    if (strncmp(ep, "ipc://", 6) == 0 || strncmp(ep, "inproc://", 9) == 0)
        return true;
    if (strncmp(ep, "tcp://", 6) != 0)
        return false;
    host = ep + 6;
    /* "tcp://iface;host:port" names a source; judge the destination. */
    if (strchr(host, ';'))
        host = strchr(host, ';') + 1;
    return strncmp(host, "127.", 4) == 0 ||
           strncmp(host, "localhost:", 10) == 0 ||
           strncmp(host, "[::1]:", 6) == 0;
}

bool lu_endpoint_next(const char **list, char *out, size_t len)
{
    const char *p = *list + strspn(*list, ", \t");
    size_t n = strcspn(p, ", \t");

    *list = p + n;
    if (len > 0)
        out[0] = '\0';
    if (n == 0 || n >= len)
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}
