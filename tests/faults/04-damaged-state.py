"""Damaged state: a truncated or corrupted SQLite file, a stale lock, a WAL
left from a crash. The daemon either recovers correctly or refuses to start
with a clear message - never silently starts empty over existing data."""
import os
import random
import shutil
import subprocess

from luyutest import (Cluster, check, compare_ids, import_rows, run, sample_rows, say,
                      wait_until)


def try_start(argv):
    p = subprocess.run(argv, capture_output=True, timeout=20, stdin=subprocess.DEVNULL)
    return p.returncode, p.stderr.decode()


def main():
    rnd = random.Random(704)
    c = Cluster("damaged")
    c.start_hub()
    n = "cq-wanzhou"
    c.start_node(n, n)
    rc, accepted = import_rows(c, n, sample_rows(n, 3000, rnd))
    wait_until(lambda: c.drained(n), 30, "drain")

    say("a WAL left from a crash is replayed")
    rc, more = import_rows(c, n, sample_rows(n, 500, rnd))
    accepted += more
    wait_until(lambda: c.drained(n), 30, "drain")
    c.hub.kill9()
    c.nodes[n].kill9()
    check(os.path.getsize(c.path("hub", "ledger.db-wal")) > 0, "the hub left a non-empty WAL")
    c.start_hub()
    c.start_node(n, n)
    compare_ids(accepted, c.ledger_ids())
    st = c.status(n)
    check(st["last_seq"] == 3500 and st["pending"] == 0, "node outbox intact after its crash")

    say("a stale lock file from a dead process does not block a start")
    c.nodes[n].kill9()
    check(os.path.exists(c.path(n, "lock")), "the lock file is still there")
    c.start_node(n, n)
    check(c.nodes[n].alive(), "node started over the stale lock")
    c.nodes[n].stop()
    c.hub.stop()

    for what, damage in (("truncated", "truncate"), ("corrupted", "corrupt")):
        say("a %s outbox is refused, not replaced" % what)
        db = c.path(n, "outbox.db")
        keep = db + ".orig"
        shutil.copy(db, keep)
        for ext in ("-wal", "-shm"):
            if os.path.exists(db + ext):
                os.unlink(db + ext)
        size = os.path.getsize(db)
        with open(db, "r+b") as f:
            if damage == "truncate":
                f.truncate(size // 2)
            else:
                f.seek(size // 3)
                f.write(os.urandom(8192))
        before = open(db, "rb").read()
        rc, err = try_start(c.node_argv(n, n))
        check(rc != 0 and "outbox.db" in err and ("damaged" in err or "not a" in err),
              "node refuses: " + err.strip().splitlines()[-1])
        check(open(db, "rb").read() == before, "the damaged file is left as it was")
        shutil.move(keep, db)

    say("a corrupted ledger is refused")
    db = c.path("hub", "ledger.db")
    for ext in ("-wal", "-shm"):
        if os.path.exists(db + ext):
            os.unlink(db + ext)
    size = os.path.getsize(db)
    with open(db, "r+b") as f:
        f.seek(size // 2)
        f.write(os.urandom(16384))
    rc, err = try_start(c.hub_argv())
    check(rc != 0 and "ledger.db" in err, "hub refuses: " + err.strip().splitlines()[-1])


run(main)
