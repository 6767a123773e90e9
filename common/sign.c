#include "sign.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "i18n.h"

/* Key files are one line; anything bigger is not a key file. */
#define KEY_FILE_MAX 4096

int lu_sign_init(void)
{
    /* sodium_init() is itself safe to call again and from several
     * threads; it returns 1 when already done. */
    return sodium_init() < 0 ? -EIO : 0;
}

void lu_sign_key_wipe(struct lu_sign_key *key)
{
    sodium_memzero(key, sizeof(*key));
}

int lu_sign_keygen(const char *base, char *err, size_t errlen)
{
    struct lu_sign_key key;
    char path[4096], line[2 * LU_SIGN_SECRET_BYTES + 2];
    int r = lu_sign_init();

    if (r < 0) {
        snprintf(err, errlen, _("libsodium cannot start"));
        return r;
    }
    crypto_sign_keypair(key.pub, key.secret);
    snprintf(path, sizeof(path), "%s.sign.key", base);
    sodium_bin2hex(line, sizeof(line) - 1, key.secret, sizeof(key.secret));
    strcat(line, "\n");
    r = lu_write_new_file(path, line, 0600, err, errlen);
    if (r < 0)
        goto out;
    snprintf(path, sizeof(path), "%s.sign.pub", base);
    sodium_bin2hex(line, sizeof(line) - 1, key.pub, sizeof(key.pub));
    strcat(line, "\n");
    r = lu_write_new_file(path, line, 0644, err, errlen);
    if (r < 0) {
        snprintf(path, sizeof(path), "%s.sign.key", base);
        unlink(path);
    }
out:
    sodium_memzero(line, sizeof(line));
    lu_sign_key_wipe(&key);
    return r;
}

/* Decodes exactly len bytes of hex from the first word of s. */
static int parse_hex(const char *s, uint8_t *out, size_t len)
{
    size_t n = strcspn(s, " \t\r\n"), got = 0;

    if (n != 2 * len)
        return -EINVAL;
    if (sodium_hex2bin(out, len, s, n, NULL, &got, NULL) != 0 || got != len)
        return -EINVAL;
    return 0;
}

int lu_sign_parse_public(const char *hex, uint8_t pub[LU_SIGN_PUBLIC_BYTES])
{
    size_t n;

    /* One word, with nothing but blanks around it. */
    hex += strspn(hex, " \t");
    n = strcspn(hex, " \t\r\n");
    if (hex[n + strspn(hex + n, " \t\r\n")] != '\0')
        return -EINVAL;
    return parse_hex(hex, pub, LU_SIGN_PUBLIC_BYTES);
}

char *lu_sign_public_hex(const uint8_t pub[LU_SIGN_PUBLIC_BYTES], char *hex)
{
    sodium_bin2hex(hex, LU_SIGN_PUBLIC_HEX + 1, pub, LU_SIGN_PUBLIC_BYTES);
    return hex;
}

/* Reads a key file's first word as len bytes of hex. */
static int read_key(const char *path, const char *what, uint8_t *out,
                    size_t len, char *err, size_t errlen)
{
    char *data = NULL, *p;
    size_t n = 0;
    int r;

    r = lu_read_file(path, KEY_FILE_MAX, &data, &n);
    if (r < 0) {
        snprintf(err, errlen, _("%s file %s: %s"), what, path, strerror(-r));
        goto out;
    }
    p = data + strspn(data, " \t");
    r = parse_hex(p, out, len);
    if (r < 0)
        snprintf(err, errlen, _("%s file %s does not hold %zu hex digits"),
                 what, path, 2 * len);
out:
    if (data)
        sodium_memzero(data, n);
    free(data);
    return r;
}

int lu_sign_load_public(const char *path, uint8_t pub[LU_SIGN_PUBLIC_BYTES],
                        char *err, size_t errlen)
{
    return read_key(path, "signing public key", pub, LU_SIGN_PUBLIC_BYTES, err,
                    errlen);
}

int lu_sign_load_secret(const char *path, struct lu_sign_key *key, char *err,
                        size_t errlen)
{
    uint8_t pk[LU_SIGN_PUBLIC_BYTES], sk[LU_SIGN_SECRET_BYTES];
    struct stat st;
    int r = lu_sign_init();

    if (r == 0 && stat(path, &st) < 0) {
        r = -errno;
        snprintf(err, errlen, _("signing key file %s: %s"), path, strerror(-r));
    } else if (r == 0 && (st.st_mode & 077)) {
        snprintf(err, errlen,
                 _("signing key file %s is readable by others (mode %04o); "
                   "run chmod 600 on it"),
                 path, (unsigned)(st.st_mode & 07777));
        r = -EPERM;
    } else if (r == 0) {
        r = read_key(path, "signing key", key->secret, LU_SIGN_SECRET_BYTES,
                     err, errlen);
    }
    /* The secret key is seed + public key; a file whose halves disagree
     * (a copy-paste accident) would sign with a key nobody can verify. */
    if (r == 0 && (crypto_sign_seed_keypair(pk, sk, key->secret) != 0 ||
                   memcmp(pk, key->secret + 32, sizeof(pk)) != 0)) {
        snprintf(err, errlen, _("signing key file %s: not a valid Ed25519 key"),
                 path);
        r = -EINVAL;
    }
    if (r == 0)
        memcpy(key->pub, pk, sizeof(pk));
    else
        lu_sign_key_wipe(key);
    sodium_memzero(sk, sizeof(sk));
    return r;
}

int lu_sign_sign(const struct lu_sign_key *key, const void *msg, size_t len,
                 uint8_t sig[LU_SIGN_BYTES])
{
    int r = lu_sign_init();

    if (r == 0 && crypto_sign_detached(sig, NULL, msg, len, key->secret) != 0)
        r = -EIO;
    return r;
}

int lu_sign_verify(const uint8_t pub[LU_SIGN_PUBLIC_BYTES], const void *msg,
                   size_t len, const uint8_t *sig, size_t siglen)
{
    if (lu_sign_init() < 0)
        return -EIO;
    if (sig == NULL || siglen != LU_SIGN_BYTES)
        return -EBADMSG;
    return crypto_sign_verify_detached(sig, msg, len, pub) == 0 ? 0 : -EBADMSG;
}
