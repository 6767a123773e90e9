"""What the browser tests share: a headless Debian chromium through
selenium (skipped, exit 77, without them), screenshots at desktop and
phone width into $LUYU_ARTIFACTS, and signing in through a page's form."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from luyutest import BIN, check, skip  # noqa: E402

ART = os.environ.get("LUYU_ARTIFACTS", os.path.join(BIN, "artifacts", "browser"))


def browser(profile):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        skip("python3-selenium is not installed (scripts/deps installs it)")
    chrome = shutil.which("chromium")
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if chrome is None or not os.path.exists(driver):
        skip("chromium and chromium-driver are not installed (scripts/deps)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chrome
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
              "--user-data-dir=" + profile, "--lang=zh-CN"):
        opts.add_argument(a)
    d = webdriver.Chrome(service=Service(driver), options=opts)
    d.set_page_load_timeout(120)
    return d


def shots(d, name):
    os.makedirs(ART, exist_ok=True)
    for label, w in (("desktop", 1280), ("phone", 390)):
        d.set_window_size(w, 900)
        height = d.execute_script("return document.body.scrollHeight")
        d.set_window_size(w, max(600, min(height + 100, 6000)))
        d.save_screenshot(os.path.join(ART, "%s-%s.png" % (name, label)))
    d.set_window_size(1280, 900)


def add_user(c, node, name, pw, *extra):
    p = subprocess.run([os.path.join(BIN, "luyuctl"), "--node", c.sock(node), "user", "add",
                        name] + list(extra), input=(pw + "\n").encode(), capture_output=True,
                       timeout=120)
    check(p.returncode == 0, "user %s added" % name)


def submit(d, el):
    """Clicks a button that sends a form, and waits for the next page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
    from selenium.common.exceptions import WebDriverException
    old = d.find_element(By.TAG_NAME, "html")
    el.click()

    # chromedriver may answer a question about the old page's element, while
    # the new page replaces it, with "Node ... does not belong to the
    # document" instead of a stale-element error: that also means it is gone.
    def gone(drv):
        try:
            return EC.staleness_of(old)(drv)
        except WebDriverException as e:
            if "does not belong to the document" in str(e):
                return True
            raise
    WebDriverWait(d, 120).until(gone)


def sign_in(d, base, user, pw):
    from selenium.webdriver.common.by import By
    d.get(base + "/login")
    d.find_element(By.NAME, "user").send_keys(user)
    d.find_element(By.NAME, "password").send_keys(pw)
    submit(d, d.find_element(By.TAG_NAME, "button"))


