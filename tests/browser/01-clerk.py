"""A district clerk in a real browser (Debian chromium, headless, through
selenium): signs in, enters a month's figures, sees a bad amount refused in
Chinese with nothing stored, stores the figures with a note holding
<script> (shown as text), corrects an entry with a reason, and the hub's
ledger then equals the figures exactly; adds a project and sees it listed; a clerk of another node cannot
sign in here; a CSV with one bad row is previewed with its error and
nothing stored, the fixed file committed; a form sent without the CSRF token, without a session or
with an expired session is refused. Screenshots of every page at desktop
and phone width go to $LUYU_ARTIFACTS (the build tree's
artifacts/browser/)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from luyutest import Cluster, check, free_port, run, say, wait_until  # noqa: E402
from browsertest import ART, add_user, browser, shots, sign_in, submit  # noqa: E402



def main():
    from_path = tempfile.mkdtemp(prefix="luyu-chromium-")
    d = None
    c = Cluster("browser")
    try:
        d = browser(from_path)
        from selenium.webdriver.common.by import By
        c.start_hub()
        n, other = "cq-wanzhou", "cq-wuxi"
        port, oport = free_port(), free_port()
        c.start_node(n, n, ["--web", "127.0.0.1:%d" % port, "--web-session-s", "60"])
        c.start_node(other, other, ["--web", "127.0.0.1:%d" % oport])
        add_user(c, n, "wangli", "correct horse", "--role", "clerk")
        add_user(c, other, "liuyang", "other horse", "--role", "clerk")
        base = "http://127.0.0.1:%d" % port

        say("signing in")
        d.get(base + "/")
        check(d.current_url.endswith("/login"), "the first page is the sign-in page")
        shots(d, "01-login")
        sign_in(d, base, "liuyang", "other horse")
        check("用户名或密码错误" in d.page_source, "another node's clerk cannot sign in here")
        sign_in(d, base, "wangli", "correct horse")
        check("/form" in d.current_url and "填报月度数据" in d.page_source,
              "signed in: the month's form, in Chinese")

        say("a bad amount, then the month's figures")
        d.get(base + "/form?unit=cq-wanzhou&period=2019-07")
        check("农副产品销售至山东交易额" in d.page_source and "连接正常" in d.page_source,
              "indicators in Chinese; the link's state in words")
        shots(d, "02-form")
        d.find_element(By.ID, "amt_agri_sales_to_sd").send_keys("12,345")
        d.find_element(By.ID, "amt_cadres_to_sd").send_keys("3")
        submit(d, d.find_element(By.ID, "save"))
        err = d.find_element(By.ID, "err_agri_sales_to_sd").text
        check("不是有效金额" in err, "the bad amount is refused on its field: " + err)
        check(c.status(n)["last_seq"] == 0, "nothing was stored")
        shots(d, "03-form-refused")
        f = d.find_element(By.ID, "amt_agri_sales_to_sd")
        f.clear()
        f.send_keys("12345.60")
        d.find_element(By.NAME, "note_agri_sales_to_sd").send_keys("<script>alert(1)</script>")
        d.find_element(By.NAME, "amt_poor_trained").send_keys("40")
        submit(d, d.find_element(By.ID, "save"))
        check("已保存" in d.find_element(By.ID, "banner").text, "stored, and told so")

        say("what we entered, and a correction")
        wait_until(lambda: c.drained(n), 60, "the entries to reach the hub")
        d.get(base + "/entries")
        rows = d.find_element(By.ID, "entries").text
        check("已入省级台账" in rows and "web:wangli" in rows, "delivery state and who entered")
        notes = [e.text for e in d.find_elements(By.CSS_SELECTOR, "td.note")]
        check("<script>alert(1)</script>" in notes, "the <script> note renders as text")
        check(d.execute_script("return typeof window.alertCalled") == "undefined",
              "and runs nothing")
        shots(d, "04-entries")
        row = d.find_element(By.ID, "e1")
        row.find_element(By.TAG_NAME, "summary").click()
        row.find_element(By.NAME, "amount").send_keys("12000")
        submit(d, row.find_element(By.TAG_NAME, "button"))
        check("更正需要填写原因" in d.find_element(By.ID, "problem").text,
              "a correction without a reason is refused")
        row = d.find_element(By.ID, "e1")
        row.find_element(By.TAG_NAME, "summary").click()
        row.find_element(By.NAME, "amount").send_keys("12000")
        row.find_element(By.NAME, "reason").send_keys("录入错误")
        submit(d, row.find_element(By.TAG_NAME, "button"))
        check("更正已保存" in d.find_element(By.ID, "banner").text, "the correction is stored")
        wait_until(lambda: c.drained(n), 60, "the correction to reach the hub")
        rc, out, err = c.ctl("ledger", "--state-dir", c.path("hub"), "--period", "2019-07",
                             "--format", "json", check_rc=0)
        got = {(r["unit"], r["indicator"]): r["amount"] for r in json.loads(out)}
        want = {("cq-wanzhou", "agri_sales_to_sd"): "12000.00",
                ("cq-wanzhou", "cadres_to_sd"): "3",
                ("cq-wanzhou", "poor_trained"): "40"}
        check(got == want, "the hub's ledger equals the figures exactly: %s" % got)
        d.get(base + "/entries")
        shots(d, "05-entries-corrected")

        say("uploading a file: a bad row, then the fixed file")
        # Amounts in line with July's, so that no row is an outlier.
        bad = c.path("8月.csv")
        with open(bad, "w", encoding="utf-8") as f:
            f.write("unit,indicator,period,amount,note\n"
                    "cq-wanzhou,poor_trained,2019-08,12,\n"
                    "cq-wanzhou,cadres_to_sd,2019-08,十二,\n"
                    "cq-wanzhou,agri_sales_to_sd,2019-08,8000.5,八月\n")
        d.get(base + "/upload")
        shots(d, "07-upload")
        d.find_element(By.ID, "file").send_keys(bad)
        submit(d, d.find_element(By.ID, "preview"))
        rows = d.find_elements(By.CSS_SELECTOR, "#preview tr.good, #preview tr.bad")
        check([r.get_attribute("class") for r in rows] == ["good", "bad", "good"],
              "the preview shows every row, the bad one marked")
        check("未保存任何数据" in d.find_element(By.ID, "summary").text and
              not d.find_elements(By.ID, "commit") and c.status(n)["last_seq"] == 4,
              "the problem is named and nothing is stored")
        shots(d, "08-upload-refused")
        good = c.path("8月-改.csv")
        with open(bad, encoding="utf-8") as f, open(good, "w", encoding="utf-8") as g:
            g.write(f.read().replace("十二", "12"))
        d.get(base + "/upload")
        d.find_element(By.ID, "file").send_keys(good)
        submit(d, d.find_element(By.ID, "preview"))
        check("全部无误" in d.find_element(By.ID, "summary").text, "the fixed file is all fine")
        shots(d, "09-upload-preview")
        submit(d, d.find_element(By.ID, "commit"))
        check("全部保存" in d.find_element(By.ID, "banner").text, "committed, all of it")
        wait_until(lambda: c.drained(n), 60, "the upload to reach the hub")
        rc, out, err = c.ctl("ledger", "--state-dir", c.path("hub"), "--period", "2019-08",
                             "--format", "json", check_rc=0)
        got = {(r["unit"], r["indicator"]): r["amount"] for r in json.loads(out)}
        want = {("cq-wanzhou", "poor_trained"): "12", ("cq-wanzhou", "cadres_to_sd"): "12",
                ("cq-wanzhou", "agri_sales_to_sd"): "8000.50"}
        check(got == want, "the hub's ledger for 2019-08 equals the file exactly: %s" % got)

        say("a likely duplicate: warned on its field, stored once ticked")
        d.get(base + "/form?unit=cq-wanzhou&period=2019-08")
        check(not d.find_elements(By.ID, "confirm"), "no tick box before a warning")
        d.find_element(By.ID, "amt_cadres_to_sd").send_keys("12")
        submit(d, d.find_element(By.ID, "save"))
        check("疑似重复" in d.find_element(By.ID, "err_cadres_to_sd").text and
              "看起来异常" in d.find_element(By.ID, "problem").text and
              c.status(n)["last_seq"] == 7,
              "12 cadres again: the warning on the field, nothing stored")
        shots(d, "10-form-warning")
        box = d.find_element(By.ID, "confirm")
        check(d.find_element(By.ID, "amt_cadres_to_sd").get_attribute("value") == "12",
              "the typed figure is kept")
        box.click()
        submit(d, d.find_element(By.ID, "save"))
        check("已保存" in d.find_element(By.ID, "banner").text and c.status(n)["last_seq"] == 8,
              "ticked: stored")
        rc, out, err = c.ctl("entries", "--format", "json", node=n, check_rc=0)
        check(json.loads(out)["entries"][-1]["confirmed"] == ["duplicate"],
              "the entry records the confirmed warning")

        say("the district's projects: add one, see it listed")
        submit(d, d.find_element(By.ID, "nav-projects"))
        check("暂无项目" in d.page_source, "本地项目 from the navigation: none yet")
        submit(d, d.find_element(By.ID, "add"))
        d.find_element(By.ID, "f_id").send_keys("cq-wanzhou-2019-101")
        d.find_element(By.ID, "f_name").send_keys("万州柑橘园<b>二期</b>")
        d.find_element(By.ID, "f_planned").send_keys("1200000")
        d.find_element(By.ID, "f_aid_planned").send_keys("300000")
        submit(d, d.find_element(By.ID, "save"))
        check("已保存" in d.find_element(By.ID, "banner").text and c.status(n)["last_seq"] == 9,
              "the project is stored, and its page says so")
        check("万州柑橘园<b>二期</b>" in d.find_element(By.TAG_NAME, "h1").text,
              "the name's markup shows as text")
        shots(d, "11-project")
        d.get(base + "/projects")
        rows = d.find_element(By.ID, "projects").text
        check("cq-wanzhou-2019-101" in rows and "120.00" in rows and "储备" in rows,
              "listed at 储备 with its plan in 万元")
        shots(d, "12-projects")

        say("refusals")
        d.get(base + "/form?unit=cq-wanzhou&period=2019-08")
        d.execute_script("document.querySelector('form[action=\"/form\"][method=\"post\"] "
                         "input[name=csrf]').remove()")
        d.find_element(By.ID, "amt_cadres_to_sd").send_keys("1")
        submit(d, d.find_element(By.ID, "save"))
        check("安全令牌" in d.page_source, "a form without the CSRF token is refused")
        shots(d, "06-refused")
        d.get(base + "/form?unit=cq-wanzhou&period=2019-08")
        d.delete_cookie("luyu_session")
        d.find_element(By.ID, "amt_cadres_to_sd").send_keys("1")
        submit(d, d.find_element(By.ID, "save"))
        check("请重新登录" in d.page_source, "a form without a session is refused")
        check(c.status(n)["last_seq"] == 9, "neither stored anything")
        for dd in list(c.daemons):
            check(dd.stop() == 0, "%s stopped cleanly" % dd.name)
        say("screenshots in", ART)
    finally:
        if d is not None:
            d.quit()
        shutil.rmtree(from_path, ignore_errors=True)


run(main)
