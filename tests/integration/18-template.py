"""luyuctl template writes a unit's month as .xlsx and as CSV, with every
indicator of the plan, its Chinese name and base unit, and the month as
text; filled in by a spreadsheet library (openpyxl for the .xlsx, as Excel
saves "CSV UTF-8" for the CSV), each imports back unchanged and the hub
ledger holds exactly the amounts typed in."""
import collections
import configparser
import csv
import io
import os
import sys

from luyutest import PLAN, Cluster, check, run, say, wait_until

try:
    import openpyxl
except ImportError:
    print("SKIP: python3-openpyxl is not installed (scripts/deps installs it)")
    sys.exit(77)


def plan_indicators():
    cp = configparser.ConfigParser(interpolation=None, strict=False)
    cp.read(PLAN, encoding="utf-8")
    out = []
    for s in cp.sections():
        # A derived figure (source = pool.planned) is not typed: no row.
        if s.startswith("indicator ") and "source" not in cp[s]:
            out.append((s.split()[1], cp[s]["name"], cp[s]["unit"]))
    return out


def main():
    c = Cluster("template")
    c.start_hub()
    n = "cq-wanzhou"
    c.start_node(n, n)
    inds = plan_indicators()
    base = {"yuan": "元", "persons": "人", "count": "个"}
    want = collections.Counter()

    say("an .xlsx template for 万州区, July 2019")
    x = c.path("t.xlsx")
    rc, out, err = c.ctl("--plan", PLAN, "template", "--unit", "万州区", "--period", "2019-07",
                         "--out", x, check_rc=0)
    check(out.startswith("wrote %s: %d indicators" % (x, len(inds))), out.strip())
    say("imported untouched, it is refused only for the empty amounts (libxlsxwriter "
        "writes shared strings: every name is read and resolved)")
    rc, out, err = c.ctl("import", x, node=n)
    lines = [l for l in err.splitlines() if l.startswith(x + ":")]
    check(rc == 2 and len(lines) == len(inds)
          and all(":5: (E" in l and "amount is empty" in l for l in lines),
          "%d problems, each an empty amount in column E: %s" % (len(lines), lines[:2]))
    wb = openpyxl.load_workbook(x)
    ws = wb.active
    check([v.value for v in ws[1]] == ["单位", "指标", "计量单位", "月份", "金额", "备注"],
          "header 单位,指标,计量单位,月份,金额,备注")
    rows = list(ws.iter_rows(min_row=2))
    check([(r[0].value, r[1].value, r[2].value) for r in rows]
          == [("万州区", name, base[u]) for _, name, u in inds],
          "one row per indicator with its name and base unit, in plan order")
    check(all(r[3].value == "2019-07" and r[3].data_type == "s"
              and r[3].number_format == "@" for r in rows), "the month is text, 2019-07")
    for i, r in enumerate(rows):
        code, name, u = inds[i]
        amount = 1000 + i
        r[4].value = amount + 0.5 if u == "yuan" else amount
        want[(n, code, 201907, (amount * 100 + 50) if u == "yuan" else amount, "")] += 1
    wb.save(x)
    rc, out, err = c.ctl("import", x, node=n)
    check(rc == 0 and out.startswith("imported %d entries" % len(inds)), out + err)

    say("a CSV template for cq-wanzhou, August 2019, filled in and saved as CSV UTF-8")
    p = c.path("t.csv")
    c.ctl("--plan", PLAN, "template", "--unit", "cq-wanzhou", "--period", "2019-08",
          "--out", p, check_rc=0)
    with open(p, encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    check(table[0] == ["单位", "指标", "计量单位", "月份", "金额", "备注"], "CSV header")
    check(all(r[3] == "2019年8月" for r in table[1:]), "the month as 2019年8月")
    for i, r in enumerate(table[1:]):
        code, name, u = inds[i]
        r[4] = "{:,}".format(2000 + i)
        r[5] = "八月"
        want[(n, code, 201908, (2000 + i) * (100 if u == "yuan" else 1), "八月")] += 1
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(table)
    with open(p, "w", encoding="utf-8-sig", newline="") as f:
        f.write(buf.getvalue())
    rc, out, err = c.ctl("import", p, node=n)
    check(rc == 0 and out.startswith("imported %d entries" % len(inds)), out + err)

    say("refusals: an existing file, an unknown unit")
    rc, out, err = c.ctl("--plan", PLAN, "template", "--unit", "万州区", "--period", "2019-07",
                         "--out", x)
    check(rc == 2 and "exists" in err, err.strip())
    rc, out, err = c.ctl("--plan", PLAN, "template", "--unit", "万洲区", "--period", "2019-07",
                         "--out", c.path("u.xlsx"))
    check(rc == 2 and "did you mean 万州区 (cq-wanzhou)" in err, err.strip())

    say("the hub ledger holds exactly the amounts typed in")
    wait_until(lambda: c.drained(n), 30, "drain")
    db = c.ledger_db()
    got = collections.Counter(db.execute(
        "SELECT unit, indicator, period, amount, note FROM entry"))
    db.close()
    check(got == want, "ledger == typed (%d entries)" % sum(want.values()))


run(main)
