"""The text, Markdown and CSV bulletins carry what the HTML one has (issue
18): the per-district table of the month from the signed unit figures,
the indicators with nothing to say collapsed into one line (behind at
zero with no target due included), and in the year's last bulletin the
districts' assessment. Money reads in 万元/亿元 (yuan with separators in
English) in text and Markdown; CSV has codes and stored integers (fen).
Expected values are computed here from the CSV the district imported and
from luyuctl assess."""
from decimal import ROUND_HALF_UP, Decimal
import csv
import io
import json
import os
import subprocess
import sys

from luyutest import (BIN, PLAN, SRC, Cluster, check, have_locale, locale_env, run, say,
                      wait_until)

UNITS = "cq-wanzhou,cq-kaizhou"


def ctl(*args, lang=None):
    argv = [os.path.join(BIN, "luyuctl"), "--plan", PLAN] + list(args)
    p = subprocess.run(argv, capture_output=True, timeout=120, stdin=subprocess.DEVNULL,
                       env=locale_env(lang))
    check(p.returncode == 0, "luyuctl %s: %s" % (" ".join(args), p.stderr.decode().strip()))
    return p.stdout.decode()


def grouped(d, places):
    q = Decimal(1).scaleb(-places)
    return "{:,.{}f}".format(d.quantize(q, rounding=ROUND_HALF_UP), places)


def for_people(d, base_unit):
    """An exact amount as the English text reads it."""
    if base_unit == "yuan":
        return grouped(d, 2) + " yuan"
    unit = {"persons": " persons", "count": " items"}.get(base_unit, "")
    return grouped(d, 0) + unit


def due(b, ind):
    last = b["period"] == b["plan_end"]
    if ind["target_kind"] in ("yearly_min", "growth", "coverage"):
        return b["period"].endswith("-12") or last
    return ind["target_kind"] in ("period_min", "level", "ratio") and last


def expanded(b, ind):
    """Rows for figures this month or year, or behind with something
    counting or the target due; the rest collapsed."""
    return (Decimal(ind["month"]) != 0 or Decimal(ind["ytd"]) != 0 or
            (ind["status"] == "behind" and (Decimal(str(ind["actual"])) != 0 or due(b, ind))))


def md_table_after(md, heading):
    """The rows (lists of cells) of the first pipe table after heading."""
    lines = md.split("\n")
    check(heading in lines, "Markdown has the heading %r" % heading)
    rows = []
    for line in lines[lines.index(heading) + 1:]:
        if line.startswith("|"):
            rows.append([c.strip() for c in line.strip("|").split(" | ")])
        elif rows:
            break
    return [r for r in rows if not set("".join(r)) <= set("-: ")]


