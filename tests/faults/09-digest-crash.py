"""The hub's ledger digests (ledger/digest.h) through SIGKILLs: a ledger of
eight blocks and a bit, filled around the hub; the hub digests it in the
background and is SIGKILLed at random moments while it does, then restarted.
Every stored block digest must equal the definition in proto/bulletin.proto,
computed here independently in Python, and so must the digest of a bulletin
drafted by luyuctl afterwards."""
import hashlib
import json
import random
import sqlite3
import struct
import time

from luyutest import Cluster, check, run, say, wait_until

BLOCK = 65536
BLOCKS = 8
N = BLOCKS * BLOCK + 1234


def fill(path, n):
    """n entries of the province's units, all indicators, 2018-2019."""
    db = sqlite3.connect(path, isolation_level=None)
    units = [r[0] for r in db.execute("SELECT code FROM unit WHERE province = 'CQ' ORDER BY code")]
    inds = [r[0] for r in db.execute("SELECT code FROM indicator ORDER BY code")]
    rows = []
    for k in range(n):
        rows.append((k + 1, "n-%d" % (k % 7), k // 7 + 1, units[k % len(units)],
                     inds[k % len(inds)], 201801 + (k // 100) % 12 + 100 * ((k // 1200) % 2),
                     (k * 2654435761) % 1000000, "说明 %d" % k if k % 3 else "",
                     "clerk", 1500000000 + k, 1500000000 + k + 60))
    db.execute("BEGIN")
    db.executemany("INSERT INTO entry(id, node, seq, unit, indicator, period, amount, note,"
                   " recorded_by, recorded_at, received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.execute("INSERT INTO balance(unit, indicator, period, amount, entries)"
               " SELECT unit, indicator, period, sum(amount), count(*) FROM entry"
               " GROUP BY unit, indicator, period")
    db.execute("COMMIT")
    db.close()


def step(prev, rows):
    h = hashlib.sha256(prev)
    for (id_, node, seq, unit, ind, period, amount, corrects, note, by, at, recv) in rows:
        def s(x):
            b = x.encode()
            return struct.pack(">I", len(b)) + b
        h.update(struct.pack(">Q", id_) + s(node) + struct.pack(">Q", seq) + s(unit) + s(ind)
                 + struct.pack(">I", period) + struct.pack(">qq", amount, corrects or 0)
                 + s(note) + s(by) + struct.pack(">qq", at, recv))
    return h.digest()


def reference(db, upto):
    """{block end: digest} for every block end <= upto, and the digest at upto."""
    blocks, d, at = {}, bytes(32), 0
    q = ("SELECT id, node, seq, unit, indicator, period, amount, corrects, note, recorded_by,"
         " recorded_at, received_at FROM entry WHERE id > ? AND id <= ? ORDER BY id")
    while at + BLOCK <= upto:
        d = step(d, db.execute(q, (at, at + BLOCK)))
        at += BLOCK
        blocks[at] = d
    return blocks, step(d, db.execute(q, (at, upto)))


def stored(c):
    db = c.ledger_db()
    try:
        return {u: bytes(d) for u, d in db.execute("SELECT upto, digest FROM digest_block")}
    except sqlite3.OperationalError:
        return {}
    finally:
        db.close()


def main():
    rnd = random.Random(909)
    c = Cluster("digest-crash")
    c.start_hub()
    c.hub.stop()
    fill(c.path("hub", "ledger.db"), N)
    say("  filled %d entries around the hub" % N)

    kills = 0
    for k in range(8):
        c.start_hub()
        time.sleep(rnd.uniform(0.05, 0.6))
        have = len(stored(c))
        c.hub.kill9()
        kills += 1
        say("  SIGKILL %d with %d of %d blocks stored" % (kills, have, BLOCKS))
        if have == BLOCKS:
            break
    c.start_hub()
    wait_until(lambda: len(stored(c)) == BLOCKS, 120, "the hub to digest every block")

    db = c.ledger_db()
    want, at_end = reference(db, N)
    db.close()
    got = stored(c)
    check(sorted(got) == [k * BLOCK for k in range(1, BLOCKS + 1)],
          "blocks stored at %s" % sorted(got))
    for upto, d in want.items():
        check(got.get(upto) == d, "block ending at %d equals the definition" % upto)

    rc, out, err = c.ctl("bulletin", "show", "2019-06", "--draft", "--format", "json",
                         "--state-dir", c.path("hub"), check_rc=0)
    b = json.loads(out)["bulletin"]
    check(b["upto_entry"] == N and b["chain_from"] == BLOCKS * BLOCK
          and b["entries_hashed"] == N - BLOCKS * BLOCK,
          "the draft chains from the last block (%s, %s, %s)"
          % (b["upto_entry"], b["chain_from"], b["entries_hashed"]))
    check(bytes.fromhex(b["chain_digest"]) == want[BLOCKS * BLOCK], "its chain digest is the block's")
    check(bytes.fromhex(b["digest"]) == at_end, "its digest equals the definition")


run(main)
