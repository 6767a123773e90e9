#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "util.h"
#include "i18n.h"

int lu_keys_z85_valid(const char *s)
{
    uint8_t raw[32];

    return strlen(s) == LU_KEY_Z85_LEN && zmq_z85_decode(raw, s) != NULL;
}

int lu_keys_generate(const char *base, char *err, size_t errlen)
{
    char pub[LU_KEY_Z85_LEN + 1], sec[LU_KEY_Z85_LEN + 1];
    char path[4096], line[64];
    int r;

    if (zmq_curve_keypair(pub, sec) < 0) {
        snprintf(err, errlen,
                 _("cannot make a key pair: %s (libzmq without "
                   "CURVE?)"),
                 zmq_strerror(zmq_errno()));
        return -ENOTSUP;
    }
    snprintf(path, sizeof(path), "%s.key", base);
    snprintf(line, sizeof(line), "%s\n", sec);
    r = lu_write_new_file(path, line, 0600, err, errlen);
    if (r < 0)
        goto out;
    snprintf(path, sizeof(path), "%s.pub", base);
    snprintf(line, sizeof(line), "%s\n", pub);
    r = lu_write_new_file(path, line, 0644, err, errlen);
    if (r < 0) {
        snprintf(path, sizeof(path), "%s.key", base);
        unlink(path);
    }
out:
    memset(sec, 0, sizeof(sec));
    memset(line, 0, sizeof(line));
    return r;
}

/* Reads the first line of a small key file into z85. */
static int read_key(const char *path, char *z85, char *err, size_t errlen)
{
    char *data = NULL, *p;
    size_t len = 0;
    int r;

    r = lu_read_file(path, 4096, &data, &len);
    if (r < 0) {
        snprintf(err, errlen, _("key file %s: %s"), path, strerror(-r));
        goto out;
    }
    p = data;
    while (*p == ' ' || *p == '\t')
        p++;
    p[strcspn(p, " \t\r\n")] = '\0';
    if (!lu_keys_z85_valid(p)) {
        snprintf(err, errlen,
                 _("key file %s does not hold a 40-character Z85 "
                   "key"),
                 path);
        r = -EINVAL;
        goto out;
    }
    memcpy(z85, p, LU_KEY_Z85_LEN + 1);
out:
    if (data)
        memset(data, 0, len);
    free(data);
    return r;
}

int lu_keys_load_public(const char *path, char *z85, char *err, size_t errlen)
{
    return read_key(path, z85, err, errlen);
}

int lu_keys_load_secret(const char *path, char *secret_z85, char *public_z85,
                        char *err, size_t errlen)
{
    struct stat st;
    int r;

    if (stat(path, &st) < 0) {
        snprintf(err, errlen, _("secret key file %s: %s"), path,
                 strerror(errno));
        return -errno;
    }
    if (st.st_mode & 077) {
        snprintf(err, errlen,
                 _("secret key file %s is readable by others "
                   "(mode %04o); run chmod 600 on it"),
                 path, (unsigned)(st.st_mode & 07777));
        return -EPERM;
    }
    r = read_key(path, secret_z85, err, errlen);
    if (r < 0)
        return r;
    if (zmq_curve_public(public_z85, secret_z85) < 0) {
        snprintf(err, errlen,
                 _("secret key file %s: cannot derive the public "
                   "key"),
                 path);
        return -EINVAL;
    }
    return 0;
}
