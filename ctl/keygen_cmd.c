/* luyuctl keygen: a CurveZMQ key pair for a hub or a node, as the two files
 * luyu-hub and luyu-node read (common/keys.h); with --sign, a hub's Ed25519
 * key pair for signing bulletins (common/sign.h). */
#include <errno.h>
#include <stdio.h>

#include "args.h"
#include "ctl.h"
#include "i18n.h"
#include "keys.h"
#include "output.h"
#include "sign.h"
#include "util.h"

static const char USAGE[] = N_(
    "usage: luyuctl keygen [--sign] --out BASE\n"
    "\n"
    "Makes a new CurveZMQ key pair: BASE.key (the secret key, mode 0600)\n"
    "and BASE.pub (the public key, 0644). Existing files are never\n"
    "overwritten. Prints the public key, for the hub's registry.\n"
    "\n"
    "  --out BASE   path of the key files without .key/.pub, e.g.\n"
    "               /etc/luyu/keys/cq-wanzhou\n"
    "  --sign       a hub's bulletin signing key pair instead: BASE.sign.key\n"
    "               (Ed25519 secret, 0600) and BASE.sign.pub (0644, what the\n"
    "               peer hub and luyuctl bulletin verify are given); prints\n"
    "               the public key in hex\n");

/* The error's exit code: existing keys or a missing directory are for the
 * admin to sort out; anything else is the system's failure. */
static int keygen_failed(int r, const char *err)
{
    return ctl_output_error(
        r == -EEXIST || r == -ENOENT ? CTL_EXIT_BAD : CTL_EXIT_FAIL, "%s", err);
}

static int sign_keygen(const char *out)
{
    uint8_t pub[LU_SIGN_PUBLIC_BYTES];
    char path[4096], hex[LU_SIGN_PUBLIC_HEX + 1], err[512];
    int r = lu_sign_keygen(out, err, sizeof(err));

    if (r < 0)
        return keygen_failed(r, err);
    snprintf(path, sizeof(path), "%s.sign.pub", out);
    if (lu_sign_load_public(path, pub, err, sizeof(err)) < 0)
        return ctl_output_error(CTL_EXIT_FAIL, "%s", err);
    printf("%s\n", lu_sign_public_hex(pub, hex));
    return fflush(stdout) == 0 ? CTL_EXIT_OK : CTL_EXIT_FAIL;
}

int ctl_keygen_cmd(const struct ctl_global *g, int argc, char **argv)
{
    const char *out = NULL, *sign = NULL;
    const struct ctl_opt opts[] = {{"--out", CTL_OPT_VALUE, &out},
                                   {"--sign", CTL_OPT_FLAG, &sign}};
    struct ctl_args a = {.cmd = "keygen", .opts = opts, .n_opts = 2};
    char path[4096], pub[LU_KEY_Z85_LEN + 1], err[512];
    struct lu_buf b;
    int r;

    r = ctl_args_parse(&a, argc, argv);
    if (r != CTL_EXIT_OK)
        return r;
    if (a.help)
        return ctl_output_usage(USAGE);
    if (out == NULL || out[0] == '\0')
        return ctl_args_bad(&a, _("--out is required"));
    if (sign != NULL)
        return sign_keygen(out);
    r = lu_keys_generate(out, err, sizeof(err));
    if (r < 0)
        return keygen_failed(r, err);
    snprintf(path, sizeof(path), "%s.pub", out);
    if (lu_keys_load_public(path, pub, err, sizeof(err)) < 0)
        return ctl_output_error(CTL_EXIT_FAIL, "%s", err);
    lu_buf_init(&b);
    lu_buf_printf(&b, "%s\n", pub);
    r = ctl_output_write(&b);
    lu_buf_free(&b);
    return r;
}
