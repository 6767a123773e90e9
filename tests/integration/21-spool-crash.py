"""The spool through SIGKILLs: 36 files (6 of them refused) are dropped
while the node is SIGKILLed at random moments, also in the middle of
importing them; restarted each time, it takes what is left. In the end each
file is in exactly one of done/ and failed/ (refused files with FILE.err),
none is left in the spool, and the hub ledger holds exactly the rows of the
good files, none twice, none missing."""
import collections
import os
import random
import time

from luyutest import Cluster, check, run, say, wait_until

FILES, BAD, ROWS, ROUNDS = 36, 6, 400, 12


def make_files(rnd):
    """name -> (text, rows or None for a refused file)."""
    inds = [("agri_sales_to_sd", True), ("poor_trained", False), ("cadres_to_sd", False)]
    files = {}
    for i in range(FILES):
        rows = []
        lines = ["单位,指标,月份,金额,备注"]
        for j in range(ROWS):
            ind, money = inds[rnd.randrange(len(inds))]
            y, m = rnd.choice((2018, 2019, 2020)), rnd.randrange(1, 13)
            fen = rnd.randrange(1, 10 ** 8) if money else rnd.randrange(1, 50)
            amt = "%d.%02d" % divmod(fen, 100) if money else str(fen)
            note = "f%d r%d" % (i, j)
            lines.append("cq-wanzhou,%s,%d年%d月,%s,%s" % (ind, y, m, amt, note))
            rows.append(("cq-wanzhou", ind, y * 100 + m, fen, note))
        bad = i % (FILES // BAD) == 0
        if bad:
            lines[ROWS // 2] = "cq-wanzhou,poor_trained,2019-07,1.25E+06,bad"
        files["m%02d.csv" % i] = ("\r\n".join(lines) + "\r\n", None if bad else rows)
    return files


def main():
    c = Cluster("spool-crash")
    c.start_hub()
    n = "cq-wanzhou"
    spool = c.path("spool")
    os.makedirs(spool)
    rnd = random.Random(15)
    files = make_files(rnd)
    names = sorted(files)
    kills = 0
    say("drop %d files of %d rows, SIGKILL the node at random moments" % (FILES, ROWS))
    # Random rows are outliers and duplicates by the node's data-quality
    # checks; this spool vouches for its files (spool_confirm), as a
    # district's own system would.
    while names or kills < ROUNDS:
        node = c.start_node(n, n, extra=["--spool", spool, "--spool-confirm"])
        for name in names[:rnd.randrange(1, 6)]:
            tmp = os.path.join(spool, "." + name + ".tmp")
            with open(tmp, "w", encoding="gb18030", newline="") as f:
                f.write(files[name][0])
            os.rename(tmp, os.path.join(spool, name))
            names.remove(name)
        time.sleep(rnd.uniform(0.0, 0.6))
        node.kill9()
        kills += 1
    say("%d SIGKILLs; a last start takes what is left" % kills)
    # A SIGKILL between the outbox commit and the move to done/ leaves the
    # file in the spool with its key in the outbox; random kills seldom hit
    # that window, so make the state for sure: commit a file with luyuctl
    # import while the node runs without a spool, then drop it.
    node = c.start_node(n, n)
    path = c.path("extra.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(files["m01.csv"][0].replace(" r", " x"))
    rc, out, err = c.ctl("import", path, "--confirm", node=n, check_rc=0)
    node.stop()
    os.rename(path, os.path.join(spool, "extra.csv"))
    text, rows = files["m01.csv"]
    files["extra.csv"] = (text.replace(" r", " x"),
                          [r[:4] + (r[4].replace(" r", " x"),) for r in rows])
    c.start_node(n, n, extra=["--spool", spool, "--spool-confirm"])
    left = lambda: [x for x in os.listdir(spool) if x not in ("done", "failed")
                    and not x.startswith(".")]
    wait_until(lambda: not left(), 120, "spool drained")
    done = set(os.listdir(c.path("spool", "done")))
    failed = set(os.listdir(c.path("spool", "failed")))
    misplaced = []
    for name, (text, rows) in sorted(files.items()):
        where = [d for d, s in (("done", done), ("failed", failed)) if name in s]
        want = "done" if rows is not None else "failed"
        if where != [want] or (rows is None and name + ".err" not in failed):
            misplaced.append("%s in %s" % (name, where))
    check(not misplaced, "each file in exactly one of done/ and failed/, refused ones "
          "with FILE.err %s" % misplaced)
    check(len(done) == FILES - BAD + 1 and len(failed) == 2 * BAD,
          "done/ holds %d files, failed/ %d files and their .err" % (len(done), BAD))
    with open(c.path("spool", "failed", "m00.csv.err"), encoding="utf-8") as f:
        err = f.read()
    check("m00.csv:%d:4: amount \"1.25E+06\"" % (ROWS // 2 + 1) in err, err.splitlines()[0])
    log = open(c.path(n + ".log"), encoding="utf-8", errors="replace").read()
    check(log.count("already imported, nothing stored again") >= 1,
          "a file whose rows were committed before the crash went to done/ "
          "without being stored again (%d such files)"
          % log.count("already imported, nothing stored again"))
    say("the ledger holds the rows of the good files exactly once")
    wait_until(lambda: c.drained(n), 60, "drain")
    want = collections.Counter(r for _, rows in files.values() if rows for r in rows)
    db = c.ledger_db()
    got = collections.Counter(db.execute(
        "SELECT unit, indicator, period, amount, note FROM entry"))
    db.close()
    missing, extra = want - got, got - want
    check(not missing and not extra,
          "ledger == rows of the good files (%d entries; %d missing, %d extra)"
          % (sum(want.values()), sum(missing.values()), sum(extra.values())))


run(main)
