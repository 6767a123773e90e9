"""The hub's dashboard over HTTP (tests/browser/02-hub-dash.py drives a real
browser): its users come and go with luyuctl user --hub, in users.db of
their own (schema 1), and stay across a restart; a role the hub does not
know, or a Unix user other than root or the hub's, is refused; without a
session every page sends to sign in and /events is refused; sign-out needs
the CSRF token; pages carry the strict headers, no external URL, and
escape what they show; a viewer reads the review queue but is refused
its steps (tests/integration/66-hub-review-web.py takes them), a disabled
user is out at once."""
import os
import re
import sqlite3
import subprocess

from luyutest import BIN, Cluster, check, free_port, run, say
from webclient import Browser


def user(c, *args, pw=None, rc=0):
    p = subprocess.run([os.path.join(BIN, "luyuctl"), "--hub", c.path("hub", "control.sock"),
                        "user"] + list(args), input=((pw or "") + "\n").encode(),
                       capture_output=True, timeout=120)
    check(p.returncode == rc, "luyuctl user --hub %s: exit %d (wanted %d) %s"
          % (" ".join(args), p.returncode, rc, p.stderr.decode().strip()))
    return p.stdout.decode(), p.stderr.decode()


def main():
    c = Cluster("hubdash")
    port = free_port()
    c.keygen(c.hub_id)
    c.ctl("keygen", "--sign", "--out", c.path("keys", c.hub_id), check_rc=0)
    sign = ["--sign-key", c.path("keys", c.hub_id + ".sign.key"), "--no-auto-issue"]
    c.start_hub(["--web", "127.0.0.1:%d" % port] + sign)
    c.ctl("bulletin", "issue", "2019-07", "--hub", c.path("hub", "control.sock"), check_rc=0)
    b = Browser(port)

    say("users at the hub")
    user(c, "add", "zhanghua", "--role", "viewer", pw="viewer horse")
    user(c, "add", "admin1", "--role", "admin", pw="admin horse")
    out, err = user(c, "add", "wangli", "--role", "clerk", pw="clerk horse", rc=2)
    check("viewer, reviewer or admin" in err, "a node's role is refused at the hub: " + err)
    user(c, "add", "zhanghua", "--role", "viewer", pw="another one", rc=2)
    db = sqlite3.connect(c.path("hub", "users.db"))
    check(db.execute("PRAGMA user_version").fetchone()[0] == 1, "users.db is schema 1")
    check(db.execute("SELECT count(*) FROM web_user").fetchone()[0] == 2, "two users stored")
    db.close()
    if os.geteuid() == 0:
        p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            os.path.join(BIN, "luyuctl"), "--hub",
                            c.path("hub", "control.sock"), "user", "list"],
                           capture_output=True, timeout=60)
        check(p.returncode != 0, "another Unix user cannot manage the hub's users")

    say("without a session")
    st, h, text = b.get("/")
    check(st == 303 and h["location"] == "/login", "the overview sends to sign in")
    st, h, text = b.get("/events")
    check(st == 403, "the live feed needs a session")
    st, h, text = b.get("/nope")
    check(st == 404, "an unknown page is 404")

    say("a viewer")
    st, h, text = b.login("zhanghua", "wrong one")
    check(st == 403 and "用户名或密码错误" in text, "a wrong password is refused in Chinese")
    st, h, text = b.login("zhanghua", "viewer horse")
    check(st == 303 and h["location"] == "/", "signed in, to the overview")
    for page in ("/", "/indicator", "/grid", "/bulletins", "/nodes"):
        st, h, text = b.get(page)
        check(st == 200 and h.get("cache-control") == "no-store" and
              "default-src 'self'" in h.get("content-security-policy", ""),
              "%s: 200, no-store and the CSP" % page)
        check("http://" not in text and "https://" not in text, page + ": no external URL")
    st, h, text = b.get("/indicator?code=%3Cscript%3E")
    check(st == 404 or "<script>" not in text, "a hostile indicator code is not echoed raw")
    st, h, text = b.get("/?month=%3Cb%3E")
    check(st == 200 and "<b>" not in text, "a hostile month falls back, escaped")
    s = b.stream("/events")
    check(s.status == 200 and s.headers["content-type"].startswith("text/event-stream") and
          s.block().startswith("retry: "), "the live feed: a stream of events, with a retry")
    s.close()
    st, h, text = b.get("/review")
    check(st == 200 and 'method="post" action="/review"' not in text,
          "a viewer reads the review queue, without a step's form")
    token, _ = b.csrf("/review")
    st, h, text = b.post("/review", {"csrf": token, "unit": "cq-wanzhou", "month": "2019-07",
                                     "step": "accept"})
    check(st == 403 and "只有审核人员" in text, "a viewer is refused the review steps")

    say("the bulletins page: the signed file, which luyuctl verifies")
    st, h, text = b.get("/bulletins")
    check(st == 200 and "/bulletin.bin?province=CQ&amp;month=2019-07&amp;revision=1" in text,
          "the bulletin is listed with its signed file")
    st, h, data = b.get("/bulletin.bin?province=CQ&month=2019-07&revision=1")
    check(st == 200 and isinstance(data, bytes) and "cq-2019-07-r1.bin" not in
          h.get("content-disposition", "") and "CQ-2019-07-r1.bin" in
          h.get("content-disposition", ""), "the signed file downloads as an attachment")
    path = c.path("dl.bin")
    with open(path, "wb") as f:
        f.write(data)
    rc, out, err = c.ctl("bulletin", "verify", path, "--key",
                         c.path("keys", c.hub_id + ".sign.pub"))
    check(rc == 0, "luyuctl bulletin verify accepts the downloaded file: %s" % (out + err))
    for q in ("province=CQ&month=2019-07&revision=2", "province=cq&month=2019-07&revision=1",
              "province=CQ&month=junk&revision=1", "month=2019-07&revision=1",
              "province=%3Cscript%3E&month=2019-07&revision=1"):
        for page in ("/bulletin.bin?", "/bulletin.html?"):
            st, h, text = b.get(page + q)
            check(st == 404 and "<script>" not in str(text), "no %s for %s" % (page, q))

    say("the bulletins page: the rendered bulletin, luyuctl's page")
    st, h, text = b.get("/bulletins")
    check('href="/bulletin.html?province=CQ&amp;month=2019-07&amp;revision=1"' in text,
          "each revision links to its page, next to the signed file")
    st, h, page = b.get("/bulletin.html?province=CQ&month=2019-07&revision=1")
    check(st == 200 and h["content-type"].startswith("text/html") and
          "default-src 'self'" in h.get("content-security-policy", ""),
          "the page answers under the dashboard's CSP")
    # The hub's pages are in Chinese; luyuctl is in the reader's language.
    rc, out, err = c.ctl("bulletin", "show", "2019-07", *c.ledger_args(),
                         "--revision", "1", "--format", "html", check_rc=0,
                         lang="zh_CN.UTF-8" if 'lang="zh-CN"' in page else None)
    style = re.search(r"<style>(.*?)</style>", out, re.S)
    check(style is not None, "luyuctl's page has its inline stylesheet")
    linked = out.replace(style.group(0), '<link rel="stylesheet" href="/bulletin.css"/>')
    check("本期无分区县数据" not in page and "签发于该功能加入之前" not in page,
          "a month without figures is not called an old bulletin")
    check(page == linked, "the same HTML as luyuctl bulletin show --format html, the "
          "stylesheet linked (%d and %d bytes)" % (len(page), len(linked)))
    check("<style" not in page and " style=" not in page and "<script" not in page,
          "nothing inline that the CSP would block")
    check(not re.search(r'(src|href)="(?!#|/bulletin\.css")', page),
          "nothing loaded from elsewhere: only the stylesheet and the page's anchors")
    c.ctl("bulletin", "issue", "2019-12", "--hub", c.path("hub", "control.sock"), check_rc=0)
    st, h, page = b.get("/bulletin.html?province=CQ&month=2019-12&revision=1")
    rc, out, err = c.ctl("bulletin", "show", "2019-12", *c.ledger_args(),
                         "--format", "html", check_rc=0,
                         lang="zh_CN.UTF-8" if 'lang="zh-CN"' in page else None)
    check(st == 200 and 'id="scorecard"' in page and
          page == out.replace(style.group(0), '<link rel="stylesheet" href="/bulletin.css"/>'),
          "December's page has the year's assessment, as luyuctl's does")
    st, h, css = b.get("/bulletin.css")
    check(st == 200 and h["content-type"].startswith("text/css") and
          css == style.group(1), "the stylesheet is luyuctl's")
    st, h, text = b.post("/logout", {"csrf": "0" * 64})
    check(st == 403, "sign-out without the session's CSRF token is refused")

    say("users survive a restart; a disabled user is out at once")
    c.hub.stop()
    c.start_hub(["--web", "127.0.0.1:%d" % port] + sign)
    out, err = user(c, "list", "--json")
    check('"zhanghua"' in out and '"viewer"' in out, "the users are still there: " + out)
    a = Browser(port)
    st, h, text = a.login("admin1", "admin horse")
    st, h, text = a.get("/review")
    check(st == 200, "an admin reaches the review page")
    user(c, "disable", "admin1")
    st, h, text = a.get("/review")
    check(st == 303, "a disabled user's session ends at once")


run(main)