def main():
    c = Cluster("formats")
    c.start_hub()
    c.start_node("cq-wanzhou", UNITS)
    hub = c.path("hub")
    month = c.path("month.csv")
    with open(month, "w", encoding="utf-8") as f:
        subprocess.run([sys.executable, os.path.join(SRC, "scripts", "sample-month.py"),
                        "2019-07", UNITS], stdout=f, check=True)
    c.ctl("import", month, node="cq-wanzhou", check_rc=0)
    wait_until(lambda: c.drained("cq-wanzhou"), 30, "drain")
    sums = {}
    with open(month, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            k = (row["unit"], row["indicator"])
            sums[k] = sums.get(k, Decimal(0)) + Decimal(row["amount"])
    sums = {k: v for k, v in sums.items() if v != 0}
    b = json.loads(ctl("bulletin", "show", "2019-07", "--state-dir", hub, "--draft",
                       "--format", "json"))["bulletin"]
    inds = {i["code"]: i for i in b["indicators"]}
    order = [a["code"] for a in b["areas"]]
    rest = sorted((i for i in b["indicators"] if not expanded(b, i)),
                  key=lambda i: order.index(i["area"]))
    shown = [i for i in b["indicators"] if expanded(b, i)]
    check(rest and shown, "July has indicators with rows (%d) and collapsed (%d)"
          % (len(shown), len(rest)))
    line = ("The following %d have no figures this period and no target due: " % len(rest)
            + "、".join(i["name"] for i in rest))

    say("Markdown: collapsed line, indicator rows, the per-district table")
    md = ctl("bulletin", "show", "2019-07", "--state-dir", hub, "--draft", "--format", "md")
    check(line in md.split("\n"), "one collapsed line, in area order: " + line)
    rows = [l.split(" | ")[0].strip("| ") for l in md.split("\n") if l.startswith("| ")]
    check(all(i["name"] in rows for i in shown), "every expanded indicator has a row")
    check(not any(i["name"] in rows for i in rest), "no collapsed indicator has a row")
    table = md_table_after(md, "## By district 重庆市: the month's figures")
    head = table[0][1:]
    names = {i["name"]: i for i in b["indicators"]}
    check(sorted(head) == sorted(inds[k]["name"] for k in {k for _, k in sums}),
          "a column per indicator with a district figure: %s" % head)
    units = {u["name"]: u for u in b["units"]}
    for r in table[1:]:
        u = units[r[0]]["code"]
        for name, cell in zip(head, r[1:]):
            v = sums.get((u, names[name]["code"]))
            want = for_people(v, names[name]["base_unit"]) if v else "-"
            if cell != want:
                raise AssertionError("%s %s: %s, submitted %s" % (u, name, cell, want))
    check(True, "each cell equals the district's sum submitted, '-' without one")
    check(len(table) - 1 == len([u for u in b["units"] if u["expected"]]),
          "a row per expected unit (%d)" % (len(table) - 1))

    if have_locale("zh_CN.UTF-8"):
        zh = ctl("bulletin", "show", "2019-07", "--state-dir", hub, "--draft", "--format",
                 "md", lang="zh_CN.UTF-8")
        table = md_table_after(zh, "## 重庆市各区县本月数据")
        wz = [r for r in table if r[0] == "万州区"]
        check(wz and any(cell.endswith("万元") for cell in wz[0]),
              "in Chinese the district table reads in 万元: %s" % wz)

    say("text: the same sections, aligned")
    text = ctl("bulletin", "show", "2019-07", "--state-dir", hub, "--draft")
    check("  " + line in text.split("\n"), "the collapsed line")
    check("== By district 重庆市: the month's figures ==" in text, "the per-district table")
    wz = [l for l in text.split("\n") if l.strip().startswith("万州区") and "yuan" in l]
    want = for_people(sums[("cq-wanzhou", "agri_sales_to_sd")], "yuan")
    check(len(wz) == 1 and want in wz[0], "万州区's row has its sales %s: %s" % (want, wz))
    check("Assessment" not in text, "July has no assessment")

    say("CSV: expanded flags, unit figures in fen")
    out = ctl("bulletin", "show", "2019-07", "--state-dir", hub, "--draft", "--format", "csv")
    blocks = out.split("\n\n")
    check(len(blocks) == 2, "July: the indicator table and the unit figures (%d blocks)"
          % len(blocks))
    ind_rows = list(csv.DictReader(io.StringIO(blocks[0])))
    check({r["indicator"]: r["expanded"] for r in ind_rows} ==
          {i["code"]: "true" if expanded(b, i) else "false" for i in b["indicators"]},
          "every indicator has its row with the people's formats' expanded flag")
    unit_rows = list(csv.DictReader(io.StringIO(blocks[1])))
    got = {(r["unit"], r["indicator"]): (int(r["month_stored"]), int(r["ytd_stored"]),
                                         int(r["scale"])) for r in unit_rows}
    want = {k: (int(v * inds[k[1]]["scale"]),) * 2 + (inds[k[1]]["scale"],)
            for k, v in sums.items()}
    check(got == want, "each unit's figures as stored integers equal the sums submitted "
          "(%d pairs)" % len(want))
    check(all(r["unit_name"] and r["base_unit"] for r in unit_rows), "with names and units")

    say("December: the assessment in text, Markdown and CSV")
    assess = json.loads(ctl("assess", "--state-dir", hub, "--year", "2019", "--month",
                            "2019-12", "--format", "json"))["units"]
    md = ctl("bulletin", "show", "2019-12", "--state-dir", hub, "--draft", "--format", "md")
    ranking = md_table_after(md, "## Assessment 2019 of 重庆市: points and rank")
    units = {u["name"]: u["code"] for u in b["units"]}
    check({units[r[1]]: (int(r[0]), r[2]) for r in ranking[1:]} ==
          {u["unit"]: (u["rank"], u["points"]) for u in assess},
          "Markdown ranking equals luyuctl assess (%d districts)" % len(assess))
    for u in assess:
        if u["points"] == "0.00":
            continue
        heading = [l for l in md.split("\n") if l.endswith(": %s points" % u["points"])]
        check(heading, "%s's arithmetic is there" % u["unit"])
        lines = md_table_after(md, heading[0])
        check([r[-1] for r in lines[1:]] == [x["points"] for x in u["lines"]],
              "%s: points per indicator equal assess's lines" % u["unit"])
    text = ctl("bulletin", "show", "2019-12", "--state-dir", hub, "--draft")
    check("== Assessment 2019 of 重庆市: points and rank ==" in text and
          "== Assessment 2019 of 重庆市: the arithmetic ==" in text,
          "the text has the ranking and the arithmetic")
    out = ctl("bulletin", "show", "2019-12", "--state-dir", hub, "--draft", "--format", "csv")
    blocks = out.split("\n\n")
    check(len(blocks) == 3, "December: a third block, the assessment")
    got = {r["unit"]: (int(r["rank"]), int(r["points_hundredths"]))
           for r in csv.DictReader(io.StringIO(blocks[2]))}
    check(got == {u["unit"]: (u["rank"], int(Decimal(u["points"]) * 100)) for u in assess},
          "CSV ranking with points in hundredths equals luyuctl assess")
    check('"scorecard"' not in ctl("bulletin", "show", "2019-12", "--state-dir", hub,
                                   "--draft", "--format", "json"),
          "the JSON stays the signed bulletin's content")


run(main)
