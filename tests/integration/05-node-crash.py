"""kill -9 a node while it uploads, restart it: it resumes from the hub's
high-water mark and the ledger is exact. Its outbox survives the crash."""
import random
import time

from luyutest import Cluster, check, compare_ids, import_rows, run, sample_rows, say, wait_until


def main():
    rnd = random.Random(5)
    c = Cluster("nodecrash")
    c.start_hub()
    n = "cq-fengjie"
    slow = ["--batch-size", "5", "--window", "1"]
    c.start_node(n, n, slow)
    accepted = []
    for i in range(5):
        rc, ids = import_rows(c, n, sample_rows(n, 400, rnd))
        check(rc == 0, "accepted 400 entries")
        accepted += ids
        time.sleep(rnd.uniform(0.01, 0.2))
        before = c.status(n)
        c.nodes[n].kill9()
        say("  killed the node with SIGKILL mid-upload (pending %d)" % before["pending"])
        c.start_node(n, n, slow)
        st = c.status(n)
        check(st["last_seq"] == len(accepted), "outbox kept all %d entries" % len(accepted))
    wait_until(lambda: c.drained(n), 90, "drain")
    compare_ids(accepted, c.ledger_ids())


run(main)
