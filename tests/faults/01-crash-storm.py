"""Crash storm: 10 nodes x 5,000 entries while the hub and random nodes are
killed with SIGKILL at random moments (at least 30 kills) and restarted.
At the end the ledger holds exactly the entries luyuctl reported as
accepted: same ids, counts and sums, none twice.

Nodes are killed between imports, never while luyuctl waits for an answer:
an import whose answer is lost is in doubt for its client (luyuctl exits 1
and says so), which is a different promise from the one checked here."""
import os
import random
import threading
import time

from luyutest import (DISTRICTS, Cluster, check, compare_ids, import_rows, ledger_sums, run,
                      sample_rows, say, wait_until)

LONG = os.environ.get("LUYU_LONG") == "1"
NODES = 10
PER_NODE = 5000
CHUNK = 250
MIN_KILLS = 30


def main():
    rnd = random.Random(int(os.environ.get("LUYU_SEED", "701")))
    c = Cluster("storm")
    c.start_hub()
    nodes = DISTRICTS[:NODES]
    opts = ["--batch-size", "50", "--window", "4"]
    for n in nodes:
        c.start_node(n, n, opts)
    kills = {"hub": 0, "node": 0}
    stop = threading.Event()

    def hub_killer():
        while not stop.is_set():
            time.sleep(rnd.uniform(0.2, 1.2))
            if stop.is_set():
                break
            c.hub.kill9()
            kills["hub"] += 1
            time.sleep(rnd.uniform(0.0, 0.4))
            c.start_hub()

    t = threading.Thread(target=hub_killer, daemon=True)
    t.start()
    accepted, sent = [], {n: 0 for n in nodes}
    rounds = PER_NODE // CHUNK
    for i in range(rounds):
        for n in nodes:
            rc, ids = import_rows(c, n, sample_rows(n, CHUNK, rnd))
            check(rc == 0, "%s accepted %d entries (round %d)" % (n, CHUNK, i)) if i == 0 else None
            if rc != 0:
                raise AssertionError("import refused at %s: %d" % (n, rc))
            accepted += ids
            sent[n] += CHUNK
        for victim in rnd.sample(nodes, 2):
            c.nodes[victim].kill9()
            kills["node"] += 1
            c.start_node(victim, victim, opts)
    while kills["hub"] + kills["node"] < MIN_KILLS:
        time.sleep(0.2)
    stop.set()
    t.join()
    if not c.hub.alive():
        c.start_hub()
    say("  broke: hub killed %d times, nodes killed %d times" % (kills["hub"], kills["node"]))
    check(kills["hub"] + kills["node"] >= MIN_KILLS, "at least %d SIGKILLs" % MIN_KILLS)
    for n in nodes:
        wait_until(lambda: c.drained(n), 180, n + " to drain")
    compare_ids(accepted, c.ledger_ids())
    sums, balances = ledger_sums(c)
    check(sums == balances, "derived balances equal the entries' sums")
    check(len(accepted) == NODES * PER_NODE, "%d entries accepted in all" % len(accepted))


run(main)
