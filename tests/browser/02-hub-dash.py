"""The province's dashboard at the hub in a real browser (Debian chromium,
headless, through selenium): a viewer signs in, and the overview's figures,
the indicator page's per-district figures and the reporting grid equal a
reference computed here, independently, from the CSV files the districts
imported; a figure submitted at a node reaches the open overview through
the live feed without a reload; a viewer reads the review queue without
its forms, a reviewer returns a month the district approved. Screenshots of every page at desktop and phone width go to
$LUYU_ARTIFACTS, and at 390 px no text overflows its table cell and the
page does not scroll sideways."""
import grp
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from luyutest import (money_text, BIN, Cluster, check, free_port, import_rows, run, say,  # noqa: E402
                      wait_until)
import assessref  # noqa: E402
import poolref  # noqa: E402

import browsertest as clerk  # noqa: E402

GROUP = grp.getgrgid(os.getgid()).gr_name      # the test's own: a district reviewer
PLAN = os.path.join(os.environ.get("LUYU_SOURCE_DIR", os.path.join(
    os.path.dirname(__file__), "..", "..")), "etc", "plan-2018-2020.ini")

ROWS = {
    "cq-wanzhou": [("cq-wanzhou", "agri_sales_to_sd", "2019-05", "1500000.50", ""),
                   ("cq-wanzhou", "poor_trained", "2019-05", "12", ""),
                   ("cq-wanzhou", "poor_trained", "2018-11", "30", ""),
                   ("cq-wanzhou", "agri_sales_to_sd", "2019-07", "23456.78", ""),
                   ("cq-wanzhou", "cadres_to_sd", "2019-07", "3", "")],
    "cq-wuxi": [("cq-wuxi", "agri_sales_to_sd", "2019-07", "8000.00", ""),
                ("cq-wuxi", "agri_sales_to_sd", "2018-07", "123456789.00", ""),
                ("cq-wuxi", "poor_moved_to_sd", "2019-06", "5", "")],
    "cq-kaizhou": [("cq-kaizhou", "poor_trained", "2019-06", "7", "")],
}
UNITS = {"yuan": True, "persons": False}


