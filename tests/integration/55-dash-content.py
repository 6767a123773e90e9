"""What the hub's dashboard says besides this month's figures (issue 18),
with the demo's two provinces exchanging bulletins: the indicator page
charts both provinces month by month, the other province's figures from
the bulletins the exchange brought and a gap (not a zero) for a month it
sent none for; the overview lists what changed since the month's bulletin
(late figures with old and new amounts, corrections marked), newest
first, bounded, with the rest one link away. Expected values are computed
here from the rows the test submits."""
import json
import os
import random
import re
import subprocess

from luyutest import (money_text, BIN, Cluster, check, free_port, run, say, peer_args, two_provinces,
                      wait_until, write_csv)
from webclient import Browser
import poolref

IND = "agri_sales_to_sd"


money = money_text


def fen(s):
    y, _, f = s.partition(".")
    return int(y) * 100 + int((f + "00")[:2])


def setup():
    return two_provinces("dash2")




def held(c, prov, period):
    rc, out, err = c.ctl("bulletin", "list", *c.ledger_args(), "--json",
                         check_rc=0)
    return [b for b in json.loads(out) if b["province"] == prov and b["period"] == period]


def add_user(c, name, pw):
    p = subprocess.run([os.path.join(BIN, "luyuctl"), "--hub", c.path("hub", "control.sock"),
                        "user", "add", name, "--role", "viewer"], input=(pw + "\n").encode(),
                       capture_output=True, timeout=120)
    check(p.returncode == 0, "viewer added: " + p.stderr.decode())


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def trend_rows(html):
    """{month: [cell texts]} of the indicator page's trend table."""
    m = re.search(r'<table id="trend-values">(.*?)</table>', html, re.S)
    check(m is not None, "the indicator page has the trend table")
    rows = {}
    for month, body in re.findall(r'<tr data-month="([0-9-]+)">(.*?)</tr>', m.group(1), re.S):
        rows[month] = [text_of(td) for td in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]
    return rows, m.group(1)


def change_lines(html):
    m = re.search(r'<ul id="change-list">(.*?)</ul>', html, re.S)
    check(m is not None, "the overview has the list of changes")
    return re.findall(r'<li data-kind="figure" data-unit="([^"]*)" data-period="([^"]*)" '
                      r'data-indicator="([^"]*)">(.*?)</li>', m.group(1), re.S)


