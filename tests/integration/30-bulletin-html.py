"""Reading a month's bulletin from a real hub's ledger: a hub and a node
take a realistic month of figures (scripts/sample-month.py), then luyuctl
computes the draft bulletin from the hub's ledger. The HTML page must parse
as well-formed XML, be self-contained, say DRAFT, and show every
indicator's figures as the JSON of the same draft has them (formatted for
people as a reference written here, independently of the C code, says:
万元/亿元 in Chinese, yuan with separators in English), with a chart per
task area; completeness names who reported. The page is in one language:
Chinese with LANG=zh_CN.UTF-8, English otherwise. Bad months and unknown
provinces are refused with exit 2."""
from decimal import ROUND_HALF_UP, Decimal
import csv
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

from luyutest import (BIN, PLAN, SRC, Cluster, check, have_locale, locale_env, run, say,
                      wait_until)

XHTML = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
UNITS = "cq-wanzhou,cq-kaizhou"
BULLETIN = [None]   # the draft the reference judges, set in main


def ctl(*args, rc=0, lang=None):
    argv = [os.path.join(BIN, "luyuctl"), "--plan", PLAN] + list(args)
    p = subprocess.run(argv, capture_output=True, timeout=120, stdin=subprocess.DEVNULL,
                       env=locale_env(lang))
    out, err = p.stdout.decode(), p.stderr.decode()
    if rc is not None and p.returncode != rc:
        raise AssertionError("luyuctl %s: exit %d, wanted %d\n%s%s"
                             % (" ".join(args), p.returncode, rc, out, err))
    return p.returncode, out, err


def text(el):
    return "".join(el.itertext()).strip()


def feed_month(c):
    month = c.path("month.csv")
    with open(month, "w", encoding="utf-8") as f:
        subprocess.run([sys.executable, os.path.join(SRC, "scripts", "sample-month.py"),
                        "2019-07", UNITS], stdout=f, check=True)
    c.ctl("import", month, node="cq-wanzhou", check_rc=0)
    wait_until(lambda: c.drained("cq-wanzhou"), 30, "drain")


def grouped(d, places):
    """Decimal d with thousands separators and `places` decimals."""
    q = Decimal(1).scaleb(-places)
    return "{:,.{}f}".format(d.quantize(q, rounding=ROUND_HALF_UP), places)


def for_people(typed, base_unit, zh):
    """The reference: how a typed (exact) amount reads on the page."""
    d = Decimal(typed)
    if base_unit == "yuan":
        if not zh:
            return grouped(d, 2) + " yuan"
        if abs(d) >= 10 ** 8 or abs(d / 10 ** 4).quantize(Decimal("0.01"),
                                                           ROUND_HALF_UP) >= 10 ** 4:
            return grouped(d / 10 ** 8, 2) + "亿元"
        if abs(d) >= 10 ** 4:
            return grouped(d / 10 ** 4, 2) + "万元"
        return grouped(d, 2) + "元"
    unit = {"persons": ("人", " persons"), "count": ("个", " items")}.get(base_unit, ("", ""))
    return grouped(d, 0) + (unit[0] if zh else unit[1])


