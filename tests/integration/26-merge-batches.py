"""The hub's merge of originals and corrections, in one group commit and
across several, checked against a Python reference. Written for the
PostgreSQL ledger's batched path (issue 20: originals go to the server
in batches of up to 1,000 rows, a chain row is made only at a chain's
first correction), and run against both ledgers (integration/ and
integration-pg/ in tests/CMakeLists.txt):

- a correction of an original still waiting in the unsent batch (the
  same Batch message), of one sent in an earlier batch, of a correction
  (the chain's row made in the same transaction), and of a chain
  corrected in an earlier commit;
- notes with the array syntax's specials (quotes, backslashes, braces,
  commas, the word NULL, an empty note) and Chinese, stored exactly;
- a correction that names a different figure or an entry not in the
  ledger is rejected with its reason; a resent batch merges nothing.

At the end the balances equal the reference's sums of each chain's
latest figure, and so do the sums over the entries."""
import zmq

from luyutest import Cluster, check, pb_batch, pb_entry, pb_hello, run, say
from rawpeer import acked, ask, connect, keypair, welcome_hwm

N, UNIT, IND = "cq-wanzhou", "cq-wanzhou", "cadres_to_sd"
NOTES = ['say "hi"', "back\\slash", "{brace}", "a,b", "NULL", "", "\u519c\u526f\u4ea7\u54c1",
         '"}\\{,']


class Ref:
    """What the ledger must hold: each chain's latest figure by its root."""

    def __init__(self):
        self.entries = {}  # seq -> (period, amount, note, root)
        self.latest = {}   # root -> amount

    def original(self, seq, period, amount, note):
        self.entries[seq] = (period, amount, note, seq)
        self.latest[seq] = amount

    def correct(self, seq, target, amount, note):
        period, _, _, root = self.entries[target]
        self.entries[seq] = (period, amount, note, root)
        self.latest[root] = amount

    def balances(self):
        out = {}
        for root, amount in self.latest.items():
            p = self.entries[root][0]
            out[p] = out.get(p, 0) + amount
        return out


def period_of(seq):
    return 201901 + seq % 12


def main():
    c = Cluster("merge-batches")
    pub, sec = keypair()
    c.register(N, UNIT, key=pub)
    c.start_hub()
    ctx = zmq.Context()
    s = connect(c, ctx, pub, sec)
    check(welcome_hwm(ask(s, pb_hello(N))) == 0, "welcome")
    ref = Ref()
    seq = 0
    batches = []

    def original():
        nonlocal seq
        seq += 1
        note = NOTES[seq % len(NOTES)]
        ref.original(seq, period_of(seq), 1000 + seq, note)
        return pb_entry(seq, UNIT, IND, period_of(seq), 1000 + seq, note=note)

    def correction(target, amount):
        nonlocal seq
        seq += 1
        note = "fix %d {\"%d\"}" % (target, target)
        ref.correct(seq, target, amount, note)
        return pb_entry(seq, UNIT, IND, ref.entries[target][0], amount, note=note,
                        corrects="%s/%d" % (N, target))

    # Three messages of 995 originals: past one batch of the PostgreSQL
    # ledger, so that some wait unsent when the corrections come.
    for _ in range(3):
        batches.append([original() for _ in range(995)])
    last = batches[-1]
    waiting, sent = seq - 5, 10  # one in this message, one long sent
    last.append(correction(waiting, 7))
    last.append(correction(seq, 8))  # a correction of that correction
    last.append(correction(sent, 9))
    bad = seq + 1
    last.append(pb_entry(bad, UNIT, IND, 201812, 5, corrects="%s/%d" % (N, sent)))
    missing = seq + 2
    last.append(pb_entry(missing, UNIT, IND, 201901, 5, corrects="%s/%d" % (N, 99999)))
    seq += 2
    for b in batches:
        a = acked(ask(s, pb_batch(b), 60000))
        check(a is not None, "a batch of %d entries is acked" % len(b))
    check(a[0] == seq, "acked up to %d (%s)" % (seq, a[0]))
    check(sorted(a[1]) == [bad, missing] and "different figure" in a[1][bad]
          and "not in the ledger" in a[1][missing],
          "the bad corrections are rejected with reasons: %s" % a[1])

    say("the same again: nothing new")
    a = acked(ask(s, pb_batch(batches[-1]), 60000))
    check(a is not None and a[0] == seq, "a resent batch is acked at %s" % (a and a[0]))

    say("a chain corrected in an earlier commit, corrected again")
    a = acked(ask(s, pb_batch([correction(waiting, 11), correction(sent, 12), original()]),
                  60000))
    check(a is not None and a[0] == seq and not a[1], "acked up to %d" % seq)

    db = c.ledger_db()
    try:
        rows = db.execute("SELECT seq, period, amount, note FROM entry ORDER BY seq").fetchall()
        bal = dict((r[0], r[1]) for r in db.execute(
            "SELECT period, amount FROM balance WHERE unit = '%s' AND indicator = '%s'"
            % (UNIT, IND)).fetchall())
        sums = dict((r[0], r[1]) for r in db.execute(
            "SELECT period, sum(amount) FROM entry WHERE id IN (SELECT max(id)"
            " FROM entry GROUP BY coalesce(root, id)) GROUP BY period").fetchall())
    finally:
        db.close()
    want = [(k, v[0], v[1], v[2]) for k, v in sorted(ref.entries.items())]
    got = [(r[0], r[1], r[2], r[3] if r[3] is not None else "") for r in rows]
    check(got == want, "the ledger holds every entry once, notes exact (%d of %d)"
          % (len(got), len(want)))
    check(bal == ref.balances(), "the balances are the sums of each chain's latest figure")
    check(sums == ref.balances(), "and so are the latest entries of the chains")


if __name__ == "__main__":
    run(main)
