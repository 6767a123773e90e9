/* luyuctl feed: subscribes to a hub's live feed (hub/feed.h) and prints one
 * readable line per merged entry, reject, node up/down and bulletin event
 * as they happen, or the raw JSON with --json. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "args.h"
#include "ctl.h"
#include "i18n.h"
#include "json.h"
#include "keys.h"
#include "output.h"
#include "util.h"

static const char USAGE[] = N_(
    "usage: luyuctl feed [--hub ENDPOINT] [--unit U] [--indicator I] [--json]\n"
    "                    [--count N] [--timeout S]\n"
    "                    [--hub-key FILE.pub --secret-key FILE.key]\n"
    "\n"
    "Prints what the hub merges as it happens: entries, rejects, nodes going\n"
    "up and down, bulletins. ENDPOINT is the hub's feed (its `feed` setting;\n"
    "default $LUYU_FEED, else tcp://127.0.0.1:7702). A tcp:// feed, loopback\n"
    "included, is CurveZMQ: give the hub's public key and a key in its\n"
    "registry. An ipc:// feed is plain; its file mode decides who reads.\n"
    "\n"
    "  --unit U, --indicator I  only entries and rejects of that unit or\n"
    "                           indicator\n"
    "  --json                   one JSON object per line, with a \"topic\"\n"
    "  --count N                exit 0 after N events\n"
    "  --timeout S              exit 1 if nothing arrives for S seconds\n");

/* Copies the string value of "key" from one of the hub's own JSON objects
 * (flat, keys unique) into out, unescaping \" and \\. */
static const char *field(const char *json, const char *key, char *out,
                         size_t len)
{
    char pat[64];
    const char *p;
    size_t n = 0;

    snprintf(pat, sizeof(pat), "\"%s\":\"", key);
    p = strstr(json, pat);
    out[0] = '\0';
    if (p == NULL)
        return out;
    for (p += strlen(pat); *p && *p != '"' && n + 1 < len; p++) {
        if (*p == '\\' && p[1])
            p++;
        out[n++] = *p;
    }
    out[n] = '\0';
    return out;
}

static void print_event(const char *topic, const char *json, int as_json)
{
    char a[128], b[128], c[128], d[128], e[128], f[256], g[128], h[256];

    if (as_json) {
        /* The event is the hub's own JSON object, passed through; the
         * topic is quoted by the writer. */
        struct lu_buf line;

        lu_buf_init(&line);
        lu_buf_adds(&line, "{\"topic\":");
        lu_json_quote(&line, topic, strlen(topic));
        lu_buf_printf(&line, ",\"event\":%s}\n", json);
        fputs(line.data, stdout);
        lu_buf_free(&line);
    } else if (strncmp(topic, "entry.", 6) == 0 ||
               strncmp(topic, "reject.", 7) == 0) {
        int rej = topic[0] == 'r';

        /* Each field in its own buffer: printf reads them all at once. */
        printf(_("%s %-14s %-24s %s %s %s  (%s by %s)%s%s\n"),
               rej ? _("REJECT") : _("entry "),
               field(json, "unit", a, sizeof(a)),
               field(json, "indicator", b, sizeof(b)),
               field(json, "period", c, sizeof(c)),
               field(json, "amount", d, sizeof(d)),
               field(json, "base_unit", e, sizeof(e)),
               field(json, "id", f, sizeof(f)),
               field(json, "recorded_by", g, sizeof(g)), rej ? ": " : "",
               rej ? field(json, "reason", h, sizeof(h)) : "");
    } else if (strncmp(topic, "project.", 8) == 0) {
        char k[32], st[32], by[128];

        printf(_("project %s %s %s by %s\n"),
               field(json, "project", a, sizeof(a)),
               field(json, "kind", k, sizeof(k)),
               field(json, "stage", st, sizeof(st)),
               field(json, "recorded_by", by, sizeof(by)));
    } else if (strncmp(topic, "node.", 5) == 0) {
        printf(_("node   %s %s\n"), field(json, "node", a, sizeof(a)),
               topic + 5);
    } else {
        printf("%-6s %s\n", _("event"), topic);
        printf("       %s\n", json);
    }
    fflush(stdout);
}

static int set_keys(void *sock, const char *hub_key, const char *secret_key)
{
    char server[LU_KEY_Z85_LEN + 1], pub[LU_KEY_Z85_LEN + 1],
        sec[LU_KEY_Z85_LEN + 1], err[512];

    if (lu_keys_load_public(hub_key, server, err, sizeof(err)) < 0 ||
        lu_keys_load_secret(secret_key, sec, pub, err, sizeof(err)) < 0)
        return ctl_output_error(CTL_EXIT_BAD, "%s", err);
    zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, server, 40);
    zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, pub, 40);
    zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, sec, 40);
    return CTL_EXIT_OK;
}