def check_html(html, draft, month_csv, zh=False):
    root = ET.fromstring(html)
    check(root.tag == XHTML + "html", "the page parses as XHTML")
    for el in root.iter():
        for attr in ("src", "href"):
            if el.get(attr) and not el.get(attr).startswith("#"):
                raise AssertionError("external reference %s=%s" % (attr, el.get(attr)))
    check(True, "no external references (self-contained)")
    body = text(root)
    if zh:
        check("草稿" in body and "DRAFT" not in body, "the draft is marked 草稿, in Chinese only")
    else:
        check("DRAFT" in body and "草稿" not in body, "the draft is marked DRAFT, in English only")
    rows = {}
    for tr in root.iter(XHTML + "tr"):
        cells = [text(td) for td in tr.findall(XHTML + "td")]
        if cells:
            rows.setdefault(cells[0], cells)
    inds = draft["bulletin"]["indicators"]
    shown = [i for i in inds if expanded(i)]
    for ind in shown:
        cells = rows.get(ind["name"])
        if cells is None:
            raise AssertionError("no table row for %s" % ind["name"])
        want = [for_people(ind[k], ind["base_unit"], zh) for k in ("month", "ytd", "since_start")]
        # The part of the month not accepted by the province is marked
        # provisional (issue 16); in a draft nothing is reviewed here.
        if ind["month_provisional"].strip("0.") != "":
            prov = for_people(ind["month_provisional"], ind["base_unit"], zh)
            want[0] = ("%s（其中暂定 %s）" if zh else "%s (provisional %s)") % (want[0], prov)
        if cells[2:5] != want:
            raise AssertionError("%s: html %s, json %s" % (ind["name"], cells[2:5], want))
    check(True, "every one of the %d indicators with figures or behind has its month, "
          "ytd and since-start figures in a table" % len(shown))
    # Named after the task areas, in the bulletin's order of areas, each
    # area's in plan order.
    order = [a["code"] for a in draft["bulletin"]["areas"]]
    rest = sorted((i for i in inds if not expanded(i)), key=lambda i: order.index(i["area"]))
    check(rest, "the month leaves some indicators without figures (%d)" % len(rest))
    line = [text(p) for p in root.iter(XHTML + "p") if p.get("class") == "rest"]
    check(len(line) == 1, "one line for the indicators without figures")
    want = ("以下 %d 项本期无数据、无到期目标：" if zh else
            "The following %d have no figures this period and no target due: ") % len(rest)
    check(line[0] == want + "、".join(i["name"] for i in rest),
          "it lists them in plan order: " + line[0])
    check(all(i["name"] not in rows for i in rest), "and they have no table rows")
    check_sparks(root, shown, zh)
    charts = [s for s in root.iter(SVG + "svg") if s.get("class") != "spark"]
    areas = {i["area"] for i in shown}
    check(len(charts) == len(areas), "one inline SVG chart per task area with figures (%d)"
          % len(areas))
    labels = [text(t) for s in charts for t in s.iter(SVG + "text")]
    check(all(any(i["name"] == l for l in labels) for i in shown),
          "every expanded indicator is labelled in a chart")
    check_units(root, draft["bulletin"], month_csv, zh)


def check_sparks(root, shown, zh):
    """Each expanded indicator's row ends with its trend: a line through
    January .. July (7 points) ending at the month's figure, labelled."""
    n = 0
    for tr in root.iter(XHTML + "tr"):
        tds = tr.findall(XHTML + "td")
        ind = next((i for i in shown if tds and text(tds[0]) == i["name"]), None)
        if ind is None:
            continue
        svg = tds[-1].find(SVG + "svg")
        if ind["code"] == "project_pool_total":
            check(svg is None and text(tds[-1]) == "-", "no trend for the pool's total")
            continue
        pts = svg.find(SVG + "polyline").get("points").split()
        label = text(svg.find(SVG + "text"))
        want = for_people(ind["month"], ind["base_unit"], zh)
        if len(pts) != 7 or label != want:
            raise AssertionError("%s: sparkline of %d points labelled %s, want 7 and %s"
                                 % (ind["name"], len(pts), label, want))
        if Decimal(ind["month"]) > 0 and Decimal(ind["month"]) == Decimal(ind["ytd"]):
            ys = [int(p.split(",")[1]) for p in pts]
            if not (len(set(ys[:-1])) == 1 and ys[-1] < ys[0]):
                raise AssertionError("%s: only July has figures, the line %s" % (ind["name"], pts))
        n += 1
    check(n == len([i for i in shown if i["code"] != "project_pool_total"]), "a sparkline of 7 months, last value labelled, in each of "
          "the %d expanded rows (July alone rises where only July has figures)" % n)


