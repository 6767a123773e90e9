"""Clock trouble: nodes whose clocks are days off (one 3 days behind, one 5
days ahead, via libfaketime). Entries keep their stated periods, the hub
stamps what it receives with its own clock, heartbeats and timeouts (which
use the monotonic clock) keep working, and the ledger is exact."""
import glob
import os
import random
import time

from luyutest import (Cluster, Daemon, check, compare_ids, import_rows, run, sample_rows, say,
                      skip, wait_until)


def main():
    libs = glob.glob("/usr/lib/*/faketime/libfaketime.so.1")
    if not libs:
        skip("libfaketime not installed")
    rnd = random.Random(705)
    c = Cluster("clock")
    c.start_hub()
    skew = {"cq-wanzhou": "-3d", "cq-kaizhou": "+5d"}
    accepted = []
    for n, off in skew.items():
        env = dict(os.environ, LD_PRELOAD=libs[0], FAKETIME=off,
                   FAKETIME_DONT_FAKE_MONOTONIC="1", FAKETIME_NO_CACHE="1",
                   # ASan wants to come first; libfaketime only wraps libc.
                   ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") +
                   ":verify_asan_link_order=0")
        argv = c.node_argv(n, n)
        d = Daemon(n, argv, c.path(n + ".log"))
        old = os.environ.copy()
        os.environ.update(env)
        try:
            d.start()
        finally:
            os.environ.clear()
            os.environ.update(old)
        c.daemons.append(d)
        c.nodes[n] = d
        wait_until(lambda: " up: units " in d.new_log(), 20, n + " start")
        say("  broke: %s runs with its clock %s" % (n, off))
        rc, ids = import_rows(c, n, sample_rows(n, 300, rnd))
        check(rc == 0, "%s accepts entries" % n)
        accepted += ids
    for n in skew:
        wait_until(lambda: c.drained(n), 30, n + " to drain")
    compare_ids(accepted, c.ledger_ids())
    db = c.ledger_db()
    now = time.time()
    rows = db.execute("SELECT node, min(recorded_at), max(received_at), "
                      "count(DISTINCT period) FROM entry GROUP BY node").fetchall()
    db.close()
    for node, rec, recv, periods in rows:
        off_days = (rec - now) / 86400
        check(abs(recv - now) < 120, "%s: the hub stamped receipt with its own clock" % node)
        check(periods > 1, "%s: entries keep their stated periods (%d months)" % (node, periods))
        say("  %s recorded_at is %.1f days off, received_at is the hub's" % (node, off_days))
    check(any((r[1] - now) < -2.5 * 86400 for r in rows) and
          any((r[1] - now) > 4.5 * 86400 for r in rows), "the skew really was in effect")
    time.sleep(2)
    check(all(c.status(n)["link_up"] for n in skew), "links stay up (monotonic heartbeats)")


run(main)
