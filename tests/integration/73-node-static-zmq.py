"""The node carries its own libzmq (issue 19, docs/DECISIONS.md "Issue 19,
twelfth round"): built with LUYU_NODE_STATIC_ZMQ (the default), luyu-node
links Debian's static libzmq, libpgm, libnorm and libstdc++, so that an
idle district node does not map Debian's shared libzmq and what it drags
in. Checked here as outcomes: the binary names none of those libraries
and exports none of their symbols; the running node, linked to its hub
over CURVE and with its web pages served once (which loads libmicrohttpd
and GnuTLS), maps none of them; and an entry it accepted reaches the
ledger once. Skipped (77) in a build configured with
-DLUYU_NODE_STATIC_ZMQ=OFF."""
import os
import subprocess
import urllib.request

from luyutest import (BIN, Cluster, Failure, check, compare_ids, free_port, run, say,
                      skip, wait_until)

N = "cq-wanzhou"
# libzmq and what came with it that the static link replaces.
REPLACED = ("libzmq.so", "libstdc++.so", "libpgm", "libnorm", "libprotokit")


def cache():
    """The build's CMakeCache.txt as a dict (empty if there is none)."""
    out = {}
    try:
        with open(os.path.join(BIN, "CMakeCache.txt")) as f:
            for line in f:
                if ":" in line and "=" in line and not line.startswith(("#", "//")):
                    k, v = line.rstrip("\n").split("=", 1)
                    out[k.split(":", 1)[0]] = v
    except OSError:
        pass
    return out


def on(v):
    return (v or "").upper() in ("ON", "1", "TRUE", "YES", "Y")


def readelf(*args):
    p = subprocess.run(["readelf"] + list(args), capture_output=True, timeout=60)
    if p.returncode != 0:
        raise Failure("readelf %s: %s" % (" ".join(args), p.stderr.decode()))
    return p.stdout.decode()


def needed(path):
    return [l.split("[", 1)[1].rstrip("]") for l in readelf("-d", path).splitlines()
            if "(NEEDED)" in l]


def mapped(pid):
    with open("/proc/%d/maps" % pid) as f:
        return sorted({os.path.basename(l.split()[5]) for l in f if len(l.split()) >= 6})


def main():
    cfg = cache()
    if "LUYU_NODE_STATIC_ZMQ" in cfg and not on(cfg["LUYU_NODE_STATIC_ZMQ"]):
        skip("built with LUYU_NODE_STATIC_ZMQ=OFF: the node links the shared libzmq")
    # The sanitizers' runtimes (libubsan, libtsan) load libstdc++.so
    # themselves; the node's own copy stays private (--exclude-libs).
    sanitized = any(on(cfg.get(k)) for k in ("LUYU_SANITIZE", "LUYU_TSAN", "LUYU_FUZZ"))
    not_mapped = tuple(r for r in REPLACED if not (sanitized and r == "libstdc++.so"))

    node_bin = os.path.join(BIN, "luyu-node")
    libs = needed(node_bin)
    say("  luyu-node needs: " + " ".join(libs))
    check(not [l for l in libs if l.startswith(REPLACED)],
          "the binary names none of " + ", ".join(REPLACED))
    dynsym = readelf("--dyn-syms", "-W", node_bin)
    exported = [l.split()[-1] for l in dynsym.splitlines()
                if len(l.split()) >= 8 and l.split()[6] != "UND"
                and l.split()[-1].startswith(("zmq_", "_ZNSt", "_ZSt", "__cxa_", "pgm_"))]
    check(not exported, "it exports none of their symbols: %s" % exported[:5])
    hub_libs = needed(os.path.join(BIN, "luyu-hub"))
    check([l for l in hub_libs if l.startswith("libzmq.so")],
          "the hub still links the shared libzmq: " + " ".join(hub_libs))

    c = Cluster("node-static-zmq")
    c.start_hub()
    port = free_port()
    d = c.start_node(N, N, ["--web", "127.0.0.1:%d" % port])
    wait_until(lambda: c.status(N)["link_up"], 30, "the node's CURVE link")
    with urllib.request.urlopen("http://127.0.0.1:%d/login" % port, timeout=30) as r:
        check(r.status == 200, "the node serves its sign-in page")
    maps = mapped(d.proc.pid)
    check("libmicrohttpd.so.12" in " ".join(maps), "libmicrohttpd is loaded")
    check(not [m for m in maps if m.startswith(not_mapped)],
          "the running node maps none of %s: %s" % (", ".join(not_mapped), " ".join(maps)))

    rc, out, err = c.ctl("submit", "--unit", N, "--indicator", "cadres_to_sd",
                         "--period", "2019-03", "--amount", "3", node=N, check_rc=0)
    wait_until(lambda: c.drained(N), 30, "the entry acknowledged")
    compare_ids([out.strip()], c.ledger_ids())


if __name__ == "__main__":
    run(main)
