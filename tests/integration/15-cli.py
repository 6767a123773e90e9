"""luyuctl's command line: global options (--node, --hub, --state-dir,
--plan) before or after the command, every command and every bulletin
subcommand in the help, --version on all three binaries, and errors that
name the daemon that could not be reached."""
import os
import subprocess

from luyutest import BIN, Cluster, check, locale_env, run, say, wait_until


def prog(name, *args):
    p = subprocess.run([os.path.join(BIN, name)] + list(args), capture_output=True,
                       timeout=60, env=locale_env(), stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def main():
    say("--version")
    for name in ("luyuctl", "luyu-node", "luyu-hub"):
        rc, out, err = prog(name, "--version")
        check(rc == 0 and out.startswith(name + " ") and out.split()[1][0].isdigit(),
              "%s --version: %s" % (name, out.strip()))

    say("help names every command and every bulletin subcommand")
    rc, out, err = prog("luyuctl", "--help")
    for cmd in ("plan", "submit", "import", "correct", "entries", "status", "ledger",
                "history", "keygen", "bulletin", "completeness", "feed"):
        check(("\n  %s " % cmd) in out, "luyuctl --help lists " + cmd)
    check("issue" in out and "--hub" in out and "--state-dir" in out,
          "and says bulletins are issued, and the global --hub and --state-dir")
    rc, out, err = prog("luyuctl", "bulletin", "--help")
    for sub in ("issue", "list", "show", "export", "verify"):
        check("luyuctl bulletin %s" % sub in out, "bulletin --help shows " + sub)

    c = Cluster("cli")
    c.start_hub()
    n = "cq-wanzhou"
    c.start_node(n, n)
    sock, hub_sock = c.sock(n), c.path("hub", "control.sock")

    say("global options before or after the command")
    for argv in (["--node", sock, "status", "--json"], ["status", "--json", "--node", sock],
                 ["status", "--node=" + sock, "--json"]):
        rc, out, err = prog("luyuctl", *argv)
        check(rc == 0 and '"node_id":"cq-wanzhou"' in out, "luyuctl " + " ".join(argv))
    for argv in (["--hub", hub_sock, "status", "--json"], ["status", "--hub", hub_sock, "--json"]):
        rc, out, err = prog("luyuctl", *argv)
        check(rc == 0 and '"hub_id":"cq-hub"' in out, "luyuctl " + " ".join(argv))
    rc, out, err = prog("luyuctl", "submit", "--unit", n, "--indicator", "cadres_to_sd",
                        "--period", "2019-07", "--amount", "2", "--node", sock)
    check(rc == 0 and out.startswith(n + "/"), "submit with --node after it: " + out.strip())
    wait_until(lambda: c.drained(n), 20, "drain")
    for argv in (["--state-dir", c.path("hub"), "ledger", "--format", "csv"],
                 ["ledger", "--format", "csv", "--state-dir", c.path("hub")]):
        rc, out, err = prog("luyuctl", *argv)
        check(rc == 0 and "cadres_to_sd" in out, "luyuctl " + " ".join(argv[:2]) + " ...")
    rc, out, err = prog("luyuctl", "ledger", "--state-dir", c.path("hub"), "--format", "csv",
                        "--excel")
    check(out.startswith("\ufeffunit,indicator,"), "ledger --excel: CSV with a UTF-8 BOM")
    rc, out, err = prog("luyuctl", "--node", sock, "status", "--node", sock)
    check(rc == 2 and "given twice" in err, "--node twice is an error: " + err.strip())

    say("errors name the daemon that could not be reached")
    c.hub.stop()
    rc, out, err = prog("luyuctl", "status", "--hub", hub_sock)
    check(rc == 1 and "luyu-hub" in err and hub_sock in err and "luyu-node" not in err,
          "status --hub with the hub down: " + err.strip())
    rc, out, err = prog("luyuctl", "--hub", hub_sock, "bulletin", "issue", "2019-07")
    check(rc == 1 and "luyu-hub" in err, "bulletin issue too: " + err.strip())
    c.nodes[n].stop()
    rc, out, err = prog("luyuctl", "status", "--node", sock)
    check(rc == 1 and "luyu-node" in err and sock in err, "and the node: " + err.strip())


run(main)
