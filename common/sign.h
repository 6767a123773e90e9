/* Ed25519 signatures (libsodium) for bulletins: key files, signing and
 * verifying. A signing key pair is two files: BASE.sign.key holds the
 * 64-byte secret key and BASE.sign.pub the 32-byte public key, each as one
 * line of lower-case hex. As with the CurveZMQ keys (common/keys.h), the
 * secret file must be readable by its owner only, and nothing here ever
 * logs a secret. */
#ifndef LU_SIGN_H
#define LU_SIGN_H

#include <stddef.h>
#include <stdint.h>

#define LU_SIGN_PUBLIC_BYTES 32
#define LU_SIGN_SECRET_BYTES 64
#define LU_SIGN_BYTES 64
#define LU_SIGN_PUBLIC_HEX (2 * LU_SIGN_PUBLIC_BYTES)

/* A loaded key pair. Wipe it with lu_sign_key_wipe() when done. */
struct lu_sign_key {
    uint8_t secret[LU_SIGN_SECRET_BYTES];
    uint8_t pub[LU_SIGN_PUBLIC_BYTES];
};

/* Initialises libsodium once per process; every other function here calls
 * it, so callers need not. -EIO when libsodium cannot start. */
int lu_sign_init(void);

/* Writes a new key pair to base.sign.pub (0644) and base.sign.key (0600),
 * refusing to overwrite existing files. */
int lu_sign_keygen(const char *base, char *err, size_t errlen);

/* Reads a secret key file, refusing one that group or others may read, and
 * checks that it holds a consistent Ed25519 key pair. */
int lu_sign_load_secret(const char *path, struct lu_sign_key *key, char *err,
                        size_t errlen);

/* Reads a public key file (or a file whose first line is the hex key). */
int lu_sign_load_public(const char *path, uint8_t pub[LU_SIGN_PUBLIC_BYTES],
                        char *err, size_t errlen);

/* Parses 64 hex digits into a public key; -EINVAL otherwise. */
int lu_sign_parse_public(const char *hex, uint8_t pub[LU_SIGN_PUBLIC_BYTES]);

/* Formats a public key as 64 lower-case hex digits into hex (65 bytes). */
char *lu_sign_public_hex(const uint8_t pub[LU_SIGN_PUBLIC_BYTES], char *hex);

void lu_sign_key_wipe(struct lu_sign_key *key);

/* Signs msg; sig receives LU_SIGN_BYTES bytes. */
int lu_sign_sign(const struct lu_sign_key *key, const void *msg, size_t len,
                 uint8_t sig[LU_SIGN_BYTES]);

/* Returns 0 when sig (siglen bytes) is a valid signature of msg by pub,
 * -EBADMSG when it is not (including a signature of the wrong length). */
int lu_sign_verify(const uint8_t pub[LU_SIGN_PUBLIC_BYTES], const void *msg,
                   size_t len, const uint8_t *sig, size_t siglen);

#endif
