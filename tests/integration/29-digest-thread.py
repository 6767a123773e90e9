"""The hub's block digests (ledger/digest.h), hashed on the digester's own
thread with its own read-only connection while the loop merges entries
(issue 19, fifth round). The load generator's nodes deliver more than two
blocks of entries; the thread digests the first blocks while the intake
still commits the rest. Once /metrics says no final block waits, every
stored block digest must equal the definition in proto/bulletin.proto,
computed here independently in Python from the ledger's rows, and so must
the chain digest of a bulletin drafted by luyuctl. Then the stored digests
are removed with the hub stopped and the thread is held in the middle of a
block (the test hook LUYU_TEST_DIGEST_HOLD): a hub stopped (SIGTERM) then
exits cleanly, one SIGKILLed starts again, and stores the same digests
again. Runs on SQLite and, in the
PostgreSQL suite, on PostgreSQL. Outcomes only: deadlines catch hangs."""
import hashlib
import json
import os
import struct
import subprocess
import urllib.request

from luyutest import BIN, PLAN, Cluster, check, free_port, run, say, wait_until

BLOCK = 65536
BLOCKS = 2
ENTRIES = BLOCKS * BLOCK + 8888
NODES = 4
# The digester waits in the middle of a block while this file exists.
HOLD = "LUYU_TEST_DIGEST_HOLD"


def step(prev, rows):
    h = hashlib.sha256(prev)

    def s(x):
        b = str(x).encode()
        return struct.pack(">I", len(b)) + b
    for (id_, node, seq, unit, ind, period, amount, corrects, note, by, at, recv) in rows:
        h.update(struct.pack(">Q", id_) + s(node) + struct.pack(">Q", seq) + s(unit) + s(ind)
                 + struct.pack(">I", period) + struct.pack(">qq", amount, corrects or 0)
                 + s(note) + s(by) + struct.pack(">qq", at, recv))
    return h.digest()


def reference(c, blocks):
    """{block end: digest} for the first `blocks` blocks, from the ledger's
    rows (SQLite or PostgreSQL) by the definition."""
    db = c.ledger_db()
    want, d = {}, bytes(32)
    try:
        for k in range(blocks):
            rows = db.execute("SELECT id, node, seq, unit, indicator, period, amount,"
                              " coalesce(corrects, 0), note, recorded_by, recorded_at,"
                              " received_at FROM entry WHERE id > %d AND id <= %d ORDER BY id"
                              % (k * BLOCK, (k + 1) * BLOCK)).fetchall()
            check(len(rows) == BLOCK, "block %d holds %d entries" % (k + 1, len(rows)))
            d = step(d, rows)
            want[(k + 1) * BLOCK] = d
    finally:
        db.close()
    return want


def stored(c):
    """{upto: digest} of the digest_block table."""
    db = c.ledger_db()
    hexed = "encode(digest, 'hex')" if c.pg is not None else "hex(digest)"
    try:
        return {int(u): bytes.fromhex(str(h)) for u, h in
                db.execute("SELECT upto, %s FROM digest_block" % hexed).fetchall()}
    finally:
        db.close()


def forget_digests(c):
    """Removes the stored block digests, the hub stopped."""
    if c.pg is not None:
        c.pg.writable().sql("DELETE FROM digest_block")
        return
    import sqlite3
    db = sqlite3.connect(c.path("hub", "ledger.db"), isolation_level=None)
    db.execute("DELETE FROM digest_block")
    db.close()


def metric(port, name):
    """A gauge of the hub's /metrics, or None while it cannot be read."""
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=30) as r:
            text = r.read().decode()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


def caught_up(port):
    return (metric(port, "luyu_hub_digest_backlog_entries") == 0 and
            metric(port, "luyu_hub_digest_done_entry") == BLOCKS * BLOCK)


def main():
    c = Cluster("digestthread")
    port = free_port()
    out = subprocess.run([os.path.join(BIN, "luyu-loadgen"), "units", "--nodes", str(NODES),
                          "--plan", PLAN], capture_output=True, check=True,
                         timeout=60).stdout.decode()
    for line in out.splitlines():
        node, unit = line.split()[:2]
        c.register(node, unit)
    hub_args = ["--metrics", "127.0.0.1:%d" % port]
    c.start_hub(hub_args)

    say("the load generator delivers %d entries (%d blocks and a bit)" % (ENTRIES, BLOCKS))
    gen = subprocess.run(
        [os.path.join(BIN, "luyu-loadgen"), "ingest", "--endpoint", c.endpoint,
         "--hub-key", c.path("keys", c.hub_id + ".pub"), "--keys", c.path("keys"),
         "--nodes", str(NODES), "--entries", str(ENTRIES), "--batch", "500",
         "--window", "4", "--plan", PLAN, "--timeout", "600"],
        capture_output=True, timeout=900)
    check(gen.returncode == 0, "the load generator's entries are all merged: %s"
          % gen.stderr.decode()[-300:])
    wait_until(lambda: caught_up(port), 300, "/metrics to show the digests caught up")
    say("  /metrics: every final block digested, backlog 0")

    want = reference(c, BLOCKS)
    got = stored(c)
    check(sorted(got) == sorted(want), "blocks stored at %s" % sorted(got))
    for upto, d in sorted(want.items()):
        check(got.get(upto) == d, "the thread's block ending at %d equals the definition" % upto)

    rc, out, err = c.ctl("bulletin", "show", "2019-07", "--draft", "--format", "json",
                         *c.ledger_args(), check_rc=0)
    b = json.loads(out)["bulletin"]
    check(b["chain_from"] == BLOCKS * BLOCK and b["upto_entry"] == ENTRIES,
          "the draft chains from the last block (%s, %s)" % (b["chain_from"], b["upto_entry"]))
    check(bytes.fromhex(b["chain_digest"]) == want[BLOCKS * BLOCK],
          "the draft's chain digest is the thread's block's")

    say("a hub stopped while its thread hashes exits cleanly")
    rc = c.hub.stop(60)
    check(rc == 0, "the hub stopped (exit %s)" % rc)
    forget_digests(c)
    hold = c.path("digest-hold")
    open(hold, "w").close()
    os.environ[HOLD] = hold
    try:
        c.start_hub(hub_args)
        wait_until(lambda: "held in the middle of a block" in c.hub.new_log(), 60,
                   "the thread to be in the middle of a block")
        rc = c.hub.stop(60)
        check(rc == 0, "SIGTERM in the middle of a block: the hub exits 0 (exit %s)" % rc)
        check(stored(c) == {}, "no block stored")

        say("a hub SIGKILLed while its thread hashes")
        c.start_hub(hub_args)
        wait_until(lambda: "held in the middle of a block" in c.hub.new_log(), 60,
                   "the thread to be in the middle of a block")
        c.hub.kill9()
        check(stored(c) == {}, "no block stored")
    finally:
        del os.environ[HOLD]
    os.unlink(hold)
    c.start_hub(hub_args)
    wait_until(lambda: caught_up(port), 300, "the restarted hub to digest every block")
    got = stored(c)
    check(sorted(got) == sorted(want), "blocks stored again at %s" % sorted(got))
    for upto, d in sorted(want.items()):
        check(got.get(upto) == d, "after the kill, the block ending at %d is right" % upto)

run(main)
