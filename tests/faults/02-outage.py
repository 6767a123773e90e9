"""Outage: the hub is frozen with SIGSTOP (unreachable, but its sockets stay
open, the nastiest kind of outage) while nodes keep accepting entries. The
nodes' heartbeats notice, status shows the link down, they reconnect with
backoff once the hub is continued, and everything drains exactly."""
import os
import random
import signal
import time

from luyutest import (Cluster, check, compare_ids, import_rows, run, sample_rows, say,
                      wait_until)

OUTAGE_S = 60 if os.environ.get("LUYU_LONG") == "1" else 8


def main():
    rnd = random.Random(702)
    c = Cluster("outage")
    c.start_hub()
    nodes = ["cq-wanzhou", "cq-kaizhou", "cq-wushan"]
    for n in nodes:
        c.start_node(n, n)
    accepted = []
    for n in nodes:
        accepted += import_rows(c, n, sample_rows(n, 200, rnd))[1]
    for n in nodes:
        wait_until(lambda: c.drained(n), 30, n + " to drain")
    say("  broke: SIGSTOP the hub for %d s" % OUTAGE_S)
    c.hub.proc.send_signal(signal.SIGSTOP)
    t0 = time.time()
    for n in nodes:
        rc, ids = import_rows(c, n, sample_rows(n, 500, rnd))
        check(rc == 0, "%s accepts 500 entries while the hub is frozen" % n)
        accepted += ids
    wait_until(lambda: not c.status(nodes[0])["link_up"], 10, "heartbeat to notice")
    check(c.status(nodes[0])["pending"] == 500, "status: link down, 500 pending")
    time.sleep(max(0, OUTAGE_S - (time.time() - t0)))
    c.hub.proc.send_signal(signal.SIGCONT)
    say("  continued the hub after %.0f s" % (time.time() - t0))
    for n in nodes:
        wait_until(lambda: c.drained(n), 60, n + " to drain after the outage")
    check(all(c.status(n)["link_up"] for n in nodes), "every link is up again")
    compare_ids(accepted, c.ledger_ids())


run(main)
