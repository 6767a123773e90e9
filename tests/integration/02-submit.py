"""Entering figures: submit, import (all-or-nothing, every bad line named),
correct, status, ledger and history, as a district clerk would use them."""
import json

from luyutest import Cluster, check, run, say, wait_until, write_csv


def main():
    c = Cluster("submit")
    c.start_hub()
    c.start_node("cq-wanzhou", "cq-wanzhou,cq-kaizhou")
    n = "cq-wanzhou"

    say("submit one entry")
    rc, out, err = c.ctl("submit", "--unit", "cq-wanzhou", "--indicator", "agri_sales_to_sd",
                         "--period", "2019-07", "--amount", "1234.56", "--note", "鲁渝 first",
                         node=n, check_rc=0)
    check(out.strip() == "cq-wanzhou/1", "prints the new id: " + out.strip())

    say("bad input is refused with exit 2 and nothing stored")
    cases = [
        (["--unit", "cq-nowhere"], "cq-nowhere"),
        (["--unit", "cq-fengjie"], "not reported by"),
        (["--indicator", "agri_sale"], "agri_sale"),
        (["--period", "2019-13"], "2019-13"),
        (["--period", "2025-01"], "outside the plan"),
        (["--amount", "12.345"], "decimals"),
        (["--amount", "abc"], "abc"),
        (["--amount", "99999999999999999999"], "large"),
        # Bytes that are not UTF-8 (surrogateescape makes "\udcff" the
        # byte 0xff on the command line): named, never echoed.
        (["--note", "bad \udcff note"], "note is not valid UTF-8"),
        (["--unit", "cq-\udce9\udcb2"], "unit is not valid UTF-8"),
    ]
    for override, word in cases:
        args = {"--unit": "cq-wanzhou", "--indicator": "agri_sales_to_sd",
                "--period": "2019-07", "--amount": "1"}
        args[override[0]] = override[1]
        argv = ["submit"] + [x for kv in args.items() for x in kv]
        rc, out, err = c.ctl(*argv, node=n)
        check(rc == 2 and word in err, "%s %a -> exit 2: %s" % (override[0], override[1],
                                                                 err.strip()))
    rc, out, err = c.ctl("submit", "--unit", "cq-wanzhou", "--indicator", "poor_trained",
                         "--period", "2019-07", "--amount", "1.5", node=n)
    check(rc == 2, "persons cannot have decimals")
    check(c.status(n)["last_seq"] == 1, "nothing was stored by the refused submits")

    say("import: all or nothing")
    good = c.path("good.csv")
    write_csv(good, [("cq-wanzhou", "poor_trained", "2019-07", "25", "培训"),
                     ("cq-kaizhou", "agri_sales_to_sd", "2019-07", "100000", '"a, b"'),
                     ("cq-kaizhou", "cadres_to_sd", "2019-08", "3", "")])
    rc, out, err = c.ctl("import", good, "--dry-run", node=n, check_rc=0)
    check(c.status(n)["last_seq"] == 1, "dry run stores nothing")
    rc, out, err = c.ctl("import", good, node=n, check_rc=0)
    check(c.status(n)["last_seq"] == 4, "import stored 3 entries: " + out.strip())
    bad = c.path("bad.csv")
    write_csv(bad, [("cq-wanzhou", "poor_trained", "2019-07", "25", ""),
                    ("cq-wanzhou", "poor_trained", "2019-17", "25", ""),
                    ("cq-wanzhou", "nope", "2019-07", "25", ""),
                    ("cq-wanzhou", "poor_trained", "2019-07", "2.5", "")])
    rc, out, err = c.ctl("import", bad, node=n)
    check(rc == 2 and "bad.csv:3:" in err and "bad.csv:4:" in err and "bad.csv:5:" in err
          and "bad.csv:2:" not in err, "every bad line named with its line number")
    check(c.status(n)["last_seq"] == 4, "a bad import stores nothing")
    broken = c.path("broken.csv")
    with open(broken, "w") as f:
        f.write('unit,indicator,period,amount,note\ncq-wanzhou,poor_trained,2019-07,1,"open\n')
    rc, out, err = c.ctl("import", broken, node=n)
    check(rc == 2 and "broken.csv:2" in err, "broken CSV named: " + err.strip())

    say("the hub receives everything")
    wait_until(lambda: c.drained(n), 20, "drain")
    rc, out, err = c.ctl("ledger", *c.ledger_args(), "--format", "csv", check_rc=0)
    lines = out.strip().splitlines()
    check(lines[0] == "unit,indicator,period,amount", "csv header")
    check("cq-wanzhou,agri_sales_to_sd,2019-07,1234.56" in lines, "money shown in yuan")
    check("cq-kaizhou,agri_sales_to_sd,2019-07,100000.00" in lines, "import arrived")

    say("correct an entry; the figure changes, the history keeps both")
    rc, out, err = c.ctl("correct", "cq-wanzhou/1", "--amount", "2000", "--note", "typo",
                         node=n, check_rc=0)
    check(out.strip() == "cq-wanzhou/5", "correction is a new entry: " + out.strip())
    rc, out, err = c.ctl("correct", "cq-wanzhou/99", "--amount", "1", node=n)
    check(rc == 2, "correcting an unknown entry is refused")
    wait_until(lambda: c.drained(n), 20, "drain")
    rc, out, err = c.ctl("ledger", *c.ledger_args(), "--format", "json",
                         "--unit", "cq-wanzhou", "--indicator", "agri_sales_to_sd", check_rc=0)
    rows = json.loads(out)
    check(len(rows) == 1 and rows[0]["amount"] == "2000.00", "balance is the corrected figure")
    rc, out, err = c.ctl("history", *c.ledger_args(), "cq-wanzhou/1", check_rc=0)
    check("1,234.56 yuan" in out and "2,000.00 yuan" in out and "typo" in out,
          "history shows the old and the new figure")
    rc, out, err = c.ctl("history", *c.ledger_args(),
                         "cq-wanzhou/agri_sales_to_sd/2019-07", check_rc=0)
    check("1,234.56 yuan" in out and "2,000.00 yuan" in out,
          "history of a figure by unit/indicator/month")
    rc, out, err = c.ctl("ledger", *c.ledger_args(), "--period", "2019-13")
    check(rc == 2, "ledger refuses a bad period")

    st = c.status(n)
    check(st["link_up"] and st["pending"] == 0 and st["acknowledged"] == 5,
          "status: link up, 0 pending, 5 acknowledged")


run(main)
