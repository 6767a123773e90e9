"""Soak: moderate load with periodic SIGKILLs of a node and the hub, for 30
minutes with LUYU_LONG=1 (40 s otherwise). Memory and open file
descriptors of the daemons that stay up stay flat, and the ledger is
exact at the end."""
import os
import random
import time

from luyutest import (Cluster, check, compare_ids, import_rows, run, sample_rows, say,
                      wait_until)

DURATION = 30 * 60 if os.environ.get("LUYU_LONG") == "1" else 40


def usage(pid):
    with open("/proc/%d/status" % pid) as f:
        rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
    return rss, len(os.listdir("/proc/%d/fd" % pid))


def main():
    # Under ASan freed memory sits in a quarantine (256 MB by default) and
    # RSS grows until it is full; keep it small so growth means a leak.
    os.environ["ASAN_OPTIONS"] = (os.environ.get("ASAN_OPTIONS", "") +
                                  ":quarantine_size_mb=1"
                                  ":thread_local_quarantine_size_kb=64")
    rnd = random.Random(707)
    c = Cluster("soak")
    c.start_hub()
    steady = ["cq-wanzhou", "cq-kaizhou"]
    victim = "cq-wushan"
    for n in steady + [victim]:
        c.start_node(n, n)
    accepted = []
    t_end = time.time() + DURATION
    warm = None
    kills = 0
    i = 0
    while time.time() < t_end:
        for n in steady + [victim]:
            rc, ids = import_rows(c, n, sample_rows(n, 100, rnd))
            if rc != 0:
                raise AssertionError("import refused")
            accepted += ids
        i += 1
        if i == 5:
            for n in steady:
                wait_until(lambda: c.drained(n), 60, "drain")
            warm = {n: usage(c.nodes[n].proc.pid) for n in steady}
            say("  warm: " + ", ".join("%s rss %d kB, %d fds" % (n, r, f)
                                       for n, (r, f) in warm.items()))
        if i % 10 == 0:
            c.nodes[victim].kill9()
            c.start_node(victim, victim)
            kills += 1
        if i % 25 == 0:
            c.hub.kill9()
            c.start_hub()
            kills += 1
        time.sleep(0.2)
    for n in steady + [victim]:
        wait_until(lambda: c.drained(n), 120, n + " to drain")
    end = {n: usage(c.nodes[n].proc.pid) for n in steady}
    say("  broke: %d SIGKILLs over %d s; end: " % (kills, DURATION) +
        ", ".join("%s rss %d kB, %d fds" % (n, r, f) for n, (r, f) in end.items()))
    for n in steady:
        (r0, f0), (r1, f1) = warm[n], end[n]
        check(f1 <= f0 + 2, "%s: open files flat (%d -> %d)" % (n, f0, f1))
        check(r1 <= r0 * 1.25 + 4096, "%s: memory flat (%d -> %d kB)" % (n, r0, r1))
    compare_ids(accepted, c.ledger_ids())


run(main)