def check_scorecard(hub, lang):
    """The year's last bulletin (December) ranks the districts as luyuctl
    assess does, each linked to its arithmetic; July's has no scorecard."""
    say("the year's last bulletin has the assessment scorecard")
    rc, html, err = ctl("bulletin", "show", "2019-07", "--state-dir", hub, "--draft",
                        "--format", "html", lang=lang)
    check('id="scorecard"' not in html, "July's bulletin has no scorecard")
    rc, html, err = ctl("bulletin", "show", "2019-12", "--state-dir", hub, "--draft",
                        "--format", "html", lang=lang)
    root = ET.fromstring(html)
    rc, out, err = ctl("assess", "--state-dir", hub, "--year", "2019", "--month", "2019-12",
                       "--format", "json")
    want = {u["unit"]: u for u in json.loads(out)["units"]}
    ids = {el.get("id"): el for el in root.iter() if el.get("id")}
    sec = ids.get("scorecard")
    check(sec is not None, "December's bulletin has a scorecard")
    got = {}
    for tr in sec.iter(XHTML + "tr"):
        if tr.get("data-unit") is None:
            continue
        tds = tr.findall(XHTML + "td")
        a = tds[1].find(XHTML + "a")
        u = tr.get("data-unit")
        got[u] = (int(text(tds[0])), text(tds[2]))
        if a is None or a.get("href") != "#score-" + u or "score-" + u not in ids:
            raise AssertionError("%s: no link to its arithmetic" % u)
        arith = ids["score-" + u]
        pts = [text(r.findall(XHTML + "td")[-1]) for r in arith.iter(XHTML + "tr")
               if r.findall(XHTML + "td")]
        if pts != [x["points"] for x in want[u]["lines"]]:
            raise AssertionError("%s: arithmetic %s, assess %s" % (u, pts, want[u]["lines"]))
    check(True, "each district links to its arithmetic (#score-UNIT)")
    check(got == {u: (x["rank"], x["points"]) for u, x in want.items()},
          "every district's rank and points equal luyuctl assess --format json (%d)" % len(got))
    check(any(x[1] != "0.00" for x in got.values()), "some districts score: %s"
          % {u: x for u, x in got.items() if x[1] != "0.00"})
    check(all(want[u]["lines"] for u in got),
          "each one's points per indicator equal the assessment's lines")


def due(b, ind):
    """Whether ind's target falls due in b's month: December or the plan's
    last month for a yearly target, the plan's last month for a
    plan-period one."""
    last = b["period"] == b["plan_end"]
    if ind["target_kind"] in ("yearly_min", "growth", "coverage"):
        return b["period"].endswith("-12") or last
    return ind["target_kind"] in ("period_min", "level", "ratio") and last


def expanded(ind, b=None):
    """The reference of which indicators get rows: a figure this month or
    this year, or behind with something counting toward the target or the
    target due this month (behind at zero, nothing due: collapsed)."""
    b = b or BULLETIN[0]
    return (Decimal(ind["month"]) != 0 or Decimal(ind["ytd"]) != 0
            or (ind["status"] == "behind" and (Decimal(str(ind["actual"])) != 0
                                                or due(b, ind))))


