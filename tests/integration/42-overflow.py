"""No sum overflows (issue 11, item 3).

One figure holds 922,337 entries of the largest amount an entry may have
(10^13 fen, 1000亿 yuan), written into the ledger around the stopped hub
(sending them would take minutes): 9,223,370,000,000,000,000 fen, about
2.04 * 10^12 fen short of INT64_MAX. A raw CURVE client then sends, as
the same node, entries for that figure: the one of 10^13 that would take
the sum past INT64_MAX is rejected with a reason (SQLite would have turned
the balance into a REAL, 79.6 billion yuan short, without a word), the
ones that still fit are taken, up to exactly INT64_MAX. The balance stays
an exact integer, and luyuctl ledger and a drafted bulletin (month, year to
date, since the plan began) print it to the fen."""
import json
import sqlite3
import time

import zmq

from luyutest import Cluster, check, pb_batch, pb_entry, pb_hello, run, say
from rawpeer import acked, ask, balances, connect, keypair, welcome_hwm

N, IND, PERIOD = "cq-wanzhou", "agri_sales_to_sd", 201907
MAX_ENTRY = 10 ** 13
PREFILL = 922337
INT64_MAX = 2 ** 63 - 1


def prefill(c):
    db = sqlite3.connect(c.path("hub", "ledger.db"))
    now = int(time.time())
    with db:
        db.executemany(
            "INSERT INTO entry(id, node, seq, unit, indicator, period, amount, note,"
            " recorded_by, recorded_at, received_at) VALUES (?,?,?,?,?,?,?,'','t',?,?)",
            ((i, N, i, N, IND, PERIOD, MAX_ENTRY, now, now) for i in range(1, PREFILL + 1)))
        db.executemany("INSERT INTO chain(root, amount, latest) VALUES (?,?,?)",
                       ((i, MAX_ENTRY, i) for i in range(1, PREFILL + 1)))
        db.execute("INSERT INTO balance VALUES (?,?,?,?,?)",
                   (N, IND, PERIOD, PREFILL * MAX_ENTRY, PREFILL))
        db.execute("INSERT INTO node(id, hwm, first_seen, last_seen, entries)"
                   " VALUES (?,?,?,?,?)", (N, PREFILL, now, now, PREFILL))
    db.close()


def main():
    c = Cluster("overflow")
    pub, sec = keypair()
    c.register(N, N, key=pub)
    c.start_hub()
    c.hub.stop()
    say("filling one figure with %d entries of 10^13 fen around the hub" % PREFILL)
    prefill(c)
    c.start_hub()
    before = balances(c)
    check(before == [(N, IND, PERIOD, PREFILL * MAX_ENTRY, "integer")],
          "balance before: %d fen" % (PREFILL * MAX_ENTRY))

    ctx = zmq.Context()
    s = connect(c, ctx, pub, sec)
    seq = PREFILL
    check(welcome_hwm(ask(s, pb_hello(N))) == seq, "welcome, hwm %d" % seq)
    room = INT64_MAX - PREFILL * MAX_ENTRY
    steps = [(MAX_ENTRY, False), (2 * 10 ** 12, True), (10 ** 11, False),
             (room - 2 * 10 ** 12, True), (1, False)]
    expected = PREFILL * MAX_ENTRY
    for amount, fits in steps:
        seq += 1
        ack = acked(ask(s, pb_batch([pb_entry(seq, N, IND, PERIOD, amount)])))
        check(ack is not None and ack[0] == seq, "seq %d (%d fen) acked" % (seq, amount))
        if fits:
            expected += amount
            check(ack[1] == {}, "  and taken: the sum still fits")
        else:
            check("past 9223372036854775807" in ack[1].get(seq, ""),
                  "  and rejected: %s" % ack[1].get(seq))
    s.close()
    ctx.term()

    check(expected == INT64_MAX, "the accepted entries bring the sum to INT64_MAX exactly")
    after = balances(c)
    check(after == [(N, IND, PERIOD, INT64_MAX, "integer")],
          "balance after: an exact integer, %d fen: %s" % (INT64_MAX, after))
    db = c.ledger_db()
    n, = db.execute("SELECT count(*) FROM entry WHERE seq > ?", (PREFILL,)).fetchone()
    rej = [r[0] for r in db.execute("SELECT seq FROM reject ORDER BY seq")]
    db.close()
    check(n == 2 and rej == [PREFILL + 1, PREFILL + 3, PREFILL + 5],
          "ledger: the 2 entries that fit; the 3 others in reject")
    rc, out, err = c.ctl("ledger", "--state-dir", c.path("hub"), "--format", "json",
                         check_rc=0)
    check("92233720368547758.07" in out, "luyuctl ledger prints 92233720368547758.07 yuan")
    json.loads(out)
    rc, out, err = c.ctl("bulletin", "show", "2019-07", "--state-dir", c.path("hub"), "--draft",
                         "--format", "json", check_rc=0)
    json.loads(out)
    for key in ("month", "ytd", "since_start"):
        check('"%s":"92233720368547758.07"' % key in out,
              "the drafted bulletin's %s is exact: 92233720368547758.07 yuan" % key)


run(main)
