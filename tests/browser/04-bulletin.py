"""The month's HTML bulletin in a real browser (Debian chromium, headless,
through selenium), as a leader opens it on a phone: a hub and a node take a
realistic month (scripts/sample-month.py), luyuctl renders the draft
bulletin in Chinese, and at 390 px no text overflows its table cell and the
page does not scroll sideways (wide tables and charts scroll inside their
own box); the per-district table and a sparkline per expanded indicator
are drawn. Screenshots at desktop and phone width go to $LUYU_ARTIFACTS."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from luyutest import (BIN, PLAN, SRC, Cluster, check, have_locale, locale_env, run,  # noqa: E402
                      say, skip, wait_until)

import browsertest as clerk  # noqa: E402

UNITS = "cq-wanzhou,cq-kaizhou"


def no_overflow(d, what):
    """At phone width: no cell's text wider than its cell, no sideways
    scrolling of the page."""
    bad = d.execute_script(
        "var out=[];document.querySelectorAll('td,th').forEach(function(c){"
        "if(c.scrollWidth>c.clientWidth+1)out.push(c.textContent);});"
        "if(document.documentElement.scrollWidth>window.innerWidth+1)"
        "out.push('page '+document.documentElement.scrollWidth);"
        "document.querySelectorAll('body *').forEach(function(e){if(e.closest('.wrap'))return;"
        "if(e.getBoundingClientRect().right>window.innerWidth+1)"
        "out.push(e.tagName+'.'+e.className+' '+e.textContent.slice(0,30));});"
        "return out;")
    check(not bad, "%s at 390 px: nothing overflows (%s)" % (what, bad[:8]))


def render(c, month):
    """The draft bulletin of month as luyuctl renders it in Chinese, in a
    file; returns its path."""
    p = subprocess.run([os.path.join(BIN, "luyuctl"), "--plan", PLAN, "bulletin", "show", month,
                        "--state-dir", c.path("hub"), "--draft", "--format", "html"],
                       capture_output=True, timeout=120, env=locale_env("zh_CN.UTF-8"))
    check(p.returncode == 0, "luyuctl renders the draft bulletin of %s as HTML" % month)
    page = c.path("bulletin-%s.html" % month)
    with open(page, "wb") as f:
        f.write(p.stdout)
    return page


def main():
    if not have_locale("zh_CN.UTF-8"):
        skip("no zh_CN.UTF-8 locale: the page a leader reads is Chinese")
    profile = tempfile.mkdtemp(prefix="luyu-chromium-")
    d = clerk.browser(profile)
    from selenium.webdriver.common.by import By
    c = Cluster("bbulletin")
    try:
        c.start_hub()
        c.start_node("cq-wanzhou", UNITS)
        say("a month of figures from two districts")
        month = c.path("month.csv")
        with open(month, "w", encoding="utf-8") as f:
            subprocess.run([sys.executable, os.path.join(SRC, "scripts", "sample-month.py"),
                            "2019-07", UNITS], stdout=f, check=True)
        c.ctl("import", month, node="cq-wanzhou", check_rc=0)
        wait_until(lambda: c.drained("cq-wanzhou"), 30, "drain")
        d.get("file://" + render(c, "2019-07"))
        clerk.shots(d, "bulletin-2019-07")
        d.set_window_size(390, 900)
        no_overflow(d, "the bulletin")
        sparks = d.execute_script(
            "return Array.prototype.filter.call(document.querySelectorAll('svg.spark'),"
            "function(s){var r=s.getBoundingClientRect();return r.width>0&&r.height>0;})"
            ".length")
        rows = d.execute_script("return document.querySelectorAll('#units tr').length")
        check(sparks > 0, "the sparklines are drawn (%d)" % sparks)
        check(rows > 2, "the per-district table is drawn (%d rows)" % rows)

        say("December's bulletin: the scorecard, each district linked to its arithmetic")
        d.set_window_size(1280, 900)
        d.get("file://" + render(c, "2019-12"))
        clerk.shots(d, "bulletin-2019-12")
        d.set_window_size(390, 900)
        no_overflow(d, "December's bulletin")
        link = d.find_element(By.CSS_SELECTOR, "#scorecard tr[data-unit] a")
        target = link.get_attribute("href").split("#")[1]
        link.click()
        wait_until(lambda: d.execute_script("return location.hash") == "#" + target, 30,
                   "the link to be followed")
        top = d.execute_script("return document.getElementById(arguments[0])"
                               ".getBoundingClientRect().top", target)
        check(-2 <= top < d.execute_script("return window.innerHeight"),
              "the first district's link scrolls to its arithmetic (%s at %s px)"
              % (target, top))
    finally:
        d.quit()


run(main)
