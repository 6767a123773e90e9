"""The review of a month on the node's web pages (issues 16 and 17), over
HTTP as a browser without JavaScript would use them: a clerk sees every
month's state but no approve form, and a clerk's POST is refused; a
district reviewer approves 2019-07 in the browser and the hub's ledger
holds the approval by web:NAME; the province accepts it (luyuctl review
accept) and the page says it is locked, the form says so and a figure for
the month is refused in Chinese, and so is another approval; the province
returns 2019-06 with a reason, and every page shows the reason; a
reminder from the province shows in words. A POST without the CSRF token
is refused, and the pages have no English."""
import calendar
import grp
import json
import os
import pwd
import re
import subprocess

from luyutest import (BIN, Cluster, check, english_words, free_port, page_text, run, say,
                      wait_until)
from webclient import Browser

UNIT = "cq-wanzhou"
GROUP = grp.getgrgid(os.getgid()).gr_name      # the province's group: the test's own
ME = pwd.getpwuid(os.getuid()).pw_name         # the province's reviewer
# 2019-07 closes on 2019-08-05, 00:00 China time (UTC+8).
CLOSE = calendar.timegm((2019, 8, 5, 0, 0, 0)) - 8 * 3600
RETURN_WHY = "培训人数与花名册不符，请核实<b>后重报"


def add_user(c, name, pw, *extra):
    p = subprocess.run([os.path.join(BIN, "luyuctl"), "--node", c.sock(UNIT), "user", "add",
                        name] + list(extra), input=(pw + "\n").encode(), capture_output=True,
                       timeout=120)
    check(p.returncode == 0, "user %s added: %s" % (name, p.stderr.decode().strip()))


def steps(c, month):
    rc, out, err = c.ctl("review", "history", "%s/%s" % (UNIT, month), *c.ledger_args(),
                         "--format", "json", check_rc=0)
    return [(s["step"], s["by"], s["reason"]) for s in json.loads(out)["steps"]]


def hub_step(c, kind, month, *reason):
    return c.ctl("review", kind, "%s/%s" % (UNIT, month), *reason,
                 "--hub", c.path("hub", "control.sock"))


def row(b, month):
    """The review page's row of UNIT's month, as text."""
    st, h, text = b.get("/review")
    m = re.search(r'<tr id="m-%s-%s">([\s\S]*?)</tr>' % (UNIT, month), text)
    return m.group(1) if m else ""


def no_english(b, paths, names):
    for path in paths:
        st, h, text = b.get(path)
        words = english_words(page_text(text), names)
        check(st == 200 and not words, "%s has no English word%s" % (path, words[:10]))