def main():
    cq, sd = setup()
    port = free_port()
    cq.start_hub(peer_args(cq, sd) + ["--web", "127.0.0.1:%d" % port])
    sd.start_hub(peer_args(sd, cq))
    cq.start_node("cq-wanzhou", "cq-wanzhou,cq-wushan")
    sd.start_node("sd-jinan", "sd-jinan")
    cq_rows = [("cq-wanzhou", IND, "2019-06", "800000.00", ""),
               ("cq-wanzhou", IND, "2019-07", "2500000.00", ""),
               ("cq-wushan", IND, "2019-07", "1000000.50", "")]
    sd_rows = [("sd-jinan", IND, "2019-06", "500000.00", ""),
               ("sd-jinan", IND, "2019-07", "1234567.89", "")]
    write_csv(cq.path("cq.csv"), cq_rows)
    write_csv(sd.path("sd.csv"), sd_rows)
    cq.ctl("import", cq.path("cq.csv"), "--confirm", node="cq-wanzhou", check_rc=0)
    sd.ctl("import", sd.path("sd.csv"), "--confirm", node="sd-jinan", check_rc=0)
    for c, n in ((cq, "cq-wanzhou"), (sd, "sd-jinan")):
        wait_until(lambda: c.drained(n), 30, n + " to drain")

    say("SD issues July only; CQ receives it")
    sd.ctl("bulletin", "issue", "2019-07", "--hub", sd.path("hub", "control.sock"), check_rc=0)
    wait_until(lambda: held(cq, "SD", "2019-07"), 30, "CQ to hold SD's July bulletin")
    cq.ctl("bulletin", "issue", "2019-07", "--hub", cq.path("hub", "control.sock"), check_rc=0)
    add_user(cq, "leader", "leader horse")
    b = Browser(port)
    st, h, text = b.login("leader", "leader horse")
    check(st == 303, "the viewer signs in")

    say("the indicator page: both provinces month by month")
    st, h, html = b.get("/indicator?code=%s&month=2019-07" % IND)
    check(st == 200, "the indicator page answers")
    rows, table = trend_rows(html)
    check("重庆市" in table and "山东省" in table, "both provinces are named in the table")
    cq_sum = {}
    for u, i, p, a, _ in cq_rows:
        cq_sum[p] = cq_sum.get(p, 0) + fen(a)
    pace = money((30000000 * 100 + 11) // 12)
    for month in ("2019-06", "2019-07"):
        check(rows[month][0] == month and rows[month][1] == money(cq_sum[month]),
              "%s: CQ's figure %s (%s)" % (month, money(cq_sum[month]), rows[month]))
        check(rows[month][3] == pace, "%s: the target's pace %s (%s)" % (month, pace,
                                                                        rows[month]))
    check(rows["2019-07"][2] == money(fen("1234567.89")),
          "2019-07: SD's figure from its bulletin (%s)" % rows["2019-07"])
    check(rows["2019-06"][2] == "-",
          "2019-06: SD sent no bulletin, a gap and not 0 (%s)" % rows["2019-06"])
    check(rows["2018-01"][1] == money(0) and rows["2018-01"][2] == "-",
          "a month without figures: CQ 0, SD a gap")
    check('id="peer-' in html and 'id="own-' in html and "山东省" in html.split(
        '<svg id="trend"', 1)[1].split("</svg>", 1)[0], "the chart has both series, labelled")
    svg = html.split('<svg id="trend"', 1)[1].split("</svg>", 1)[0]
    n_months = len(rows)
    check(re.search(r'<text id="peer-%d"[^>]*>%s</text>' % (n_months - 1,
                                                           re.escape(money(fen("1234567.89")))),
                    svg) is not None, "SD's July bar is labelled with its value")
    check(re.search(r'<text id="peer-%d" class="gap"' % (n_months - 2), svg) is not None,
          "SD's June is a gap in the chart")

    say("the other province's bulletin, rendered at this hub")
    st, h, page = b.get("/bulletin.html?province=SD&month=2019-07&revision=1")
    check(st == 200 and "山东省" in page and money(fen("1234567.89")) in page and
          "sd-hub" in page, "SD's July bulletin reads at CQ's dashboard, its signer named")
    st, h, page = b.get("/bulletin.html?province=SD&month=2019-06&revision=1")
    check(st == 404, "no page for a bulletin never received")

    say("what changed since the bulletin: late figures and a correction")
    st, h, html = b.get("/?month=2019-07")
    check("上次通报以来的变化" in html and "新增 0 条" in html,
          "right after the bulletin nothing has changed")
    check(change_lines(html) == [], "and no change is listed")
    late = [("cq-wushan", IND, "2019-07", "300000.00"),     # wushan: 1000000.50 more
            ("cq-wanzhou", "poor_trained", "2019-06", "50")]  # an earlier month
    cq.ctl("submit", "--unit", late[0][0], "--indicator", late[0][1], "--period", late[0][2],
           "--amount", late[0][3], "--confirm", node="cq-wanzhou", check_rc=0)
    cq.ctl("correct", "cq-wanzhou/%s/2019-07" % IND, "--amount", "2800000", "--note", "复核",
           "--confirm", node="cq-wanzhou", check_rc=0)
    cq.ctl("submit", "--unit", late[1][0], "--indicator", late[1][1], "--period", late[1][2],
           "--amount", late[1][3], "--confirm", node="cq-wanzhou", check_rc=0)
    wait_until(lambda: cq.drained("cq-wanzhou"), 30, "the late entries to drain")
    # Newest first: the reference, in the reverse order of submission.
    want = [("cq-wanzhou", "2019-06", "poor_trained", money(0, "persons"),
             money(50, "persons"), False),
            ("cq-wanzhou", "2019-07", IND, money(fen("2500000.00")), money(fen("2800000.00")),
             True),
            ("cq-wushan", "2019-07", IND, money(fen("1000000.50")),
             money(fen("1000000.50") + fen("300000.00")), False)]

    def seen():
        st, h, html = b.get("/?month=2019-07")
        return [(u, p, i, text_of(re.search(r'class="old">(.*?)</span>', body).group(1)),
                 text_of(re.search(r'class="new">(.*?)</b>', body).group(1)),
                 "更正" in body) for u, p, i, body in change_lines(html)]
    wait_until(lambda: seen() == want, 30, "the overview to list the changes (%s)" % want)
    st, h, html = b.get("/?month=2019-07")
    check("新增 3 条" in html, "three new entries since the bulletin")
    check("万州区" in html.split('id="change-list"')[1] and "巫山县" in html.split(
        'id="change-list"')[1], "units by their names")

    say("the project pool's new projects and stages since the bulletin")
    pool = poolref.make_pool(["cq-wanzhou"], 8, random.Random(55))
    poolref.write_pool_csv(cq.path("pool.csv"), pool)
    cq.ctl("project", "import", cq.path("pool.csv"), node="cq-wanzhou", check_rc=0)
    total, _ = poolref.sums({p["id"]: p for p in pool})
    stages = {}
    for p in pool:
        stages[p["stage"]] = stages.get(p["stage"], 0) + 1
    want_pool = {"": "0 → %d" % total["projects"]}
    want_pool.update({k: "0 → %d" % v for k, v in stages.items()})

    def pool_lines():
        st, h, html = b.get("/?month=2019-07")
        return {k: text_of(v).split(": ")[-1] for k, v in re.findall(
            r'<li data-kind="pool" data-stage="([a-z]*)">(.*?)</li>', html, re.S)}
    wait_until(lambda: pool_lines() == want_pool, 30,
               "the overview to list the pool's moves (%s)" % want_pool)
    check(True, "new projects and each stage's count, before → now: %s" % want_pool)

    say("bounded: 20 lines and a link to the rest")
    rows = [("cq-wushan", IND, "2018-%02d" % m, "%d.00" % (1000 + m), "") for m in range(1, 13)]
    rows += [("cq-wanzhou", IND, "2018-%02d" % m, "%d.00" % (2000 + m), "") for m in range(1, 13)]
    write_csv(cq.path("old.csv"), rows)
    cq.ctl("import", cq.path("old.csv"), "--confirm", node="cq-wanzhou", check_rc=0)
    wait_until(lambda: cq.drained("cq-wanzhou"), 30, "the old months to drain")
    total = len(want) + len(rows)

    def bounded():
        st, h, html = b.get("/?month=2019-07")
        return len(change_lines(html)) == 20 and ("另有 %d 项" % (total - 20)) in html
    wait_until(bounded, 30, "20 lines and 'and %d more'" % (total - 20))
    st, h, html = b.get("/?month=2019-07")
    check('href="/?month=2019-07&amp;changes=all#changes"' in html, "the link to every line")
    st, h, html = b.get("/?month=2019-07&changes=all")
    check(len(change_lines(html)) == total and "changes-more" not in html,
          "every line with changes=all (%d)" % total)
    st, h, html = b.get("/?month=2019-07&changes=%3Cscript%3E")
    check(st == 200 and "<script>" not in html and len(change_lines(html)) == 20,
          "a hostile value is the bounded list")


run(main)
