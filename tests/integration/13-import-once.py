"""An import is stored once: running the same import again (after its
answer was lost, or by mistake) stores nothing and names the entries of the
first run; the same rows in another file are the same import; --again
stores them once more. The hub ends with every stored entry exactly once."""
import random

from luyutest import (Cluster, check, compare_ids, import_rows, run, sample_rows, say,
                      wait_until, write_csv)


def range_of(out):
    """'(cq-wanzhou/1 .. cq-wanzhou/50)' in luyuctl's answer."""
    a = out.index("(")
    b = out.index(")", a)
    return out[a + 1:b]


def main():
    c = Cluster("import-once")
    c.start_hub()
    n = "cq-wanzhou"
    c.start_node(n, n)
    rnd = random.Random(13)
    rows = sample_rows(n, 50, rnd)
    accepted = []

    say("first import stores 50 entries")
    rc, ids = import_rows(c, n, rows, name="a.csv")
    check(rc == 0 and len(ids) == 50, "imported")
    accepted += ids
    first = "%s .. %s" % (ids[0], ids[-1])

    say("the same file again: nothing stored, the first ids named")
    rc, out, err = c.ctl("import", c.path("a.csv"), node=n, check_rc=0)
    check(out.startswith("already imported 50 entries") and range_of(out) == first,
          "repeat answered with the first run's ids: " + out.strip())
    check("nothing stored again" in out and "--again" in out, "says what to do")
    check(c.status(n)["last_seq"] == 50, "nothing stored by the repeat")

    say("the same rows in another file (CRLF, every field quoted) are the same import")
    other = c.path("a-copy.csv")
    with open(other, "w", newline="") as f:
        f.write("unit,indicator,period,amount,note\r\n")
        for r in rows:
            f.write(",".join('"%s"' % x for x in r) + "\r\n")
    rc, out, err = c.ctl("import", other, node=n, check_rc=0)
    check(out.startswith("already imported") and range_of(out) == first, out.strip())

    say("a dry run of it says so too")
    rc, out, err = c.ctl("import", other, "--dry-run", node=n, check_rc=0)
    check(out.startswith("already imported"), out.strip())
    check(c.status(n)["last_seq"] == 50, "still 50")

    say("--again stores them once more; being duplicates, they need --confirm")
    rc, out, err = c.ctl("import", other, "--again", node=n)
    check(rc == 2 and "likely duplicate" in err and "--confirm" in err,
          "--again alone: the rows are likely duplicates, nothing stored")
    rc, out, err = c.ctl("import", other, "--again", "--confirm", node=n, check_rc=0)
    check(out.startswith("imported 50 entries") and range_of(out) == "%s/51 .. %s/100" % (n, n),
          out.strip())
    accepted += ["%s/%d" % (n, s) for s in range(51, 101)]

    say("other rows, or the same rows in another order, are another import")
    rc, ids = import_rows(c, n, sample_rows(n, 20, rnd), name="b.csv")
    check(rc == 0 and len(ids) == 20, "imported b")
    accepted += ids
    rc, ids = import_rows(c, n, list(reversed(rows)), name="a-reversed.csv")
    check(rc == 0 and len(ids) == 50, "imported a reversed")
    accepted += ids

    say("the hub holds every stored entry exactly once")
    wait_until(lambda: c.drained(n), 30, "drain")
    compare_ids(accepted, c.ledger_ids())


run(main)
