"""The province's review in the hub's dashboard (issues 16 and 18), with the
real daemons: the district approves a month at its node; a viewer sees it
in the review queue, with its history and figures, but no form, and a
viewer's POST is refused; a reviewer returns it (a reason is required),
which reaches the node, then accepts it after the district approves again,
which reaches the node too; a step the month's state does not allow is
refused with the reason in Chinese; a form without the CSRF token is
refused; the steps are in the ledger's history as web:NAME, the same as
luyuctl review would record; every page is in Chinese."""
import grp
import json
import os
import pwd
import re
import subprocess

from luyutest import (hub_user, BIN, Cluster, check, english_words, free_port, page_text, run, say,
                      wait_until)
from webclient import Browser

UNIT, MONTH = "cq-wanzhou", "2019-07"
KEY = "%s/%s" % (UNIT, MONTH)
GROUP = grp.getgrgid(os.getgid()).gr_name      # the test's own group
ME = pwd.getpwuid(os.getuid()).pw_name
MONTH_PAGE = "/review?unit=%s&month=%s" % (UNIT, MONTH)
# People's names, and the state filter's option values (codes, not shown).
NAMES = {ME, "zhanghua", "lishen", "web", "cq", "wanzhou",
         "open", "approved", "accepted", "returned", "unlocked"}


user = hub_user


def steps(c):
    rc, out, err = c.ctl("review", "history", KEY, *c.ledger_args(),
                         "--format", "json", check_rc=0)
    return [(s["step"], s["by"], s["reason"]) for s in json.loads(out)["steps"]]


def node_state(c):
    got = [r for r in c.status(UNIT)["reviews"] if (r["unit"], r["period"]) == (UNIT, MONTH)]
    return (got[0]["state"], got[0]["by"], got[0]["reason"]) if got else None


def chinese(text, what):
    words = english_words(page_text(text), NAMES)
    check(not words, "%s is in Chinese (English words: %s)" % (what, words))


def row(text):
    """The queue's row of the month: its attributes and cells' text."""
    m = re.search(r'<tr data-unit="%s" data-month="%s" data-state="([a-z]+)"[^>]*>(.*?)</tr>'
                  % (UNIT, MONTH), text)
    return (m.group(1), page_text(m.group(2))) if m else (None, "")


def approve(c, *reason):
    c.ctl("review", "approve", KEY, *reason, node=UNIT, check_rc=0)
    wait_until(lambda: c.drained(UNIT), 60, "the approval to reach the hub")


