"""Acks wait for the ledger's WAL to be on disk (issue 19, fourth round).

The hub commits its groups of entries without an fsync and a thread of
its own syncs the WAL; a group's acks (and the Welcomes and Pongs that
could report its hwm, and its feed events) are sent only once that sync
returned. With the sync held back (the test hook LUYU_TEST_WALSYNC_HOLD,
as if the disk took that long), entries are committed in the ledger but
their node is not told: its outbox keeps them. A power loss at that moment
(simulated: kill -9, and the WAL cut back to the size it had when
everything before was synced, as a disk that never got the new frames)
takes them out of the ledger again, and the node sends them again: each
ends up in the ledger exactly once. A clean stop with a group held sends
nothing for it either; the node's resend finds it merged."""
import os

from luyutest import Cluster, check, compare_ids, ledger_sums, run, say, wait_until

HOLD = "LUYU_TEST_WALSYNC_HOLD"


def submit(c, node, n, first):
    ids = []
    for i in range(n):
        rc, out, err = c.ctl("submit", "--unit", "cq-wanzhou", "--indicator",
                             "poor_trained", "--period", "2019-07", "--amount",
                             str(first + i), node=node, check_rc=0)
        ids.append(out.strip())
    return ids


def count(c):
    db = c.ledger_db()
    try:
        return db.execute("SELECT count(*) FROM entry").fetchone()[0]
    finally:
        db.close()


def main():
    c = Cluster("acksync")
    hold = c.path("hold-syncs")
    wal = c.path("hub", "ledger.db-wal")
    n = "cq-wanzhou"
    os.environ[HOLD] = hold
    try:
        c.start_hub()
    finally:
        del os.environ[HOLD]
    c.start_node(n, n)

    say("syncs not held: entries are acked as usual")
    ids = submit(c, n, 3, 1)
    wait_until(lambda: c.drained(n), 60, "the first entries acked")
    check(count(c) == 3, "the ledger holds the first 3 entries")
    synced_size = os.path.getsize(wal)

    say("syncs held: entries are committed, nobody is told")
    open(hold, "w").close()
    ids += submit(c, n, 5, 100)
    wait_until(lambda: count(c) == 8, 60, "the held entries committed in the ledger")
    check(os.path.getsize(wal) > synced_size,
          "their frames were written to the WAL after the last sync")
    # The node pings every 300 ms: its Pongs (which carry the hwm) and the
    # acks are held too, so however long one waits here, it holds all 5.
    wait_until(lambda: c.status(n)["link_up"], 60, "the node's link up")
    st = c.status(n)
    check(st["pending"] == 5, "the node was not told of them: %d pending" % st["pending"])

    say("power loss before the sync: kill -9, the unsynced frames never reached the disk")
    c.nodes[n].stop()
    c.hub.kill9()
    os.truncate(wal, synced_size)
    os.unlink(hold)
    c.start_hub()
    check(count(c) == 3, "after the loss the ledger holds the first 3 entries only")

    say("the node sends them again; each ends up once")
    c.start_node(n, n)
    wait_until(lambda: c.drained(n), 60, "the node drained")
    compare_ids(ids, c.ledger_ids())
    sums, balances = ledger_sums(c)
    check(sums == balances, "balances equal the entries' sums")

    say("a clean stop while a group is held: its acks are dropped, not sent early")
    c.hub.stop()
    os.environ[HOLD] = hold
    try:
        c.start_hub()
    finally:
        del os.environ[HOLD]
    open(hold, "w").close()
    ids += submit(c, n, 2, 200)
    wait_until(lambda: count(c) == 10, 60, "the held entries committed in the ledger")
    check(c.status(n)["pending"] == 2, "the node holds the 2 entries")
    check(c.hub.stop() == 0, "the hub stops cleanly with the sync held")
    os.unlink(hold)
    c.start_hub()
    wait_until(lambda: c.drained(n), 60, "the node drained")
    compare_ids(ids, c.ledger_ids())


run(main)
