"""The clerks' pages at the node, over HTTP as a browser without JavaScript
would use them (tests/browser/ drives a real one): sign in, the month's
form with Chinese names, a bad amount refused in Chinese with nothing
stored, figures stored with the person's name, a note with <script> shown
as text, delivery state in words, a correction that needs a reason, the
hub's ledger equal to the figures sent; refusals without a session, with
an expired one, without the CSRF token, for units not the user's, and
after too many failed sign-ins."""
import os
import re
import subprocess
import time

from luyutest import (BIN, Cluster, check, english_words, free_port, page_text, run, say,
                      wait_until)
from webclient import Browser


def upload(b, token, name, text, ctype="text/csv"):
    boundary = "----luyu7MA4YWxkTrZu0gW"
    data = text if isinstance(text, bytes) else text.encode()
    body = (("--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
             "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
             "Content-Type: %s\r\n\r\n" % (boundary, token, boundary, name, ctype)).encode()
            + data + ("\r\n--%s--\r\n" % boundary).encode())
    return b.request("POST", "/upload",
                     raw=(body, "multipart/form-data; boundary=" + boundary))


def add_user(c, node, name, pw, *extra):
    p = subprocess.run([os.path.join(BIN, "luyuctl"), "--node", c.sock(node), "user", "add",
                        name] + list(extra), input=(pw + "\n").encode(), capture_output=True,
                       timeout=120)
    check(p.returncode == 0, "user %s added: %s" % (name, p.stderr.decode().strip()))