def plan():
    """Units and indicators of the shipped plan, read from the file."""
    units, inds, cur = {}, {}, None
    with open(PLAN, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            m = re.match(r"\[(unit|indicator) (\S+)\]", line)
            if m:
                cur = (units if m.group(1) == "unit" else inds).setdefault(m.group(2), {})
            elif line.startswith("[") or not line or line.startswith("#"):
                cur = None if line.startswith("[") else cur
            elif cur is not None and "=" in line:
                k, v = line.split("=", 1)
                cur[k.strip()] = v.strip()
    return units, inds


money = money_text


def stored(amount, unit):
    if unit == "yuan":
        y, _, f = amount.partition(".")
        return int(y) * 100 + int((f + "00")[:2])
    return int(amount)


def reference(rows, inds, month):
    """Per indicator: (month, year to date, since the plan began), formatted."""
    out = {}
    for code in set(r[1] for r in rows):
        unit = inds[code]["unit"]
        m = y = s = 0
        for r in rows:
            if r[1] != code:
                continue
            p, a = r[2], stored(r[3], unit)
            if p == month:
                m += a
            if p[:4] == month[:4] and p <= month:
                y += a
            if p <= month:
                s += a
        out[code] = (money(m, unit), money(y, unit), money(s, unit))
    return out


def no_overflow(d, what):
    """At phone width: no cell's text wider than its cell, no sideways
    scrolling of the page."""
    bad = d.execute_script(
        "var out=[];document.querySelectorAll('td,th').forEach(function(c){"
        "if(c.scrollWidth>c.clientWidth+1)out.push(c.textContent);});"
        "if(document.documentElement.scrollWidth>window.innerWidth+1)"
        "out.push('page '+document.documentElement.scrollWidth);return out;")
    check(not bad, "%s at 390 px: nothing overflows (%s)" % (what, bad[:3]))


def shots(d, name):
    clerk.shots(d, "hub-" + name)
    d.set_window_size(390, 900)
    no_overflow(d, name)
    d.set_window_size(1280, 900)


def add_hub_user(c, name, pw, role):
    p = subprocess.run([os.path.join(BIN, "luyuctl"), "--hub", c.path("hub", "control.sock"),
                        "user", "add", name, "--role", role], input=(pw + "\n").encode(),
                       capture_output=True, timeout=120)
    check(p.returncode == 0, "hub user %s (%s) added: %s" % (name, role, p.stderr.decode()))


def texts(d, css):
    from selenium.webdriver.common.by import By
    return [e.text for e in d.find_elements(By.CSS_SELECTOR, css)]


def main():
    profile = tempfile.mkdtemp(prefix="luyu-chromium-")
    units, inds = plan()
    c = Cluster("dash")
    d = clerk.browser(profile)
    from selenium.webdriver.common.by import By
    try:
        port = free_port()
        c.keygen(c.hub_id)
        c.ctl("keygen", "--sign", "--out", c.path("keys", c.hub_id), check_rc=0)
        c.start_hub(["--web", "127.0.0.1:%d" % port, "--no-auto-issue", "--sign-key",
                     c.path("keys", c.hub_id + ".sign.key")])
        for n in ROWS:
            c.start_node(n, n)
            rc, ids = import_rows(c, n, ROWS[n])
            check(rc == 0, "%s imported its file" % n)
        pool = poolref.make_pool(["cq-wanzhou"], 12, random.Random(18))
        poolref.write_pool_csv(c.path("pool.csv"), pool)
        c.ctl("project", "import", c.path("pool.csv"), node="cq-wanzhou", check_rc=0)
        for n in ROWS:
            wait_until(lambda: c.drained(n), 60, "%s's entries to reach the hub" % n)
        add_hub_user(c, "zhanghua", "viewer horse", "viewer")
        add_hub_user(c, "lishen", "review horse", "reviewer")
        base = "http://127.0.0.1:%d" % port
        rows = [r for n in ROWS for r in ROWS[n]]

        say("a viewer signs in; the overview equals the reference")
        d.get(base + "/")
        check(d.current_url.endswith("/login"), "the first page is the sign-in page")
        shots(d, "01-login")
        clerk.sign_in(d, base, "zhanghua", "viewer horse")
        d.get(base + "/?month=2019-07")
        check("计划进展" in d.title, "the overview, in Chinese: " + d.title)
        ref = reference(rows, inds, "2019-07")
        for code, (m, y, s) in ref.items():
            got = tuple(d.find_element(By.ID, k + code).text for k in ("m-", "y-", "s-"))
            check(got == (m, y, s), "%s: page %s, reference %s" % (code, got, (m, y, s)))
        expected = [u for u, v in units.items() if v.get("province") == "CQ" and
                    v.get("kind") in ("district", "city", "department")]
        reported = sorted(set(r[0] for r in rows if r[2] == "2019-07"))
        check(d.find_element(By.ID, "c-reported").text ==
              "%d / %d" % (len(reported), len(expected)),
              "reported / expected: " + d.find_element(By.ID, "c-reported").text)
        check(d.find_element(By.ID, "c-missing").text == str(len(expected) - len(reported)),
              "missing units counted")
        check("开州区" in d.page_source, "a district that has not reported is named")
        shots(d, "02-overview")

        say("one indicator, month by month and per district")
        d.get(base + "/indicator?code=agri_sales_to_sd&month=2019-07")
        per_unit = {r.get_attribute("data-unit"): r.find_elements(By.TAG_NAME, "td")[1].text
                    for r in d.find_elements(By.CSS_SELECTOR, "#units tr[data-unit]")}
        want = {}
        for r in rows:
            if r[1] == "agri_sales_to_sd" and r[2] == "2019-07":
                want[r[0]] = want.get(r[0], 0) + stored(r[3], "yuan")
        check(per_unit == {u: money(v, "yuan") for u, v in want.items()},
              "per district: %s" % per_unit)
        check(len(d.find_elements(By.CSS_SELECTOR, "#trend rect.own")) == 19,
              "a bar for every month from 2018-01 to 2019-07")
        table = {r.get_attribute("data-month"): [td.text for td in
                                                 r.find_elements(By.TAG_NAME, "td")]
                 for r in d.find_elements(By.CSS_SELECTOR, "#trend-values tr[data-month]")}
        by_month = {}
        for r in rows:
            if r[1] == "agri_sales_to_sd":
                by_month[r[2]] = by_month.get(r[2], 0) + stored(r[3], "yuan")
        check(len(table) == 19 and all(table[m][1] == money(by_month.get(m, 0), "yuan")
                                       for m in table),
              "the trend's table: each month's figure equals the reference")
        check("尚未收到对方省市的通报" in d.page_source,
              "without the other province's bulletins the page says so")
        pace = [t.text for t in d.find_elements(By.CSS_SELECTOR, "#trend text")
                if t.text.startswith("每月应达")]
        # 3,000万元 a year: 250万元 a month.
        check(pace == ["每月应达 " + money(3_000_000_000 // 12, "yuan")] and
              d.find_elements(By.ID, "pace"), "the target's monthly line, labelled: %s" % pace)
        shots(d, "03-indicator")

        say("the reporting grid")
        d.get(base + "/grid?month=2019-07")
        cells = {r.get_attribute("data-unit"): r.find_elements(By.TAG_NAME, "td")[-1].text
                 for r in d.find_elements(By.CSS_SELECTOR, "#grid tr[data-unit]")}
        check(sorted(cells) == sorted(expected), "a row per expected unit")
        # Everything arrived after 2019-07 closed (on 2019-08-05): late.
        check(all(cells[u] == ("迟报" if u in reported else "未报") for u in cells),
              "2019-07: late for who reported, missing for the rest: %s" % cells)
        shots(d, "04-grid")

        say("the project pool")
        d.get(base + "/pool?month=2019-07")
        total, by_unit = poolref.sums({p["id"]: p for p in pool})
        check(d.find_element(By.ID, "p-planned").text == money(total["planned"], "yuan"),
              "the pool's planned investment: " + d.find_element(By.ID, "p-planned").text)
        check(d.find_element(By.ID, "p-invested").text == money(total["invested"], "yuan"),
              "invested so far")
        cells = [td.text for td in d.find_elements(
            By.CSS_SELECTOR, "#pool-units tr[data-unit='cq-wanzhou'] td")]
        check(cells[1:3] == [str(by_unit["cq-wanzhou"]["projects"]),
                             money(by_unit["cq-wanzhou"]["planned"], "yuan")],
              "万州区's projects and money: %s" % cells)
        shots(d, "05-pool")

        say("the assessment: points and ranks equal the reference")
        want = assessref.scores(PLAN, [r[:4] for r in rows], "CQ", 2019, "2019-07")
        d.get(base + "/assess?year=2019")
        got = {r.get_attribute("data-unit"): r.find_elements(By.TAG_NAME, "td")[2].text
               for r in d.find_elements(By.CSS_SELECTOR, "#scores tr[data-unit]")}
        check(got == {u: assessref.points(v) for u, v in want.items()},
              "each district's points: %s" % {u: v for u, v in got.items() if v != "0.00"})
        first = d.find_element(By.CSS_SELECTOR, "#scores tr[data-unit]")
        check(first.get_attribute("data-unit") == max(want, key=lambda u: want[u]),
              "the best district first")
        rc, out, err = c.ctl("assess", "--state-dir", c.path("hub"), "--year", "2019",
                             "--format", "json", check_rc=0)
        js = {x["unit"]: x["points"] for x in json.loads(out)["units"]}
        check(js == {u: assessref.points(v) for u, v in want.items()},
              "luyuctl assess --format json agrees")
        shots(d, "05-assess")

        say("a bulletin issued; the bulletins page opens it")
        c.ctl("bulletin", "issue", "2019-07", "--hub", c.path("hub", "control.sock"),
              check_rc=0)
        d.get(base + "/bulletins")
        links = d.find_elements(By.CSS_SELECTOR, "#bulletins a.read")
        check(len(links) == 1, "a link to the rendered bulletin")
        clerk.submit(d, links[0])
        check("鲁渝扶贫协作月度通报 2019-07" in d.title, "the bulletin opens: " + d.title)
        check(d.execute_script(
            "return getComputedStyle(document.querySelector('h1')).fontSize") != "32px",
            "its stylesheet applies (the h1 is not the browser's default)")
        shots(d, "05-bulletin-page")

        for page in ("bulletins", "nodes"):
            d.get(base + "/" + page)
            check(d.find_elements(By.TAG_NAME, "h1"), page + " shows")
            shots(d, "05-" + page)
        check(set(texts(d, "#nodes tr[data-node] td:first-child")) == set(ROWS),
              "every node is listed")

        say("a viewer reads the review queue, without the review steps")
        d.get(base + "/review")
        check(d.find_elements(By.CSS_SELECTOR, "#queue tr[data-unit]") and
              not d.find_elements(By.CSS_SELECTOR, "form[method=post][action='/review']"),
              "the viewer sees the queue and no step's form")
        shots(d, "06-review-viewer")

        say("the live feed: a figure submitted at a node reaches the open overview")
        d.get(base + "/?month=2019-07")
        d.execute_script("window.luyuStayed = 1;")
        # The page's EventSource (global es): count its reconnections and
        # messages from here on; a held stream has none of the former.
        wait_until(lambda: d.execute_script("return window.es && es.readyState") == 1, 30,
                   "the live feed's stream to open")
        d.execute_script("window.luyuOpens = 0; window.luyuMsgs = 0;"
                         "es.addEventListener('open', function(){window.luyuOpens++;});"
                         "es.addEventListener('message', function(){window.luyuMsgs++;});")
        before = d.find_element(By.ID, "m-cadres_to_sd").text
        c.ctl("submit", "--unit", "cq-wuxi", "--indicator", "cadres_to_sd", "--period",
              "2019-07", "--amount", "2", node="cq-wuxi", check_rc=0)
        t0 = time.monotonic()
        want = money(5, "persons")
        # Issue 18 wants the figure within 2 s of the submit (the node's
        # send, the hub's commit, one draft). The deadline here only
        # catches a hang, generously, as tests must not time things
        # (tests/bench measures); the time seen is reported.
        wait_until(lambda: d.find_element(By.ID, "m-cadres_to_sd").text == want, 30,
                   "the overview to show the new figure (%s -> %s)" % (before, want))
        say("live update seen %.1f s after the submit (issue 18: within 2 s)"
            % (time.monotonic() - t0))
        check(d.execute_script("return window.luyuStayed") == 1, "without a reload")
        check(d.execute_script("return [window.luyuOpens, window.luyuMsgs]")[0] == 0 and
              d.execute_script("return window.luyuMsgs") >= 1,
              "through the open stream: events came, no reconnection (%s)"
              % d.execute_script("return [window.luyuOpens, window.luyuMsgs]"))
        say("what changed since the bulletin: the late figure, old and new")
        d.get(base + "/?month=2019-07")
        lines = d.find_elements(By.CSS_SELECTOR, "#change-list li[data-kind=figure]")
        got = [(e.get_attribute("data-unit"), e.get_attribute("data-indicator"),
                e.find_element(By.CLASS_NAME, "old").text,
                e.find_element(By.CLASS_NAME, "new").text) for e in lines]
        check(got == [("cq-wuxi", "cadres_to_sd", money(0, "persons"),
                       money(2, "persons"))], "the one change since 2019-07's bulletin: %s"
              % got)
        shots(d, "06-overview-changes")

        say("the district approves a month; a reviewer returns it in the browser")
        c.nodes["cq-wanzhou"].stop()
        c.start_node("cq-wanzhou", "cq-wanzhou", ["--review-group", GROUP])
        c.ctl("review", "approve", "cq-wanzhou/2019-07", node="cq-wanzhou", check_rc=0)
        wait_until(lambda: c.drained("cq-wanzhou"), 60, "the approval to reach the hub")
        d.delete_all_cookies()
        clerk.sign_in(d, base, "lishen", "review horse")
        d.get(base + "/review?state=approved")
        got = [(e.get_attribute("data-unit"), e.get_attribute("data-month"))
               for e in d.find_elements(By.CSS_SELECTOR, "#queue tr[data-unit]")]
        check(got == [("cq-wanzhou", "2019-07")], "the approved month, filtered: %s" % got)
        shots(d, "07-review")
        clerk.submit(d, d.find_element(By.CSS_SELECTOR, "#queue tr[data-unit] a"))
        reason = "农产品销售额偏低，请核实后重报"
        d.find_element(By.CSS_SELECTOR, "#return input[name=reason]").send_keys(reason)
        clerk.submit(d, d.find_element(By.CSS_SELECTOR, "#return button"))
        check(d.find_element(By.ID, "state").get_attribute("data-state") == "returned",
              "the month's page shows it returned")
        shots(d, "08-review-month")
        # The overview serves the month's last draft while the next one is
        # computed in the background (hub/dash_live.c), so the return shows
        # at the next draft, about a second later: reload until it does (the
        # deadline only catches a hang).
        def review_moves():
            d.get(base + "/?month=2019-07")
            return [(e.get_attribute("data-unit"), e.find_element(By.TAG_NAME, "b").text)
                    for e in d.find_elements(By.CSS_SELECTOR,
                                             "#change-list li[data-kind=review]")]
        moved = []
        try:
            wait_until(lambda: review_moves() == [("cq-wanzhou", "已退回")], 30,
                       "the overview to list the month returned", interval=0.5)
        except Exception:
            pass
        moved = review_moves()
        check(moved == [("cq-wanzhou", "已退回")],
              "the overview lists the month returned since the bulletin: %s" % moved)
        rc, out, err = c.ctl("review", "history", "cq-wanzhou/2019-07", "--state-dir",
                             c.path("hub"), "--format", "json", check_rc=0)
        last = json.loads(out)["steps"][-1]
        check((last["step"], last["by"], last["reason"]) == ("return", "web:lishen", reason),
              "the ledger holds the return by web:lishen: %s" % last)
    finally:
        d.quit()


if __name__ == "__main__":
    run(main)