def main():
    c = Cluster("hubreviewweb", secure=False)
    port = free_port()
    c.start_hub(["--review-group", GROUP, "--web", "127.0.0.1:%d" % port])
    c.start_node(UNIT, UNIT, ["--review-group", GROUP])
    user(c, "zhanghua", "viewer", "viewer horse")
    user(c, "lishen", "reviewer", "review horse")
    for ind, amount in (("agri_sales_to_sd", "1000000"), ("cadres_to_sd", "2")):
        c.ctl("submit", "--unit", UNIT, "--indicator", ind, "--period", MONTH,
              "--amount", amount, node=UNIT, check_rc=0)
    approve(c, "--reason", "已核对")
    check(steps(c) == [("approve", ME, "已核对")], "the hub holds the district's approval")

    say("a viewer reads the queue, the month's history and figures; no form")
    v = Browser(port)
    st, h, text = v.login("zhanghua", "viewer horse")
    check(st == 303, "the viewer signs in")
    st, h, text = v.get("/review")
    check(st == 200, "a viewer reaches the review queue")
    state, cells = row(text)
    check(state == "approved" and "万州区" in cells and "区县已审核" in cells and
          ME in cells and MONTH in cells, "the month is in the queue, approved by %s: %s"
          % (ME, cells))
    check('method="post" action="/review"' not in text, "no review form for a viewer")
    chinese(text, "the queue")
    st, h, text = v.get(MONTH_PAGE)
    check(st == 200 and 'data-step="approve"' in text and "已核对" in text,
          "the month's history: the approval and its reason")
    check('data-indicator="agri_sales_to_sd"' in text and "万元" in text and
          'data-indicator="cadres_to_sd"' in text,
          "the month's figures from the ledger, money in 万元")
    check('method="post" action="/review"' not in text, "no step form for a viewer")
    chinese(text, "the month's page")
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', text).group(1)
    st, h, text = v.post("/review", {"csrf": token, "unit": UNIT, "month": MONTH,
                                     "step": "accept"})
    check(st == 403 and "只有审核人员" in text, "a viewer's POST is refused: %d" % st)
    check(steps(c) == [("approve", ME, "已核对")], "and took no step")

    say("filters and hostile requests")
    for q, want in (("?state=approved", True), ("?state=accepted", False),
                    ("?month=2019-07", True), ("?month=2019-08", False),
                    ("?month=2019-07&state=open", False)):
        st, h, text = v.get("/review" + q)
        check(st == 200 and (row(text)[0] is not None) == want,
              "the queue%s %s the month" % (q, "shows" if want else "leaves out"))
    st, h, text = v.get("/review?month=%3Cb%3E&state=%3Cscript%3E")
    check(st == 200 and "<b>" not in text and "<script>" not in text,
          "hostile filters fall back, escaped")
    for q in ("unit=%3Cscript%3E&month=2019-07", "unit=cq-wanzhou&month=junk",
              "unit=sd-jinan&month=2019-07", "unit=cq-wanzhou"):
        st, h, text = v.get("/review?" + q)
        check(st == 404 and "<script>" not in text, "no month page for %s" % q)

    say("a reviewer: CSRF, a reason for a return, then the return reaches the node")
    r = Browser(port)
    st, h, text = r.login("lishen", "review horse")
    check(st == 303, "the reviewer signs in")
    token, text = r.csrf(MONTH_PAGE)
    check('id="accept"' in text and 'id="return"' in text and 'id="unlock"' not in text,
          "an approved month: forms to accept and to return")
    chinese(text, "the reviewer's month page")
    st, h, text = r.post("/review", {"unit": UNIT, "month": MONTH, "step": "accept"})
    check(st == 403, "a step without the CSRF token is refused")
    st, h, text = r.post("/review", {"csrf": "0" * 64, "unit": UNIT, "month": MONTH,
                                     "step": "accept"})
    check(st == 403, "a step with a wrong CSRF token is refused")
    st, h, text = r.post("/review", {"csrf": token, "unit": UNIT, "month": MONTH,
                                     "step": "return", "reason": ""})
    check(st == 409 and "请填写原因" in text, "a return without a reason is refused in Chinese")
    for bad in ({"step": "approve"}, {"step": "accept", "unit": "sd-jinan"},
                {"step": "accept", "month": "2019-13"}, {"step": "accept", "unit": "<x>"}):
        fields = {"csrf": token, "unit": UNIT, "month": MONTH}
        fields.update(bad)
        st, h, text = r.post("/review", fields)
        check(st == 400 and "<x>" not in text, "a malformed step is refused: %s" % bad)
    check(steps(c) == [("approve", ME, "已核对")], "none of that took a step")
    msg = "农产品销售额偏低，请核实后重报"
    st, h, text = r.post("/review", {"csrf": token, "unit": UNIT, "month": MONTH,
                                     "step": "return", "reason": msg})
    check(st == 303 and h["location"] == MONTH_PAGE, "returned, back to the month's page")
    check(steps(c)[-1] == ("return", "web:lishen", msg), "the ledger: return by web:lishen")
    wait_until(lambda: node_state(c) == ("returned", "web:lishen", msg), 60,
               "the return and its reason to reach the node")
    st, h, text = r.get(MONTH_PAGE)
    check('data-state="returned"' in text and msg in text and "web:lishen" in text,
          "the month's page shows the return, by whom and why")

    say("a step the month's state refuses, in Chinese; then the reviewer accepts")
    st, h, text = r.post("/review", {"csrf": token, "unit": UNIT, "month": MONTH,
                                     "step": "accept"})
    check(st == 409 and "只有区县已审核的月份才能接收或退回" in text and "已退回" in text,
          "accepting a returned month is refused, with why")
    chinese(text, "the refusal")
    approve(c)
    st, h, text = r.get("/review")
    check(row(text)[0] == "approved", "approved again, in the queue")
    st, h, text = r.post("/review", {"csrf": token, "unit": UNIT, "month": MONTH,
                                     "step": "accept"})
    check(st == 303, "accepted in the browser")
    check(steps(c)[-1] == ("accept", "web:lishen", ""), "the ledger: accept by web:lishen")
    wait_until(lambda: node_state(c) and node_state(c)[0] == "accepted", 60,
               "the acceptance to reach the node")
    rc, out, err = c.ctl("submit", "--unit", UNIT, "--indicator", "cadres_to_sd",
                         "--period", MONTH, "--amount", "1", node=UNIT)
    check(rc == 2 and "locked" in err, "the month is locked at the node")
    token, text = r.csrf(MONTH_PAGE)
    check('id="unlock"' in text and 'id="accept"' not in text,
          "an accepted month: the form to unlock it")
    st, h, text = r.post("/review", {"csrf": token, "unit": UNIT, "month": MONTH,
                                     "step": "unlock"})
    check(st == 409 and "请填写原因" in text, "an unlock without a reason is refused")
    st, h, text = r.post("/review", {"csrf": token, "unit": UNIT, "month": MONTH,
                                     "step": "unlock", "reason": "山东方面数据更新"})
    check(st == 303, "unlocked in the browser")
    st, h, text = r.get("/review?state=unlocked")
    check(row(text)[0] == "unlocked", "the queue shows it unlocked")
    chinese(text, "the reviewer's queue")

    say("the history: every step once, web steps as web:NAME, as luyuctl's")
    want = [("approve", ME, "已核对"), ("return", "web:lishen", msg), ("approve", ME, ""),
            ("accept", "web:lishen", ""), ("unlock", "web:lishen", "山东方面数据更新")]
    check(steps(c) == want, "review history: %s" % steps(c))
    rc, out, err = c.ctl("review", "accept", KEY, "--hub", c.path("hub", "control.sock"))
    check(rc == 2 and "unlocked" in err, "luyuctl refuses the same step the same way: "
          + err.strip())


run(main)
