"""Startup checks: the daemons refuse bad settings with a clear message,
refuse plain transport without --insecure or off loopback, refuse a second
daemon on the same state dir, and refuse a damaged database instead of
starting empty over it. A configuration error exits 78 (EX_CONFIG: the
units do not restart it), any other refusal 2. luyuctl plan prints the plan
as JSON."""
import json
import os
import subprocess

from luyutest import BIN, PLAN, Cluster, check, run, say, wait_until


def start_fail(argv, timeout=10):
    p = subprocess.run(argv, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return p.returncode, p.stderr.decode()


def main():
    c = Cluster("startup")
    hub = os.path.join(BIN, "luyu-hub")
    node = os.path.join(BIN, "luyu-node")

    say("plan as JSON")
    rc, out, err = c.ctl("plan", "--format", "json", check_rc=0)
    plan = json.loads(out)
    codes = {u["code"]: u for u in plan["units"]}
    check(codes["cq-wanzhou"]["name"] == "万州区" and codes["cq-wanzhou"]["province"] == "CQ",
          "plan lists 万州区 as a CQ unit")
    check(sum(1 for u in plan["units"] if u["province"] == "CQ" and u["code"] in (
        "cq-wanzhou", "cq-qianjiang", "cq-kaizhou", "cq-wulong", "cq-chengkou", "cq-fengdu",
        "cq-yunyang", "cq-fengjie", "cq-wushan", "cq-wuxi", "cq-shizhu", "cq-xiushan",
        "cq-youyang", "cq-pengshui")) == 14, "all 14 districts are in the plan")
    inds = {i["code"]: i for i in plan["indicators"]}
    check(inds["agri_sales_to_sd"]["unit"] == "yuan", "money indicators are in yuan")

    say("plain transport needs --insecure and loopback")
    rc, err = start_fail([hub, "--id", "h", "--listen", c.endpoint, "--state-dir", c.path("h")])
    check(rc == 78 and "--insecure" in err, "hub without --insecure refuses: " + err.strip())
    rc, err = start_fail([hub, "--id", "h", "--listen", "tcp://0.0.0.0:%d" % c.port,
                          "--state-dir", c.path("h"), "--insecure"])
    check(rc == 78 and "loopback" in err, "hub --insecure on 0.0.0.0 refuses: " + err.strip())
    rc, err = start_fail([node, "--id", "n", "--hub", "tcp://10.1.2.3:7701", "--units",
                          "cq-wanzhou", "--state-dir", c.path("n"), "--insecure"])
    check(rc == 78 and "loopback" in err, "node --insecure to 10.1.2.3 refuses")

    say("bad settings name the problem")
    cfg = c.path("bad.ini")
    with open(cfg, "w") as f:
        f.write("[hub]\nid = cq-hub\nlisten = %s\nwindoww = 3\n" % c.endpoint)
    rc, err = start_fail([hub, "--config", cfg, "--state-dir", c.path("h"), "--insecure"])
    check(rc == 78 and "bad.ini:4:" in err and "windoww" in err,
          "unknown config key reported as file:line: " + err.strip())
    rc, err = start_fail([node, "--id", "n1", "--hub", c.endpoint, "--units", "cq-nowhere",
                          "--state-dir", c.path("n"), "--insecure", "--plan", PLAN])
    check(rc == 78 and "cq-nowhere" in err, "unknown unit in --units refused")
    bad_plan = c.path("bad-plan.ini")
    with open(bad_plan, "w") as f:
        f.write("[plan]\nname = x\nstart = 2018-01\nend = 2017-12\n")
    rc, err = start_fail([hub, "--id", "h", "--listen", c.endpoint, "--state-dir",
                          c.path("h"), "--insecure", "--plan", bad_plan])
    check(rc == 78 and "bad-plan.ini:" in err, "bad plan refused with file:line: " + err.strip())

    say("bulletin settings and files are configuration too (78)")
    base = [hub, "--id", "h", "--listen", c.endpoint, "--state-dir", c.path("h"),
            "--insecure", "--province", "CQ"]
    rc, err = start_fail(base + ["--issue-from", "2019-13"])
    check(rc == 78 and "2019-13" in err, "a bad --issue-from: " + err.strip())
    rc, err = start_fail(base + ["--peer", "tcp://127.0.0.1:1"])
    check(rc == 78 and "--peer-id" in err, "--peer without its id and keys: " + err.strip())
    sign = c.path("cq-hub.sign.key")
    with open(sign, "w") as f:
        f.write("not a key\n")
    os.chmod(sign, 0o644)
    rc, err = start_fail(base + ["--sign-key", sign])
    check(rc == 78 and "cq-hub.sign.key" in err, "a signing key others can read: " + err.strip())
    rc, err = start_fail([node, "--id", "n1", "--hub", c.endpoint, "--units", "cq-wanzhou",
                          "--state-dir", c.path("n"), "--insecure", "--plan", PLAN,
                          "--spool", "/proc/luyu-spool"])
    check(rc == 78 and "/proc/luyu-spool" in err, "a spool that cannot be made: " + err.strip())

    say("config file works and flags override it")
    good = c.path("hub.ini")
    with open(good, "w") as f:
        f.write("[hub]\nid = cq-hub\nlisten = tcp://127.0.0.1:1\nstate_dir = %s\n"
                "insecure = true\nprovince = CQ\nplan = %s\n" % (c.path("hub"), PLAN))
    h = c.start_hub()
    h.stop()
    from luyutest import Daemon
    d = Daemon("hub2", [hub, "--config", good, "--listen", c.endpoint], c.path("hub2.log")).start()
    c.daemons.append(d)
    wait_until(lambda: "up: listening on " + c.endpoint in d.log(), 20, "hub from config file")
    say("  ok: hub started from hub.ini with --listen overriding it")

    say("one daemon per state dir")
    rc, err = start_fail(c.hub_argv())
    check(rc == 2 and "in use" in err, "second hub on the same state dir refused: " + err.strip())
    d.stop()

    say("a damaged ledger is refused, never replaced")
    with open(c.path("hub", "ledger.db"), "r+b") as f:
        f.seek(0)
        f.write(b"this is not a database" * 10)
    rc, err = start_fail(c.hub_argv())
    check(rc == 2 and "ledger.db" in err, "corrupt ledger refused: " + err.strip())
    size = os.path.getsize(c.path("hub", "ledger.db"))
    check(size > 0, "the damaged file is left in place for an admin")
    os.makedirs(c.path("h3"))
    open(c.path("h3", "ledger.db-wal"), "wb").write(b"x" * 100)
    rc, err = start_fail([hub, "--id", "h", "--listen", c.endpoint, "--state-dir",
                          c.path("h3"), "--insecure"])
    check(rc == 2 and "write-ahead log" in err, "WAL without its database refused")


run(main)