def main():
    c = Cluster("webpages")
    c.start_hub()
    n = "cq-wanzhou"
    port = free_port()
    c.start_node(n, "cq-wanzhou,cq-wuxi", ["--web", "127.0.0.1:%d" % port])
    add_user(c, n, "wangli", "correct horse", "--role", "clerk", "--units", "cq-wanzhou")
    b = Browser(port)

    say("without a session: sent to sign in; a POST is refused")
    st, h, text = b.get("/form")
    check(st == 303 and h["location"] == "/login", "GET /form without a session: to /login")
    st, h, text = b.post("/form", {"unit": "cq-wanzhou", "period": "2019-07",
                                   "amt_cadres_to_sd": "3"})
    check(st == 403 and "登录" in text, "POST /form without a session refused, in Chinese")

    say("sign in")
    st, h, text = b.get("/login")
    check(st == 200 and 'name="password"' in text, "the sign-in page: 200")
    st, h, text = b.login("wangli", "wrong password")
    check(st == 403 and "用户名或密码错误" in text, "a wrong password is refused in Chinese")
    st, h, text = b.post("/login", {"user": "wangli", "password": "correct horse"})
    check(st == 403 and "luyu_session" not in b.cookies, "a sign-in without the form's token "
          "is refused")
    st, h, text = b.login("wangli", "correct horse")
    cookie = [v for k, v in b.last_headers if k.lower() == "set-cookie" and
              v.startswith("luyu_session=")]
    check(st == 303 and h["location"] == "/form", "signed in, sent to the form")
    check(cookie and "HttpOnly" in cookie[0] and "SameSite=Strict" in cookie[0]
          and "Secure" not in cookie[0], "session cookie HttpOnly; SameSite=Strict (no Secure "
          "on plain loopback HTTP): " + cookie[0].split(";", 1)[1])

    say("the month's form")
    st, h, text = b.get("/form?unit=cq-wanzhou&period=2019-07")
    check(st == 200 and "农副产品销售至山东交易额" in text and "产业合作" in text,
          "indicators in Chinese, grouped by task area")
    check(h.get("cache-control") == "no-store" and "default-src 'self'" in
          h.get("content-security-policy", ""), "no-store and the CSP on the page")
    check("<script" not in text and "http://" not in text and "https://" not in text,
          "no script and no external URL on the page")
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', text).group(1)
    nonce = re.search(r'name="nonce" value="([0-9a-f]+)"', text).group(1)
    form = {"csrf": token, "nonce": nonce, "unit": "cq-wanzhou", "period": "2019-07",
            "amt_agri_sales_to_sd": "-5", "amt_cadres_to_sd": "3"}
    st, h, text = b.post("/form", form)
    check(st == 422 and "不是有效金额" in text and 'id="err_agri_sales_to_sd"' in text,
          "a negative amount is refused on its field, in Chinese")
    check(c.status(n)["last_seq"] == 0, "nothing was stored")
    st, h, text = b.post("/form", dict(form, csrf=""))
    check(st == 403 and "安全令牌" in text, "a POST without the CSRF token is refused")
    st, h, text = b.post("/form", dict(form, unit="cq-wuxi", amt_agri_sales_to_sd="1"))
    check(st == 403, "a unit that is not the user's is refused")
    form.update(amt_agri_sales_to_sd="12345.60", note_agri_sales_to_sd="<script>alert(1)</script>")
    st, h, text = b.post("/form", form)
    check(st == 303 and h["location"].startswith("/form?added=2"), "two figures stored")
    st, h, text = b.post("/form", form)
    check(st == 303 and c.status(n)["last_seq"] == 2, "the same form sent twice stores once")

    say("what we entered")
    wait_until(lambda: c.drained(n), 60, "the entries to reach the hub")
    st, h, text = b.get("/entries")
    check("已入省级台账" in text and "web:wangli" in text, "delivery state in words; who entered")
    check("&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>" not in text,
          "the <script> note is shown as text")
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', text)
    st, h, text = b.post("/correct", {"csrf": m.group(1), "id": n + "/2", "amount": "3",
                                      "reason": " "})
    check(st == 422 and "更正需要填写原因" in text, "a correction without a reason is refused")
    st, h, text = b.post("/correct", {"csrf": m.group(1), "id": n + "/1",
                                      "amount": "12000", "reason": "录入错误"})
    check(st == 303, "a correction with a reason is stored")
    wait_until(lambda: c.drained(n), 60, "the correction to reach the hub")
    rc, out, err = c.ctl("ledger", *c.ledger_args(), "--period", "2019-07",
                         "--format", "json", check_rc=0)
    import json
    got = {(r["unit"], r["indicator"]): r["amount"] for r in json.loads(out)}
    check(got == {("cq-wanzhou", "agri_sales_to_sd"): "12000.00",
                  ("cq-wanzhou", "cadres_to_sd"): "3"},
          "the hub's ledger holds exactly the figures sent and corrected: %s" % got)
    st, h, text = b.get("/history?id=%s/1" % n)
    ids = re.findall(r'<tr id="e(\d+)">', text)
    check(st == 200 and ids == ["1", "3"] and "录入错误" in text,
          "the figure's history page: the entry, then its correction with the reason")
    rc, out, err = c.ctl("history", *c.ledger_args(), n + "/1", "--format", "json")
    steps = json.loads(out)["entries"]
    check([(e["recorded_by"], e["amount"], e["note"]) for e in steps]
          == [("web:wangli", "12345.60", "<script>alert(1)</script>"),
              ("web:wangli", "12000.00", "录入错误")],
          "history names the web user on the entry and on its correction, with the reason")

    say("every page in Chinese")
    for path in ("/form?unit=cq-wanzhou&period=2019-07", "/entries", "/history?id=%s/1" % n,
                 "/upload"):
        st, h, text = b.get(path)
        words = english_words(page_text(text), {"wangli", "script", "alert"})
        check(st == 200 and not words, "%s has no English word%s" % (path, words[:10]))

    say("upload: a preview of every row and every problem, then one commit")
    token, text = b.csrf("/upload")
    base = c.status(n)["last_seq"]
    bad = ("unit,indicator,period,amount,note\r\n"
           "cq-wanzhou,poor_trained,2019-08,12,\r\n"
           "cq-wanzhou,cadres_to_sd,2019-08,abc,\r\n"
           "cq-wuxi,cadres_to_sd,2019-08,2,<b>x</b>\r\n")
    st, h, text = upload(b, token, "8月.csv", bad)
    rows = re.findall(r'<tr class="(good|bad)">', text)
    check(st == 422 and rows == ["good", "bad", "bad"], "every row shown, the bad ones marked")
    check("您无权填报此单位" in text and "&lt;b&gt;x&lt;/b&gt;" in text,
          "another unit's row refused; the note shown as text")
    check('id="commit"' not in text and c.status(n)["last_seq"] == base,
          "no commit button and nothing stored")
    good = bad.replace(",abc,", ",5,").replace("cq-wuxi,cadres_to_sd,2019-08,2,<b>x</b>\r\n", "")
    st, h, text = upload(b, token, "8月.csv", good)
    upid = re.search(r'name="upload" value="([0-9a-f]+)"', text)
    check(st == 200 and upid and "共 2 行，全部无误" in text, "the fixed file: 2 rows, all fine")
    check(c.status(n)["last_seq"] == base, "still nothing stored before the commit")
    st, h, text = b.post("/upload/commit", {"csrf": token, "upload": upid.group(1)})
    check(st == 303 and "imported=2" in h["location"], "committed: 2 entries")
    st, h, text = upload(b, token, "again.csv", good)
    upid = re.search(r'name="upload" value="([0-9a-f]+)"', text).group(1)
    st, h, text = b.post("/upload/commit", {"csrf": token, "upload": upid})
    check(st == 303 and "repeat=1" in h["location"] and c.status(n)["last_seq"] == base + 2,
          "the same rows again: stored once, like luyuctl import")
    st, h, text = b.post("/upload/commit", {"csrf": token, "upload": upid})
    check(st == 422, "a commit used up cannot be sent again")
    path = c.path("same.csv")
    with open(path, "w") as f:
        f.write(good)
    rc, out, err = c.ctl("import", path, node=n)
    check(rc == 0 and "already imported 2" in out,
          "luyuctl import of the same rows knows them: " + out.strip())

    say("upload takes what luyuctl import takes: a GBK CSV with Chinese headers, an .xlsx")
    base = c.status(n)["last_seq"]
    gbk = ("单位,指标,月份,金额,备注\r\n"
           "万州区,赴山东挂职党政干部,2019年11月,4,十一月\r\n").encode("gbk")
    st, h, text = upload(b, token, "十一月.csv", gbk)
    upid = re.search(r'name="upload" value="([0-9a-f]+)"', text)
    check(st == 200 and upid and "共 1 行，全部无误" in text and "cadres_to_sd" in text,
          "a GBK CSV with names for codes reads as luyuctl import reads it")
    st, h, text = b.post("/upload/commit", {"csrf": token, "upload": upid.group(1)})
    check(st == 303 and "imported=1" in h["location"], "the GBK file committed")
    with open(os.path.join(os.environ["LUYU_SOURCE_DIR"], "tests", "data", "office",
                           "date1904.xlsx"), "rb") as f:
        xlsx = f.read()
    st, h, text = upload(b, token, "1904.xlsx", xlsx,
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    upid = re.search(r'name="upload" value="([0-9a-f]+)"', text)
    check(st == 200 and upid and "共 3 行，全部无误" in text, "an .xlsx workbook: 3 rows, all fine")
    st, h, text = b.post("/upload/commit", {"csrf": token, "upload": upid.group(1)})
    check(st == 303 and "imported=3" in h["location"] and c.status(n)["last_seq"] == base + 4,
          "the workbook committed: 4 entries from the two files")
    path = c.path("1904.xlsx")
    with open(path, "wb") as f:
        f.write(xlsx)
    rc, out, err = c.ctl("import", path, node=n)
    check(rc == 0 and "already imported 3" in out,
          "luyuctl import of the same workbook knows its rows: " + out.strip())

    say("an expired session is refused")
    port2 = free_port()
    c.start_node("cq-wushan", "cq-wushan", ["--web", "127.0.0.1:%d" % port2,
                                            "--web-session-s", "2"])
    add_user(c, "cq-wushan", "chen", "horse battery", "--role", "clerk")
    b2 = Browser(port2)
    st, h, text = b2.login("chen", "horse battery")
    token, text = b2.csrf("/entries")
    check(token is not None, "signed in at a node whose sessions last 2 s")
    time.sleep(4)
    st, h, text = b2.get("/entries")
    check(st == 303 and "expired" in h["location"], "GET with an expired session: sign in again")
    st, h, text = b2.post("/correct", {"csrf": token, "id": "cq-wushan/1", "amount": "1",
                                       "reason": "x"})
    check(st == 403, "POST with an expired session refused")

    say("a reviewer reads but does not enter")
    add_user(c, n, "zhao", "review horse", "--role", "reviewer")
    r = Browser(port)
    st, h, text = r.login("zhao", "review horse")
    token, text = r.csrf("/form?unit=cq-wanzhou&period=2019-09")
    st, h, text = r.post("/form", {"csrf": token, "unit": "cq-wanzhou", "period": "2019-09",
                                   "amt_cadres_to_sd": "1"})
    check(st == 403 and "只有填报员" in text, "a reviewer's figures are refused")

    say("the link's state in words")
    st, h, text = b.get("/entries")
    check('id="link">连接正常<' in text, "连接正常 while the hub answers")
    c.hub.stop()
    wait_until(lambda: not c.status(n)["link_up"], 60, "the node to see the link down")
    st, h, text = b.get("/entries")
    check(re.search(r'id="link">已断开 自 \d{4}-\d\d-\d\d \d\d:\d\d 起', text) is not None,
          "已断开 since when, once the hub is gone")

    say("too many failed sign-ins")
    for i in range(5):
        b.login("wangli", "nope %d" % i)
    st, h, text = b.login("wangli", "correct horse")
    check(st == 429 and "15" in text, "after 5 failures even the right password waits")
    for d in list(c.daemons):
        check(d.stop() == 0, "%s stopped cleanly" % d.name)


run(main)
