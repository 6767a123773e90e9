/* Tests for common/sign.c: key files are written with the right modes and
 * never overwritten, a secret key others can read is refused with a clear
 * message, damaged key files are refused, and a signature verifies with
 * the right key only and over the exact bytes. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sign.h"
#include "test.h"

static char dir[] = "/tmp/luyu-test-sign-XXXXXX";

static void write_text(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");

    ASSERT_TRUE(f != NULL);
    if (f == NULL)
        return;
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static unsigned mode_of(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? (unsigned)(st.st_mode & 0777) : 0;
}

static void test_keygen(struct lu_sign_key *key)
{
    char base[1024], sec[4096], pub[4096], err[512] = "";
    uint8_t pk[LU_SIGN_PUBLIC_BYTES];

    snprintf(base, sizeof(base), "%s/hub", dir);
    snprintf(sec, sizeof(sec), "%s.sign.key", base);
    snprintf(pub, sizeof(pub), "%s.sign.pub", base);
    ASSERT_EQ(lu_sign_keygen(base, err, sizeof(err)), 0);
    ASSERT_EQ(mode_of(sec), 0600);
    ASSERT_EQ(mode_of(pub), 0644);
    ASSERT_EQ(lu_sign_keygen(base, err, sizeof(err)), -EEXIST);
    ASSERT_CONTAINS(err, "hub.sign.key");
    ASSERT_EQ(lu_sign_load_secret(sec, key, err, sizeof(err)), 0);
    ASSERT_EQ(lu_sign_load_public(pub, pk, err, sizeof(err)), 0);
    ASSERT_TRUE(memcmp(pk, key->pub, sizeof(pk)) == 0);

    chmod(sec, 0640);
    ASSERT_EQ(lu_sign_load_secret(sec, key, err, sizeof(err)), -EPERM);
    ASSERT_CONTAINS(err, "readable by others (mode 0640); run chmod 600");
    chmod(sec, 0600);
    ASSERT_EQ(lu_sign_load_secret(sec, key, err, sizeof(err)), 0);
}

static void test_bad_files(void)
{
    char path[4096], err[512] = "", hex[2 * LU_SIGN_SECRET_BYTES + 2];
    struct lu_sign_key key;
    uint8_t pk[LU_SIGN_PUBLIC_BYTES];

    snprintf(path, sizeof(path), "%s/bad.sign.key", dir);
    write_text(path, "not hex at all\n", 0600);
    ASSERT_EQ(lu_sign_load_secret(path, &key, err, sizeof(err)), -EINVAL);
    ASSERT_CONTAINS(err, "does not hold 128 hex digits");
    /* 64 bytes of hex whose public half does not belong to its seed. */
    memset(hex, 'a', 2 * LU_SIGN_SECRET_BYTES);
    strcpy(hex + 2 * LU_SIGN_SECRET_BYTES, "\n");
    write_text(path, hex, 0600);
    ASSERT_EQ(lu_sign_load_secret(path, &key, err, sizeof(err)), -EINVAL);
    ASSERT_CONTAINS(err, "not a valid Ed25519 key");
    snprintf(path, sizeof(path), "%s/missing.sign.pub", dir);
    ASSERT_EQ(lu_sign_load_public(path, pk, err, sizeof(err)), -ENOENT);
    ASSERT_EQ(lu_sign_parse_public("  00ff", pk), -EINVAL);
    memset(hex, '0', 64);
    strcpy(hex + 64, " \n");
    ASSERT_EQ(lu_sign_parse_public(hex, pk), 0);
    strcpy(hex + 64, " x");
    ASSERT_EQ(lu_sign_parse_public(hex, pk), -EINVAL);
}

static void test_sign_verify(const struct lu_sign_key *key)
{
    static const char msg[] = "鲁渝 bulletin 2019-07";
    uint8_t sig[LU_SIGN_BYTES], other[LU_SIGN_PUBLIC_BYTES];
    char hex[LU_SIGN_PUBLIC_HEX + 1];

    ASSERT_EQ(lu_sign_sign(key, msg, sizeof(msg), sig), 0);
    ASSERT_EQ(lu_sign_verify(key->pub, msg, sizeof(msg), sig, sizeof(sig)), 0);
    ASSERT_EQ(lu_sign_verify(key->pub, msg, sizeof(msg) - 1, sig, sizeof(sig)),
              -EBADMSG);
    ASSERT_EQ(lu_sign_verify(key->pub, msg, sizeof(msg), sig, 63), -EBADMSG);
    sig[10] ^= 1;
    ASSERT_EQ(lu_sign_verify(key->pub, msg, sizeof(msg), sig, sizeof(sig)),
              -EBADMSG);
    sig[10] ^= 1;
    memcpy(other, key->pub, sizeof(other));
    other[0] ^= 1;
    ASSERT_EQ(lu_sign_verify(other, msg, sizeof(msg), sig, sizeof(sig)),
              -EBADMSG);
    /* The hex form round-trips. */
    lu_sign_public_hex(key->pub, hex);
    ASSERT_EQ(strlen(hex), 64);
    ASSERT_EQ(lu_sign_parse_public(hex, other), 0);
    ASSERT_TRUE(memcmp(other, key->pub, sizeof(other)) == 0);
}

int main(void)
{
    struct lu_sign_key key;

    ASSERT_TRUE(mkdtemp(dir) != NULL);
    ASSERT_EQ(lu_sign_init(), 0);
    test_keygen(&key);
    test_bad_files();
    test_sign_verify(&key);
    lu_sign_key_wipe(&key);
    test_rm_dir(dir);
    TEST_DONE();
}
