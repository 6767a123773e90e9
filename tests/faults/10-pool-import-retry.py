"""A lost answer to a project import: `luyuctl project import` of a pool of
5,000 projects, and at a random moment while luyuctl waits either the node
is SIGKILLed and restarted or luyuctl itself is; then the same file is
imported again, as a clerk would. Each pool is stored exactly once, and the
hub ends with exactly the projects of every file, each as its row says
(planned investment and stage), through hub SIGKILLs as well."""
import json
import os
import random
import subprocess
import time

from luyutest import BIN, Cluster, check, run, say, wait_until
from poolref import fen, make_pool, write_pool_csv

ROUNDS = 6
PER_FILE = 5000
UNIT = "cq-wanzhou"


def restart(d):
    d.start()
    wait_until(lambda: " up: units " in d.new_log() or not d.alive(), 30, "node restart")
    check(d.alive(), "node restarts after SIGKILL:\n" + d.new_log())


def pool_file(c, k, rnd):
    """PER_FILE projects with ids of year 2000 + k, so files never overlap."""
    rows = make_pool([UNIT], PER_FILE, rnd, year=2000 + k)
    path = c.path("pool-%d.csv" % k)
    write_pool_csv(path, rows)
    return path, rows


def main():
    rnd = random.Random(1013)
    c = Cluster("pool-retry")
    c.start_hub()
    d = c.start_node(UNIT, UNIT)
    want = {}

    path, rows = pool_file(c, 0, rnd)
    t = time.monotonic()
    c.ctl("project", "import", path, node=UNIT, check_rc=0)
    took = time.monotonic() - t
    want.update({r["id"]: r for r in rows})
    say("  one import of %d projects takes %.2f s" % (PER_FILE, took))

    outcomes = {"committed before the kill": 0, "not committed": 0}
    for k in range(1, ROUNDS + 1):
        path, rows = pool_file(c, k, rnd)
        before = c.status(UNIT)["last_seq"]
        p = subprocess.Popen([os.path.join(BIN, "luyuctl"), "--node", c.sock(UNIT), "project",
                              "import", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0.1, 1.3) * took)
        if k % 2 == 0:
            d.kill9()
            p.communicate(timeout=60)
            restart(d)
        else:
            p.kill()
            p.communicate(timeout=60)
        if k % 3 == 0:
            c.hub.kill9()
            c.start_hub()
        rc, out, err = c.ctl("project", "import", path, node=UNIT, check_rc=0)
        after = c.status(UNIT)["last_seq"]
        check(after - before == PER_FILE,
              "round %d: %d projects stored once (last seq %d -> %d): %s"
              % (k, PER_FILE, before, after, out.strip()))
        outcomes["committed before the kill" if out.startswith("already imported")
                 else "not committed"] += 1
        want.update({r["id"]: r for r in rows})
    say("  %d rounds: %s" % (ROUNDS, ", ".join("%s %d" % kv for kv in outcomes.items())))

    wait_until(lambda: c.drained(UNIT), 180, "drain")
    rc, out, err = c.ctl("project", "list", "--state-dir", c.path("hub"), "--format", "json",
                         check_rc=0)
    got = {p["id"]: p for p in json.loads(out)}
    check(sorted(got) == sorted(want), "the hub holds the %d projects of the %d files, no more"
          % (len(want), ROUNDS + 1))
    bad = [i for i, r in want.items()
           if (got[i]["planned"], got[i]["stage"]) != (fen(r["planned"]), r["stage"])]
    check(not bad, "each as its row says (%d differ)" % len(bad))


run(main)
