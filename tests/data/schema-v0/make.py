"""Makes the schema-v0 fixtures: a hub state directory (ledger.db with its
bulletin store) and a node's outbox.db, written by the real binaries of the
release whose files carry no schema version (user_version 0), and
expected.json with what luyuctl read from them then.

    LUYU_BIN=BUILD_OF_THAT_RELEASE python3 tests/data/schema-v0/make.py

It is kept to show how the fixtures were made; the committed files, not a
new run, are the fixtures (a new run gets other timestamps and digests).
"""
import json
import os
import shutil
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "integration"))

from luyutest import Cluster, check, run, say, wait_until, write_csv  # noqa: E402


def node_counts(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return dict(db.execute("SELECT state, count(*) FROM outbox GROUP BY state"))
    finally:
        db.close()


def main():
    c = Cluster("fixture-v0", secure=False)
    c.ctl("keygen", "--sign", "--out", c.path("cq-hub"), check_rc=0)
    c.start_hub(["--sign-key", c.path("cq-hub.sign.key"), "--no-auto-issue"])
    n = "cq-wanzhou"
    c.start_node(n, "cq-wanzhou,cq-wushan,sd-jinan")
    rows = [("cq-wanzhou", "agri_sales_to_sd", "2019-07", "2500000.00", "七月"),
            ("cq-wushan", "agri_sales_to_sd", "2019-07", "1000000.50", ""),
            ("cq-wanzhou", "cadres_to_sd", "2019-07", "4", ""),
            ("cq-wanzhou", "poor_trained", "2019-06", "120", "")]
    write_csv(c.path("july.csv"), rows)
    c.ctl("import", c.path("july.csv"), node=n, check_rc=0)
    # A reject: a Shandong unit sent to the Chongqing hub.
    c.ctl("submit", "--unit", "sd-jinan", "--indicator", "cadres_to_sd", "--period",
          "2019-07", "--amount", "3", node=n, check_rc=0)
    wait_until(lambda: c.drained(n), 60, "drain")
    sock = c.path("hub", "control.sock")
    c.ctl("bulletin", "issue", "2019-07", "--hub", sock, check_rc=0)
    # A correction after the bulletin, then revision 2.
    c.ctl("correct", "%s/1" % n, "--amount", "2600000", "--note", "更正", node=n, check_rc=0)
    c.ctl("submit", "--unit", "cq-wushan", "--indicator", "cadres_to_sd", "--period",
          "2019-07", "--amount", "2", node=n, check_rc=0)
    wait_until(lambda: c.drained(n), 60, "drain")
    c.ctl("bulletin", "issue", "2019-07", "--hub", sock, check_rc=0)
    c.ctl("bulletin", "issue", "2019-06", "--hub", sock, check_rc=0)
    # Pending entries: recorded while the hub is down.
    c.hub.stop()
    for amount in ("7", "8"):
        c.ctl("submit", "--unit", "cq-wanzhou", "--indicator", "cadres_to_sd", "--period",
              "2019-08", "--amount", amount, node=n, check_rc=0)
    c.nodes[n].stop()

    hub = c.path("hub")
    exp = {}
    rc, out, err = c.ctl("ledger", "--state-dir", hub, "--format", "json", check_rc=0)
    exp["ledger"] = json.loads(out)
    exp["history"] = {}
    for q in ("%s/1" % n, "cq-wanzhou/agri_sales_to_sd/2019-07",
              "sd-jinan/cadres_to_sd/2019-07"):
        rc, out, err = c.ctl("history", "--state-dir", hub, q, "--format", "json", check_rc=0)
        exp["history"][q] = json.loads(out)
    rc, out, err = c.ctl("bulletin", "list", "--state-dir", hub, "--json", check_rc=0)
    exp["bulletins"] = json.loads(out)
    exp["shown"] = {}
    for b in exp["bulletins"]:
        key = "%s/%s/%d" % (b["province"], b["period"], b["revision"])
        rc, out, err = c.ctl("bulletin", "show", b["period"], "--state-dir", hub,
                             "--province", b["province"], "--revision", str(b["revision"]),
                             "--format", "json", check_rc=0)
        exp["shown"][key] = json.loads(out)
    exp["outbox"] = node_counts(c.path(n, "outbox.db"))
    check(sorted(exp["outbox"]) == [0, 1, 2],
          "outbox holds delivered, rejected and pending entries: %s" % exp["outbox"])

    out_dir = HERE
    for f in ("ledger.db", "outbox.db"):
        src = c.path("hub" if f == "ledger.db" else n, f)
        db = sqlite3.connect(src)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode=DELETE")
        db.close()
        shutil.copy(src, os.path.join(out_dir, f))
    shutil.copy(c.path("cq-hub.sign.pub"), os.path.join(out_dir, "cq-hub.sign.pub"))
    with open(os.path.join(out_dir, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(exp, f, ensure_ascii=False, indent=1, sort_keys=True)
    say("wrote", out_dir)


run(main)
