"""The node carries its own libzmq (issue 19, docs/DECISIONS.md "Issue 19,
twelfth round"): built with LUYU_NODE_STATIC_ZMQ (the default), luyu-node
links Debian's static libzmq, libpgm, libnorm and libstdc++, so that an
idle district node does not map Debian's shared libzmq and the libraries
it drags in. Checked here as outcomes: the binary names none of those
libraries, the running node maps none of them, and it still does what the
shared libzmq did for it: a CURVE handshake with the hub (and a refused
one with the wrong key), an entry delivered exactly once. Skipped (77) in
a build configured with -DLUYU_NODE_STATIC_ZMQ=OFF."""
import os
import subprocess

from luyutest import BIN, Cluster, check, compare_ids, run, say, skip, wait_until

N = "cq-wanzhou"
# libzmq and what it would bring with it that the static link replaces.
# (libstdc++ is not in the list of what the running node maps: ASan's
# runtime loads it in the sanitizer builds.)
NOT_NEEDED = ("libzmq.so", "libstdc++.so", "libpgm", "libnorm", "libprotokit")
NOT_MAPPED = ("libzmq.so", "libpgm", "libnorm", "libprotokit")


def static_build():
    try:
        with open(os.path.join(BIN, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith("LUYU_NODE_STATIC_ZMQ:"):
                    return line.strip().split("=", 1)[1].upper() in ("ON", "1", "TRUE", "YES")
    except OSError:
        pass
    return True


def needed(path):
    p = subprocess.run(["readelf", "-d", path], capture_output=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("readelf -d %s: %s" % (path, p.stderr.decode()))
    return [l.split("[", 1)[1].rstrip("]") for l in p.stdout.decode().splitlines()
            if "(NEEDED)" in l]


def mapped(pid):
    with open("/proc/%d/maps" % pid) as f:
        return sorted({os.path.basename(l.split()[5]) for l in f if len(l.split()) >= 6})


def main():
    if not static_build():
        skip("built with LUYU_NODE_STATIC_ZMQ=OFF: the node links the shared libzmq")
    node_bin = os.path.join(BIN, "luyu-node")
    libs = needed(node_bin)
    say("  luyu-node needs: " + " ".join(libs))
    check(not [l for l in libs if l.startswith(NOT_NEEDED)],
          "the binary names none of " + ", ".join(NOT_NEEDED))
    hub_libs = needed(os.path.join(BIN, "luyu-hub"))
    check([l for l in hub_libs if l.startswith("libzmq.so")],
          "the hub still links the shared libzmq: " + " ".join(hub_libs))

    c = Cluster("node-static-zmq")
    c.start_hub()
    d = c.start_node(N, N)
    wait_until(lambda: c.status(N)["link_up"], 30, "the node's CURVE link")
    maps = mapped(d.proc.pid)
    check(not [m for m in maps if m.startswith(NOT_MAPPED)],
          "the running node maps none of %s: %s" % (", ".join(NOT_MAPPED), " ".join(maps)))

    rc, out, err = c.ctl("submit", "--unit", N, "--indicator", "cadres_to_sd",
                         "--period", "2019-03", "--amount", "3", node=N, check_rc=0)
    accepted = [out.strip()]
    wait_until(lambda: c.drained(N), 30, "the entry acknowledged")
    compare_ids(accepted, c.ledger_ids())

    say("the wrong hub key: refused by the handshake, nothing delivered")
    d.stop()
    bad = "cq-kaizhou"
    c.register(bad, bad)
    argv = c.node_argv(bad, bad)
    other = c.keygen("not-the-hub")
    with open(c.path("keys", "not-the-hub.pub")) as f:
        check(f.read().strip() == other, "a key that is not the hub's")
    argv[argv.index("--hub-key") + 1] = c.path("keys", "not-the-hub.pub")
    from luyutest import Daemon
    b = Daemon(bad, argv, c.path(bad + ".log")).start()
    c.daemons.append(b)
    wait_until(lambda: " up: units " in b.log() or not b.alive(), 20, bad + " start")
    c.ctl("submit", "--unit", bad, "--indicator", "cadres_to_sd",
          "--period", "2019-03", "--amount", "4", node=bad, check_rc=0)
    wait_until(lambda: "(attempt 2" in b.log() or not b.alive(), 60,
               "the node to be refused twice")
    check(b.alive(), "the refused node keeps running")
    check(not c.status(bad)["link_up"], "no link with the wrong hub key")
    b.stop()
    compare_ids(accepted, c.ledger_ids())


if __name__ == "__main__":
    run(main)