def check_units(root, b, month_csv, zh):
    """The per-district table against sums of the submitted CSV."""
    sums = {}
    with open(month_csv, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["period"] == "2019-07":
                k = (row["unit"], row["indicator"])
                sums[k] = sums.get(k, Decimal(0)) + Decimal(row["amount"])
    sec = [s for s in root.iter(XHTML + "section") if s.get("id") == "units"]
    check(len(sec) == 1, "one per-district section")
    trs = list(sec[0].iter(XHTML + "tr"))
    head = [text(th) for th in trs[0].findall(XHTML + "th")][1:]
    inds = {i["name"]: i for i in b["indicators"]}
    codes = {k[1] for k in sums if sums[k] != 0}
    check(sorted(head) == sorted(i["name"] for i in b["indicators"] if i["code"] in codes),
          "a column per indicator with district figures: %s" % head)
    names = {u["name"]: u["code"] for u in b["units"]}
    seen = 0
    for tr in trs[1:]:
        cells = [text(td) for td in tr.findall(XHTML + "td")]
        unit = names[cells[0]]
        for name, cell in zip(head, cells[1:]):
            ind = inds[name]
            v = sums.get((unit, ind["code"]))
            want = for_people(str(v), ind["base_unit"], zh) if v else "-"
            if cell != want:
                raise AssertionError("%s %s: html %s, submitted %s" % (unit, name, cell, want))
        seen += unit in UNITS.split(",")
    check(seen == 2 and len(trs) - 1 == len([u for u in b["units"] if u["expected"]]),
          "a row per expected district, both reporting ones equal to the sums submitted")


def main():
    c = Cluster("bulletin")
    c.start_hub()
    c.start_node("cq-wanzhou", UNITS)
    hub = c.path("hub")
    say("a month of figures from two districts")
    feed_month(c)

    say("no bulletin is stored yet: show says so, list is empty")
    rc, out, err = ctl("bulletin", "show", "2019-07", "--state-dir", hub, rc=1)
    check("--draft" in err, "show without a stored bulletin points at --draft")
    rc, out, err = ctl("bulletin", "list", "--state-dir", hub)
    check("no bulletins held" in out, "list: no bulletins held")

    say("the draft as JSON and as HTML")
    rc, out, err = ctl("bulletin", "show", "2019-07", "--state-dir", hub, "--draft",
                       "--format", "json")
    draft = json.loads(out)
    b = draft["bulletin"]
    BULLETIN[0] = b
    check(b["draft"] and b["province"] == "CQ", "JSON draft of CQ 2019-07")
    agri = [i for i in b["indicators"] if i["code"] == "agri_sales_to_sd"][0]
    check(agri["month"] != "0.00" and agri["month"] == agri["ytd"],
          "the imported sales are the month's figure: " + agri["month"])
    rc, html, err = ctl("bulletin", "show", "2019-07", "--state-dir", hub, "--draft",
                        "--format", "html")
    check_html(html, draft, c.path("month.csv"))
    say("behind at zero: collapsed until the target falls due")
    rc, out, err = ctl("bulletin", "show", "2019-12", "--state-dir", hub, "--draft",
                       "--format", "json")
    dec = json.loads(out)["bulletin"]
    zero = [i for i in dec["indicators"] if i["status"] == "behind" and
            Decimal(i["month"]) == 0 and Decimal(i["ytd"]) == 0]
    july = {i["code"]: i for i in b["indicators"]}
    due_now = [i for i in zero if due(dec, i) and not expanded(july[i["code"]], b)]
    check(due_now, "some yearly targets are behind at zero, collapsed in July, due in "
          "December: %s" % [i["code"] for i in due_now])
    rc, html12, err = ctl("bulletin", "show", "2019-12", "--state-dir", hub, "--draft",
                          "--format", "html")
    rows12 = {text(tr.findall(XHTML + "td")[0]) for tr in ET.fromstring(html12).iter(
        XHTML + "tr") if tr.findall(XHTML + "td")}
    check(all(i["name"] in rows12 for i in due_now),
          "in December each of them has its row")
    rc, joint, err = ctl("bulletin", "show", "2019-07", "--state-dir", hub, "--draft",
                         "--joint", "--format", "html")
    ET.fromstring(joint)
    check("山东省" in joint and "no bulletin held" in joint,
          "joint page parses; Shandong's missing bulletin is said so")
    if have_locale("zh_CN.UTF-8"):
        say("the same pages in Chinese")
        rc, html, err = ctl("bulletin", "show", "2019-07", "--state-dir", hub, "--draft",
                            "--format", "html", lang="zh_CN.UTF-8")
        check_html(html, draft, c.path("month.csv"), zh=True)
        rc, joint, err = ctl("bulletin", "show", "2019-07", "--state-dir", hub, "--draft",
                             "--joint", "--format", "html", lang="zh_CN.UTF-8")
        check("尚无通报" in joint and 'lang="zh-CN"' in joint,
              "joint page in Chinese says Shandong has no bulletin yet")
    else:
        say("no zh_CN.UTF-8 locale: the Chinese pages are checked by 16-chinese (skipped)")

    check_scorecard(hub, have_locale("zh_CN.UTF-8") and "zh_CN.UTF-8" or None)

    say("CSV of the indicator table, for Excel with --excel")
    rc, out, err = ctl("bulletin", "show", "2019-07", "--state-dir", hub, "--draft",
                       "--format", "csv")
    check(not out.startswith("\ufeff") and "agri_sales_to_sd" in out, "plain CSV has no BOM")
    rc, out, err = ctl("bulletin", "show", "2019-07", "--state-dir", hub, "--draft",
                       "--format", "csv", "--excel")
    check(out.startswith("\ufeff") and "agri_sales_to_sd" in out, "--excel adds a UTF-8 BOM")

    say("completeness names who reported")
    rc, out, err = ctl("completeness", "2019-07", "--state-dir", hub, "--json")
    comp = json.loads(out)
    reported = sorted(u["unit"] for u in comp["units"] if u["entries"] > 0)
    check(reported == sorted(UNITS.split(",")), "reported: %s" % reported)
    check(comp["missing"] == comp["expected"] - 2, "the other %d are missing"
          % comp["missing"])

    say("bad input is refused with exit 2")
    for args, word in ((["2019-13"], "2019-13"), (["2019-07", "--province", "XX"], "XX"),
                       (["2025-01", "--draft"], "outside the plan")):
        rc, out, err = ctl("bulletin", "show", *args, "--state-dir", hub, rc=2)
        check(word in err, "show %s -> exit 2: %s" % (" ".join(args), err.strip()))
    rc, out, err = ctl("completeness", "2019-7", "--state-dir", hub, rc=2)
    check("2019-7" in err, "completeness refuses a bad month")


run(main)
