"""A lost answer: `luyuctl import` of 20,000 rows, and at a random moment
while luyuctl waits (before, during or after the node's commit) either the
node is SIGKILLed and restarted, or luyuctl itself is (a clerk's Ctrl-C, a
closed terminal); then the same import is run again, as a clerk would.
Whether or not the first run was committed, the rows are stored exactly
once, and the hub ends with exactly the ids luyuctl finally reported."""
import os
import random
import subprocess
import time

import luyutest
from luyutest import (BIN, Cluster, check, compare_ids, run, sample_rows, say, wait_until,
                      write_csv)

ROUNDS = 20 if os.environ.get("LUYU_LONG") == "1" else 6
ROWS = 20000


def range_ids(out):
    """The ids of '... (cq-wanzhou/1 .. cq-wanzhou/50) ...'."""
    a, b = out.index("("), out.index(")")
    first, last = out[a + 1:b].split(" .. ")
    node, lo = first.rsplit("/", 1)
    hi = last.rsplit("/", 1)[1]
    return ["%s/%d" % (node, s) for s in range(int(lo), int(hi) + 1)]


def restart(c, d):
    d.start()
    wait_until(lambda: " up: units " in d.new_log() or not d.alive(), 30, "node restart")
    check(d.alive(), "node restarts after SIGKILL:\n" + d.new_log())


def main():
    rnd = random.Random(808)
    c = Cluster("import-retry")
    # 20,000 random rows a round add up to more trainees a month than the
    # shipped plan allows one unit: this test is about retries, not rules.
    luyutest.plan_without_rules(c)
    c.start_hub()
    n = "cq-wanzhou"
    d = c.start_node(n, n)
    accepted = []

    # How long one import takes here (ASan or not), to aim the kills.
    path = c.path("warmup.csv")
    write_csv(path, sample_rows(n, ROWS, rnd))
    t = time.monotonic()
    rc, out, err = c.ctl("import", path, "--confirm", node=n, check_rc=0)
    took = time.monotonic() - t
    accepted += range_ids(out)
    say("  one import of %d rows takes %.2f s" % (ROWS, took))

    outcomes = {"committed before the kill": 0, "not committed": 0}
    for k in range(ROUNDS):
        path = c.path("round-%d.csv" % k)
        write_csv(path, sample_rows(n, ROWS, rnd))
        before = c.status(n)["last_seq"]
        p = subprocess.Popen([os.path.join(BIN, "luyuctl"), "--node", c.sock(n), "import", path, "--confirm"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0.1, 1.3) * took)
        if k % 2 == 0:
            d.kill9()
            first_out, first_err = p.communicate(timeout=60)
            restart(c, d)
        else:
            p.kill()
            first_out, first_err = p.communicate(timeout=60)
        rc, out, err = c.ctl("import", path, "--confirm", node=n, check_rc=0)
        after = c.status(n)["last_seq"]
        check(after - before == ROWS,
              "round %d: %d rows stored once (last seq %d -> %d); first run said %r %r, "
              "retry %r" % (k, ROWS, before, after, first_out.decode()[-200:],
                            first_err.decode()[-200:], out.strip()))
        ids = range_ids(out)
        check(len(ids) == ROWS, "retry names %d ids" % ROWS)
        if out.startswith("already imported"):
            outcomes["committed before the kill"] += 1
            if p.returncode == 0:
                check(range_ids(first_out.decode()) == ids,
                      "the first answer and the retry name the same ids")
        else:
            check(out.startswith("imported"), "retry imported: " + out.strip())
            outcomes["not committed"] += 1
        accepted += ids
    say("  %d rounds: %s" % (ROUNDS, ", ".join("%s %d" % kv for kv in outcomes.items())))

    wait_until(lambda: c.drained(n), 120, "drain")
    compare_ids(accepted, c.ledger_ids())


run(main)
