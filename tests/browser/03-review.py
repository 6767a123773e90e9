"""A district reviewer in a real browser (Debian chromium, headless,
through selenium): signs in, opens 审核, approves 2019-07 with a note by
clicking its button, and the hub's history then holds the approval by
web:NAME; after the province accepts, the page says the month is locked
and has no button for it, and the month's form says so too; a clerk sees
the page without any button. Screenshots of the review page at desktop and
phone width go to $LUYU_ARTIFACTS."""
import grp
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from luyutest import Cluster, check, free_port, run, say, wait_until  # noqa: E402
from browsertest import ART, add_user, browser, shots, sign_in, submit  # noqa: E402

UNIT, MONTH = "cq-wanzhou", "2019-07"
GROUP = grp.getgrgid(os.getgid()).gr_name


def main():
    profile = tempfile.mkdtemp(prefix="luyu-chromium-")
    d = None
    c = Cluster("browser-review")
    try:
        d = browser(profile)
        from selenium.webdriver.common.by import By
        c.start_hub(["--review-group", GROUP])
        port = free_port()
        c.start_node(UNIT, UNIT, ["--web", "127.0.0.1:%d" % port])
        add_user(c, UNIT, "wangli", "correct horse", "--role", "clerk")
        add_user(c, UNIT, "zhaomin", "battery staple", "--role", "reviewer")
        c.ctl("submit", "--unit", UNIT, "--indicator", "cadres_to_sd", "--period", MONTH,
              "--amount", "2", node=UNIT, check_rc=0)
        base = "http://127.0.0.1:%d" % port
        button = "approve-%s-%s" % (UNIT, MONTH)

        say("a clerk sees the month's state, no button")
        sign_in(d, base, "wangli", "correct horse")
        d.get(base + "/review")
        check("尚未审核" in d.page_source and not d.find_elements(By.ID, button),
              "not approved yet; no approve button for a clerk")
        d.delete_all_cookies()

        say("the reviewer approves the month with a note")
        sign_in(d, base, "zhaomin", "battery staple")
        d.find_element(By.LINK_TEXT, "审核").click()
        check("月度审核" in d.page_source, "the review page, from the header's link")
        shots(d, "30-review")
        el = d.find_element(By.ID, button)
        el.find_element(By.XPATH, "..").find_element(By.NAME, "note").send_keys("已核对")
        submit(d, el)
        row = d.find_element(By.ID, "m-%s-%s" % (UNIT, MONTH)).text
        check("已审核通过" in d.find_element(By.ID, "banner").text and "web:zhaomin" in row,
              "approved, by web:zhaomin: " + row)
        wait_until(lambda: c.drained(UNIT), 60, "the approval to reach the hub")
        rc, out, err = c.ctl("review", "history", "%s/%s" % (UNIT, MONTH), "--state-dir",
                             c.path("hub"), "--format", "json", check_rc=0)
        got = [(s["step"], s["by"], s["reason"]) for s in json.loads(out)["steps"]]
        check(got == [("approve", "web:zhaomin", "已核对")], "the hub's history: %s" % got)

        say("the province accepts: locked on the page and the form")
        c.ctl("review", "accept", "%s/%s" % (UNIT, MONTH), "--hub",
              c.path("hub", "control.sock"), check_rc=0)

        def locked():
            d.get(base + "/review")
            return "省级已接收，已锁定" in d.find_element(By.ID, "m-%s-%s" % (UNIT, MONTH)).text
        wait_until(locked, 60, "the acceptance to reach the node")
        check(not d.find_elements(By.ID, button), "no approve button for the locked month")
        shots(d, "31-review-locked")
        d.get(base + "/form?unit=%s&period=%s" % (UNIT, MONTH))
        check("本月已锁定" in d.find_element(By.ID, "locked").text, "the form says it is locked")
        for dd in list(c.daemons):
            check(dd.stop() == 0, "%s stopped cleanly" % dd.name)
        say("screenshots in", ART)
    finally:
        if d is not None:
            d.quit()
        shutil.rmtree(profile, ignore_errors=True)


run(main)
