/* CurveZMQ key files. A key pair is two files: NAME.pub holds the public key
 * and NAME.key the secret key, each as one line of Z85 text (40 chars). The
 * secret file must be readable by its owner only: loading refuses it
 * otherwise, and nothing here ever logs a secret. */
#ifndef LU_KEYS_H
#define LU_KEYS_H

#include <stddef.h>

#define LU_KEY_Z85_LEN 40

/* Writes a new key pair to path_base.pub (0644) and path_base.key (0600),
 * refusing to overwrite existing files. */
int lu_keys_generate(const char *path_base, char *err, size_t errlen);

/* Reads a public key file (or a line holding a Z85 key) into z85 (41
 * bytes). */
int lu_keys_load_public(const char *path, char *z85, char *err, size_t errlen);

/* Reads a secret key file, checking its permissions, and derives the public
 * key. Both outputs hold 41 bytes. */
int lu_keys_load_secret(const char *path, char *secret_z85, char *public_z85,
                        char *err, size_t errlen);

/* True when s is 40 chars of valid Z85 that decode to 32 bytes. */
int lu_keys_z85_valid(const char *s);

#endif
