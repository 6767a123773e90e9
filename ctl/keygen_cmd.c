/* luyuctl keygen: a CurveZMQ key pair for a hub or a node, as the two files
 * luyu-hub and luyu-node read (common/keys.h). */
#include <errno.h>
#include <stdio.h>

#include "args.h"
#include "ctl.h"
#include "keys.h"
#include "output.h"
#include "util.h"

static const char USAGE[] =
    "usage: luyuctl keygen --out BASE\n"
    "\n"
    "Makes a new CurveZMQ key pair: BASE.key (the secret key, mode 0600)\n"
    "and BASE.pub (the public key, 0644). Existing files are never\n"
    "overwritten. Prints the public key, for the hub's registry.\n"
    "\n"
    "  --out BASE   path of the key files without .key/.pub, e.g.\n"
    "               /etc/luyu/keys/cq-wanzhou\n";

int ctl_keygen_cmd(const struct ctl_global *g, int argc, char **argv)
{
    const char *out = NULL;
    const struct ctl_opt opts[] = {{"--out", CTL_OPT_VALUE, &out}};
    struct ctl_args a = {.cmd = "keygen", .opts = opts, .n_opts = 1};
    char path[4096], pub[LU_KEY_Z85_LEN + 1], err[512];
    struct lu_buf b;
    int r;

    r = ctl_args_parse(&a, argc, argv);
    if (r != CTL_EXIT_OK)
        return r;
    if (a.help)
        return ctl_output_usage(USAGE);
    if (out == NULL || out[0] == '\0')
        return ctl_args_bad(&a, "--out is required");
    r = lu_keys_generate(out, err, sizeof(err));
    /* Existing keys or a missing directory are for the admin to sort out;
     * anything else is the system's failure. */
    if (r < 0)
        return ctl_output_error(r == -EEXIST || r == -ENOENT ? CTL_EXIT_BAD
                                                             : CTL_EXIT_FAIL,
                                "%s", err);
    snprintf(path, sizeof(path), "%s.pub", out);
    if (lu_keys_load_public(path, pub, err, sizeof(err)) < 0)
        return ctl_output_error(CTL_EXIT_FAIL, "%s", err);
    lu_buf_init(&b);
    lu_buf_printf(&b, "%s\n", pub);
    r = ctl_output_write(&b);
    lu_buf_free(&b);
    return r;
}
