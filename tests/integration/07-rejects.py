"""Entries the hub refuses for good (here: a Shandong unit sent to the
Chongqing hub) are rejected with a reason, kept at the node marked
rejected, visible in luyuctl status, never retried forever, and nothing of
them enters the ledger."""
import time

from luyutest import Cluster, check, run, say, wait_until


def main():
    c = Cluster("rejects")
    c.start_hub()
    n = "mixed"
    c.start_node(n, "cq-wanzhou,sd-jinan")
    ids = []
    # Two amounts for cq-wanzhou: the same one twice is a likely duplicate,
    # which the node wants confirmed (60-quality).
    for unit, amount in (("cq-wanzhou", "4"), ("sd-jinan", "4"), ("cq-wanzhou", "5")):
        rc, out, err = c.ctl("submit", "--unit", unit, "--indicator", "cadres_to_sd",
                             "--period", "2019-05", "--amount", amount, node=n, check_rc=0)
        ids.append(out.strip())
    wait_until(lambda: c.drained(n), 20, "drain")
    st = c.status(n)
    check(st["rejected"] == 1 and st["acknowledged"] == 2, "1 rejected, 2 acknowledged")
    check(st["rejects"][0]["id"] == ids[1] and "province" in st["rejects"][0]["reason"],
          "status shows the rejected id and why: " + st["rejects"][0]["reason"])
    rc, out, err = c.ctl("status", node=n, check_rc=0)
    check(ids[1] in out and "province" in out, "the text status shows it too")
    db = c.ledger_db()
    units = [r[0] for r in db.execute("SELECT unit FROM entry")]
    rej = db.execute("SELECT node, seq, reason FROM reject").fetchall()
    db.close()
    check(units == ["cq-wanzhou", "cq-wanzhou"], "nothing of the rejected entry in the ledger")
    check(len(rej) == 1, "the hub records the reject with its reason")
    time.sleep(1.0)
    hub_log = c.hub.log()
    check(hub_log.count("rejected entry %s" % ids[1]) == 1, "rejected once, not retried")
    c.nodes[n].stop()
    c.start_node(n, "cq-wanzhou,sd-jinan")
    time.sleep(1.0)
    st = c.status(n)
    check(st["rejected"] == 1 and st["pending"] == 0, "after a restart it is still rejected")


run(main)