static int matches(const char *topic, const char *unit, const char *ind)
{
    const char *dot = strchr(topic, '.'), *dot2;
    size_t ulen;

    if (unit == NULL && ind == NULL)
        return 1;
    if (strncmp(topic, "entry.", 6) && strncmp(topic, "reject.", 7))
        return 0;
    dot2 = strchr(dot + 1, '.');
    if (dot2 == NULL)
        return 0;
    ulen = (size_t)(dot2 - dot - 1);
    if (unit && (strlen(unit) != ulen || strncmp(dot + 1, unit, ulen)))
        return 0;
    return ind == NULL || strcmp(dot2 + 1, ind) == 0;
}

static int loop(void *sock, const char *unit, const char *ind, int as_json,
                long count, long timeout_s)
{
    long seen = 0;

    while (count <= 0 || seen < count) {
        zmq_pollitem_t it = {sock, 0, ZMQ_POLLIN, 0};
        char topic[256], json[8192];
        int tn, jn, more = 0;
        size_t ml = sizeof(more);

        if (zmq_poll(&it, 1, timeout_s > 0 ? timeout_s * 1000 : -1) <= 0)
            return ctl_output_error(CTL_EXIT_FAIL, _("no event for %ld s"),
                                    timeout_s);
        tn = zmq_recv(sock, topic, sizeof(topic) - 1, 0);
        zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &ml);
        jn = more ? zmq_recv(sock, json, sizeof(json) - 1, 0) : 0;
        if (tn < 0 || jn < 0 || tn >= (int)sizeof(topic) ||
            jn >= (int)sizeof(json))
            continue;
        topic[tn] = json[jn] = '\0';
        if (!matches(topic, unit, ind))
            continue;
        print_event(topic, json, as_json);
        seen++;
    }
    return CTL_EXIT_OK;
}

int ctl_feed_cmd(const struct ctl_global *g, int argc, char **argv)
{
    const char *hub = NULL, *unit = NULL, *ind = NULL, *json = NULL,
               *count = NULL, *timeout = NULL, *hub_key = NULL, *sec = NULL;
    const struct ctl_opt opts[] = {
        {"--hub", CTL_OPT_VALUE, &hub},
        {"--unit", CTL_OPT_VALUE, &unit},
        {"--indicator", CTL_OPT_VALUE, &ind},
        {"--json", CTL_OPT_FLAG, &json},
        {"--count", CTL_OPT_VALUE, &count},
        {"--timeout", CTL_OPT_VALUE, &timeout},
        {"--hub-key", CTL_OPT_VALUE, &hub_key},
        {"--secret-key", CTL_OPT_VALUE, &sec},
    };
    struct ctl_args a = {.cmd = "feed", .opts = opts, .n_opts = 8};
    uint64_t n_count = 0, n_timeout = 0;
    void *ctx = NULL, *sock = NULL;
    int r, linger = 0;

    r = ctl_args_parse(&a, argc, argv);
    if (r != CTL_EXIT_OK || a.help)
        return a.help ? ctl_output_usage(USAGE) : r;
    if ((count && lu_parse_u64(count, &n_count) < 0) ||
        (timeout && lu_parse_u64(timeout, &n_timeout) < 0))
        return ctl_args_bad(&a, _("--count and --timeout take whole numbers"));
    if ((hub_key == NULL) != (sec == NULL))
        return ctl_args_bad(&a, _("--hub-key and --secret-key go together"));
    if (hub == NULL)
        hub =
            getenv("LUYU_FEED") ? getenv("LUYU_FEED") : "tcp://127.0.0.1:7702";
    /* The hub serves a TCP feed only over CurveZMQ: without keys the
     * handshake would fail and luyuctl would wait in silence. */
    if (strncmp(hub, "tcp://", 6) == 0 && hub_key == NULL)
        return ctl_args_bad(&a, _("a tcp:// feed is CurveZMQ: give --hub-key "
                                  "and --secret-key (a key in the hub's "
                                  "registry), or read the hub's ipc:// "
                                  "feed"));
    ctx = zmq_ctx_new();
    sock = zmq_socket(ctx, ZMQ_SUB);
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof(linger));
    r = hub_key ? set_keys(sock, hub_key, sec) : CTL_EXIT_OK;
    if (r == CTL_EXIT_OK && zmq_connect(sock, hub) < 0)
        r = ctl_output_error(CTL_EXIT_BAD, _("cannot connect to feed %s: %s"),
                             hub, zmq_strerror(zmq_errno()));
    if (r == CTL_EXIT_OK) {
        zmq_setsockopt(sock, ZMQ_SUBSCRIBE, "", 0);
        r = loop(sock, unit, ind, json != NULL, (long)n_count, (long)n_timeout);
    }
    zmq_close(sock);
    zmq_ctx_term(ctx);
    return r;
}