def main():
    c = Cluster("webreview", secure=False)
    c.start_hub(["--review-group", GROUP])
    port = free_port()
    c.start_node(UNIT, UNIT, ["--web", "127.0.0.1:%d" % port])
    add_user(c, "wangli", "correct horse", "--role", "clerk")
    add_user(c, "zhaomin", "battery staple", "--role", "reviewer")
    for month in ("2019-06", "2019-07"):
        for ind, amount in (("agri_sales_to_sd", "1000000"), ("cadres_to_sd", "2")):
            c.ctl("submit", "--unit", UNIT, "--indicator", ind, "--period", month,
                  "--amount", amount, node=UNIT, check_rc=0)

    say("a clerk sees the months, not approved, without an approve form")
    clerk = Browser(port)
    st, h, text = clerk.login("wangli", "correct horse")
    check(st == 303, "the clerk signs in")
    st, h, text = clerk.get("/review")
    check(st == 200 and 'href="/review"' in text, "the review page, linked from the header")
    r7, r6 = row(clerk, "2019-07"), row(clerk, "2019-06")
    check("尚未审核" in r7 and "尚未审核" in r6 and "万州" in r7,
          "both months listed, not approved yet, under the unit's Chinese name")
    check(text.index('id="m-%s-2019-07"' % UNIT) < text.index('id="m-%s-2019-06"' % UNIT),
          "newest month first")
    check('action="/review"' not in text, "no approve form for a clerk")
    token, _ = clerk.csrf("/review")
    st, h, text = clerk.post("/review", {"csrf": token, "unit": UNIT, "period": "2019-07"})
    check(st == 403 and "只有区县审核员" in text, "a clerk's approval is refused in Chinese")
    check(steps(c, "2019-07") == [] and c.status(UNIT)["last_seq"] == 4,
          "and nothing was stored")

    say("the reviewer approves 2019-07 in the browser")
    rev = Browser(port)
    check(rev.login("zhaomin", "battery staple")[0] == 303, "the reviewer signs in")
    token, text = rev.csrf("/review")
    check('id="approve-%s-2019-07"' % UNIT in text, "the reviewer has an approve form")
    form = {"csrf": token, "unit": UNIT, "period": "2019-07", "note": "已核对"}
    st, h, text = rev.post("/review", dict(form, csrf=""))
    check(st == 403 and "安全令牌" in text, "without the CSRF token: refused")
    st, h, text = rev.post("/review", dict(form, unit="cq-wuxi"))
    check(st == 403, "a unit not the reviewer's is refused")
    for bad, what in (({"period": "2019-13"}, "月份无效"), ({"period": "2031-01"}, "规划期"),
                      ({"note": "长" * 200}, "备注过长")):
        st, h, text = rev.post("/review", dict(form, **bad))
        words = english_words(page_text(text), {"zhaomin", ME})
        check(st == 422 and what in text and not words,
              "hostile input %s refused in Chinese: %s %s" % (list(bad), st, words[:5]))
    st, h, text = rev.post("/review", {"csrf": token, "period": "2019-07"})
    check(st == 403, "a form without a unit is refused")
    check(c.status(UNIT)["last_seq"] == 4, "nothing stored by them")
    st, h, text = rev.post("/review", form)
    check(st == 303 and h["location"] == "/review?approved=1", "approved: " + str(st))
    st, h, text = rev.get(h["location"])
    check('id="banner"' in text and "web:zhaomin" in row(rev, "2019-07")
          and "已审核" in row(rev, "2019-07"), "the page says approved, by web:zhaomin")
    wait_until(lambda: c.drained(UNIT), 60, "the approval to reach the hub")
    check(steps(c, "2019-07") == [("approve", "web:zhaomin", "已核对")],
          "the hub's ledger holds the approval by web:zhaomin: %s" % steps(c, "2019-07"))
    rc, out, err = c.ctl("review", "queue", *c.ledger_args(), "--format", "json",
                         check_rc=0)
    q = [m for m in json.loads(out)["months"] if (m["unit"], m["period"]) == (UNIT, "2019-07")]
    check(q and q[0]["state"] == "approved", "the province's queue: approved")

    say("the province accepts it: locked on the pages, figures refused in Chinese")
    rc, out, err = hub_step(c, "accept", "2019-07")
    check(rc == 0, "accepted at the hub: " + err.strip())
    wait_until(lambda: "省级已接收，已锁定" in row(clerk, "2019-07"), 60,
               "the acceptance to reach the node's page")
    check('id="approve-%s-2019-07"' % UNIT not in rev.get("/review")[2],
          "no approve form for a locked month")
    st, h, text = clerk.get("/form?unit=%s&period=2019-07" % UNIT)
    check(st == 200 and 'id="locked"' in text and "已锁定" in text,
          "the month's form says it is locked")
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', text).group(1)
    nonce = re.search(r'name="nonce" value="([0-9a-f]+)"', text).group(1)
    st, h, text = clerk.post("/form", {"csrf": token, "nonce": nonce, "unit": UNIT,
                                       "period": "2019-07", "amt_cadres_to_sd": "1"})
    check(st == 422 and "已由省级接收" in text and "请省级解锁" in text,
          "a figure for the locked month is refused with the reason, in Chinese")
    token, _ = rev.csrf("/review")
    st, h, text = rev.post("/review", dict(form, csrf=token))
    check(st == 422 and "已由省级接收" in text, "approving a locked month is refused: why")
    check(c.status(UNIT)["last_seq"] == 5, "nothing stored for the locked month")

    say("the reviewer approves 2019-06; the province returns it with a reason")
    st, h, text = rev.post("/review", dict(form, csrf=token, period="2019-06", note=""))
    check(st == 303, "2019-06 approved")
    wait_until(lambda: c.drained(UNIT), 60, "the approval to reach the hub")
    rc, out, err = hub_step(c, "return", "2019-06", "--reason", RETURN_WHY)
    check(rc == 0, "returned at the hub: " + err.strip())
    esc = RETURN_WHY.replace("<", "&lt;").replace(">", "&gt;")
    wait_until(lambda: esc in row(clerk, "2019-06"), 60, "the return to reach the node")
    check("省级退回" in row(clerk, "2019-06"), "the review page: returned, with the reason")
    for path in ("/form", "/entries", "/upload"):
        st, h, text = clerk.get(path)
        prov = re.search(r'<section id="province">([\s\S]*?)</section>', text)
        check(prov and esc in prov.group(1) and "<b>" not in prov.group(1),
              "%s shows the province's message, escaped" % path)

    say("a reminder from the province, in words")
    c.hub.kill9()
    os.environ["LUYU_FAKE_NOW"] = str(CLOSE - 2 * 86400)
    c.start_hub(["--review-group", GROUP])
    del os.environ["LUYU_FAKE_NOW"]
    wait_until(lambda: "本月已截止，尚未审核" in clerk.get("/form")[2], 60,
               "the reminder for the returned June to reach the node")
    check("省级催报提醒" in clerk.get("/entries")[2], "the reminder is worded in Chinese")

    say("the pages in Chinese")
    no_english(clerk, ("/review", "/form", "/entries"), {"wangli", ME})
    no_english(rev, ("/review",), {"zhaomin", ME})


run(main)
