"""Three nodes x 1,000 entries arrive at the hub exactly: same ids, counts
and sums; the derived balances equal the sums of the entries."""
import json
import random

from luyutest import (Cluster, check, compare_ids, import_rows, ledger_sums, run,
                      sample_rows, say, wait_until)


def main():
    rnd = random.Random(3)
    c = Cluster("exact")
    c.start_hub()
    nodes = {"cq-wanzhou": "cq-wanzhou", "cq-kaizhou": "cq-kaizhou", "cq-wushan": "cq-wushan"}
    for n, u in nodes.items():
        c.start_node(n, u)
    accepted, expected = [], {}
    for n, u in nodes.items():
        rows = sample_rows(u, 1000, rnd)
        for i in range(0, 1000, 250):
            rc, ids = import_rows(c, n, rows[i:i + 250])
            check(rc == 0, "%s accepted 250 entries" % n)
            accepted += ids
        for r in rows:
            scale = 100 if r[1] in ("agri_sales_to_sd", "sd_investment") else 1
            key = (r[0], r[1], int(r[2].replace("-", "")))
            whole, _, frac = r[3].partition(".")
            expected[key] = expected.get(key, 0) + int(whole) * scale + (int(frac) if frac else 0)
    for n in nodes:
        wait_until(lambda: c.drained(n), 60, n + " to drain")
    compare_ids(accepted, c.ledger_ids())
    sums, balances = ledger_sums(c)
    check(sums == expected, "per-figure sums in the ledger equal what was submitted")
    check(balances == expected, "derived balances equal the sums")
    for n in nodes:
        st = c.status(n)
        check(st["acknowledged"] == 1000 and st["rejected"] == 0,
              "%s: 1000 acknowledged, 0 rejected" % n)
    rc, out, err = c.ctl("status", "--hub", c.path("hub", "control.sock"), "--json", check_rc=0)
    hub = json.loads(out)
    per = {x["node_id"]: x for x in hub["nodes"]}
    check(sorted(per) == sorted(nodes), "hub status lists the three nodes")
    check(all(per[n]["connected"] and per[n]["entries"] == 1000 and per[n]["backlog"] == 0
              for n in nodes), "each connected, 1000 entries received, nothing behind")
    rc, out, err = c.ctl("status", "--hub", c.path("hub", "control.sock"), check_rc=0)
    check("cq-kaizhou" in out and "up" in out, "text hub status names the nodes")


run(main)
