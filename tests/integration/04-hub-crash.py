"""kill -9 the hub at least five times while three nodes upload; restart it
each time. At the end the ledger holds exactly the accepted entries."""
import random
import time

from luyutest import (Cluster, check, compare_ids, import_rows, ledger_sums, run,
                      sample_rows, say, wait_until)


def main():
    rnd = random.Random(4)
    c = Cluster("hubcrash")
    c.start_hub()
    nodes = ["cq-wanzhou", "cq-kaizhou", "cq-wushan"]
    small = ["--batch-size", "20", "--window", "2"]
    for n in nodes:
        c.start_node(n, n, small)
    accepted = []
    kills = 0
    for rnd_i in range(8):
        for n in nodes:
            rc, ids = import_rows(c, n, sample_rows(n, 300, rnd))
            check(rc == 0, "%s accepted 300 entries while the hub is %s"
                  % (n, "up" if c.hub.alive() else "down"))
            accepted += ids
        if rnd_i < 7:
            # Let the upload get going, then pull the plug at a random moment.
            time.sleep(rnd.uniform(0.02, 0.3))
            c.hub.kill9()
            kills += 1
            say("  killed the hub with SIGKILL (#%d)" % kills)
            time.sleep(rnd.uniform(0.0, 0.5))
            c.start_hub()
    check(kills >= 5, "hub killed %d times mid-upload" % kills)
    for n in nodes:
        wait_until(lambda: c.drained(n), 90, n + " to drain")
    compare_ids(accepted, c.ledger_ids())
    sums, balances = ledger_sums(c)
    check(sums == balances, "balances still equal the entries' sums")


run(main)
