"""The district's projects on the node's pages, as a browser without
JavaScript uses them: a clerk adds a project, sees it listed, edits it and
moves its stage; a bad amount is refused on its field in Chinese with the
typed values kept and nothing stored; another unit's project and a POST for
another unit are refused 403; a POST without the CSRF token is refused; a
<script> name is shown as text; a reviewer may change projects too; and the
hub's pool then holds the project as typed, recorded by web:NAME, exactly
as luyuctl project sees it."""
import datetime
import json
import os
import re
import subprocess

from luyutest import (BIN, Cluster, check, english_words, free_port, page_text, run, say,
                      wait_until)
from webclient import Browser

UNIT = "cq-wanzhou"
OTHER = "cq-wuxi"


def add_user(c, node, name, pw, *extra):
    p = subprocess.run([os.path.join(BIN, "luyuctl"), "--node", c.sock(node), "user", "add",
                        name] + list(extra), input=(pw + "\n").encode(), capture_output=True,
                       timeout=120)
    check(p.returncode == 0, "user %s added: %s" % (name, p.stderr.decode().strip()))


def hub_project(c, pid):
    rc, out, err = c.ctl("project", "list", *c.ledger_args(), "--format", "json",
                         check_rc=0)
    return {p["id"]: p for p in json.loads(out)}.get(pid)


def hub_history(c, pid):
    rc, out, err = c.ctl("project", "history", pid, *c.ledger_args(),
                         "--format", "json", check_rc=0)
    return json.loads(out)


def token_of(text):
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', text)
    return m.group(1) if m else ""


def main():
    c = Cluster("webprojects")
    c.start_hub()
    port = free_port()
    c.start_node(UNIT, "%s,%s" % (UNIT, OTHER), ["--web", "127.0.0.1:%d" % port])
    add_user(c, UNIT, "wangli", "correct horse", "--role", "clerk", "--units", UNIT)
    add_user(c, UNIT, "zhaomin", "staple battery", "--role", "reviewer", "--units", UNIT)
    rc, out, err = c.ctl("project", "add", "cq-wuxi-2019-001", "--name", "巫溪茶园",
                         "--area", "industry", "--planned", "500000", node=UNIT)
    check(rc == 0, "another unit's project added with luyuctl: " + err.strip())
    b = Browser(port)
    st, h, text = b.get("/projects")
    check(st == 303 and h["location"] == "/login", "without a session: sent to sign in")
    st, h, text = b.login("wangli", "correct horse")
    check(st == 303, "the clerk signs in")

    say("the list: linked from every page, only the user's units")
    st, h, text = b.get("/form")
    check('href="/projects"' in text, "the pages' navigation links the projects")
    st, h, text = b.get("/projects")
    check(st == 200 and "cq-wuxi-2019-001" not in text and 'id="none"' in text,
          "another unit's project is not listed; none of ours yet")

    say("add: a bad amount refused on its field, in Chinese, nothing stored")
    token, text = b.csrf("/projects/add")
    check('name="area"' in text and "产业合作" in text and "万州区" in text,
          "the add form offers the task areas and the user's unit")
    base = c.status(UNIT)["last_seq"]
    form = {"csrf": token, "unit": UNIT, "id": "cq-wanzhou-2021-007",
            "name": "万州<script>alert(1)</script>柑橘园", "area": "产业合作",
            "partner": "", "enterprise": "山东鲁果集团", "planned": "12x",
            "aid_planned": "300000", "invested": "", "aid_disbursed": "",
            "poor_lifted": "40", "poor_jobs": "12"}
    st, h, text = b.post("/projects/add", form)
    check(st == 422 and 'id="err_planned"' in text and "不是有效金额" in text,
          "the bad planned investment is refused on its field, in Chinese")
    check('value="12x"' in text and 'value="山东鲁果集团"' in text,
          "the typed values are kept in the form")
    check(not english_words(page_text(text), {"wangli", "script", "alert"}),
          "the refusal has no English word")
    check(c.status(UNIT)["last_seq"] == base, "nothing was stored")
    st, h, text = b.post("/projects/add", dict(form, planned="1200000", aid_planned="2000000"))
    check(st == 422 and "problem" in text and c.status(UNIT)["last_seq"] == base,
          "aid above the plan refused as luyuctl refuses it; nothing stored")
    st, h, text = b.post("/projects/add", dict(form, csrf=""))
    check(st == 403 and "安全令牌" in text and c.status(UNIT)["last_seq"] == base,
          "a POST without the CSRF token is refused")
    st, h, text = b.post("/projects/add", dict(form, unit=OTHER, id="cq-wuxi-2021-001",
                                               planned="1200000"))
    check(st == 403 and c.status(UNIT)["last_seq"] == base,
          "a project for a unit not the user's is refused 403")

    say("hostile input: a clear answer in valid UTF-8, nothing stored")
    for name, area in (("%FF%FE", "%E4%BA%A7"), ("a%00b", "industry"), ("x" * 3000, "industry")):
        body = "csrf=%s&unit=%s&id=cq-wanzhou-2021-008&name=%s&area=%s&planned=1" % (
            token, UNIT, name, area)
        st, h, text = b.request("POST", "/projects/add",
                                raw=(body.encode(), "application/x-www-form-urlencoded"))
        check(st in (400, 422) and c.status(UNIT)["last_seq"] == base,
              "a name %r... is refused (%d); nothing stored" % (name[:12], st))
    st, h, text = b.get("/projects/show?id=%FF%3Cscript%3E")
    check(st == 404 and "<script>" not in text, "an unknown id: 404")
    st, h, text = b.request("POST", "/projects/stage", raw=(b"csrf=" + token.encode(),
                                                            "application/x-www-form-urlencoded"))
    check(st == 404, "a stage move without a project: 404")

    say("add, list, show")
    st, h, text = b.post("/projects/add", dict(form, planned="1200000.50"))
    check(st == 303 and h["location"] == "/projects/show?done=1&id=cq-wanzhou-2021-007",
          "the project is stored, and the page goes to it")
    st, h, text = b.get(h["location"])
    check(st == 200 and 'id="banner"' in text and "储备" in text and "web:wangli" in text,
          "its page: stored, at 储备, recorded by web:wangli")
    check("&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>" not in text,
          "the <script> in the name is shown as text")
    st, h, text = b.get("/projects")
    check(st == 200 and 'href="/projects/show?id=cq-wanzhou-2021-007"' in text
          and "120.00" in text and "30.00" in text and "cq-wuxi-2019-001" not in text,
          "listed with planned and aid in 万元; another unit's not")
    st, h, text = b.get("/projects?stage=signed")
    check("cq-wanzhou-2021-007" not in text, "the stage filter leaves it out at 签约")
    st, h, text = b.get("/projects?unit=cq-wanzhou&stage=reserve")
    check("cq-wanzhou-2021-007" in text, "the unit and stage filter keeps it at 储备")

    say("edit: the form holds the project's values")
    st, h, text = b.get("/projects/edit?id=cq-wanzhou-2021-007")
    check(st == 200 and 'value="1200000.50"' in text and 'value="山东鲁果集团"' in text,
          "the edit form holds the stored values")
    token = token_of(text)
    edit = {"csrf": token, "id": "cq-wanzhou-2021-007", "name": "万州柑橘园（二期）",
            "area": "industry", "partner": "", "enterprise": "山东鲁果集团",
            "planned": "1500000", "aid_planned": "400000", "invested": "200000",
            "aid_disbursed": "100000", "poor_lifted": "50", "poor_jobs": "12"}
    st, h, text = b.post("/projects/edit", dict(edit, aid_disbursed="9000000"))
    check(st == 422 and "problem" in text and 'value="9000000"' in text,
          "disbursed above the aid is refused, the typed value kept")
    st, h, text = b.post("/projects/edit", edit)
    check(st == 303, "the edit is stored")

    say("stage: the allowed stages only, a reason for 终止")
    # A project enters the pool today: its next stage is dated today too.
    today = datetime.date.today().isoformat()
    st, h, text = b.get("/projects/show?id=cq-wanzhou-2021-007")
    stages = re.findall(r'<option value="([^"]+)">', text.split('id="stage-form"')[1]
                        .split("</form>")[0])
    check(stages == ["签约", "开工", "完工", "运营", "终止"],
          "from 储备 the stages forward and 终止: %s" % stages)
    st, h, text = b.post("/projects/stage", {"csrf": token, "id": "cq-wanzhou-2021-007",
                                             "stage": "dropped", "date": "", "reason": ""})
    check(st == 422 and "终止" in text, "终止 without a reason is refused")
    st, h, text = b.request("POST", "/projects/stage", raw=(
        ("csrf=%s&id=cq-wanzhou-2021-007&stage=dropped&reason=a%%00b" % token).encode(),
        "application/x-www-form-urlencoded"))
    check(st == 422 and c.status(UNIT)["last_seq"] == base + 2,
          "a reason holding a NUL is refused, not cut short")
    st, h, text = b.post("/projects/stage", {"csrf": token, "id": "cq-wanzhou-2021-007",
                                             "stage": "signed", "date": today,
                                             "reason": ""})
    check(st == 303, "moved to 签约: %s" % re.findall(r"class=\"problem\"[^>]*>([^<]*)", text))
    st, h, text = b.get("/projects/show?id=cq-wanzhou-2021-007")
    rows = text.split('id="history"')[1]
    check(text.count(today) >= 2 and rows.count("<tr>") == 4,
          "the page shows the date of 签约 and three events in the history")
    words = english_words(page_text(text), {"wangli", "script", "alert"})
    check(not words, "the project's page has no English word%s" % words[:10])
    st, h, text = b.post("/projects/stage", {"csrf": token, "id": "cq-wanzhou-2021-007",
                                             "stage": "reserve", "date": "", "reason": ""})
    check(st == 422 and c.status(UNIT)["last_seq"] == base + 3,
          "a move back to 储备 is refused; nothing stored")

    say("another unit's project: not shown, not changed")
    st, h, text = b.get("/projects/show?id=cq-wuxi-2019-001")
    check(st == 403, "another unit's project page is refused")
    st, h, text = b.post("/projects/edit", dict(edit, id="cq-wuxi-2019-001"))
    check(st == 403, "an edit of another unit's project is refused 403")
    st, h, text = b.post("/projects/stage", {"csrf": token, "id": "cq-wuxi-2019-001",
                                             "stage": "signed"})
    check(st == 403 and c.status(UNIT)["last_seq"] == base + 3,
          "a stage move of another unit's project is refused 403; nothing stored")

    say("a reviewer keeps the unit's projects too")
    r = Browser(port)
    st, h, text = r.login("zhaomin", "staple battery")
    token, text = r.csrf("/projects/show?id=cq-wanzhou-2021-007")
    st, h, text = r.post("/projects/stage", {"csrf": token, "id": "cq-wanzhou-2021-007",
                                             "stage": "started", "date": "",
                                             "reason": ""})
    check(st == 303, "the reviewer moves it to 开工")

    say("every page in Chinese")
    for path in ("/projects", "/projects/add", "/projects/edit?id=cq-wanzhou-2021-007",
                 "/projects/show?id=cq-wanzhou-2021-007"):
        st, h, text = b.get(path)
        words = english_words(page_text(text), {"wangli", "zhaomin", "script", "alert"})
        check(st == 200 and not words, "%s has no English word%s" % (path, words[:10]))

    say("the hub's pool holds the project as typed, recorded by the web users")
    wait_until(lambda: c.drained(UNIT), 60, "the events to reach the hub")
    st, h, text = b.get("/projects")
    check("已入省级台账" in text, "the list shows the last change is in the provincial ledger")
    p = hub_project(c, "cq-wanzhou-2021-007")
    check(p is not None and p["unit"] == UNIT and p["name"] == "万州柑橘园（二期）"
          and p["stage"] == "started" and p["planned"] == 150000000
          and p["aid_planned"] == 40000000 and p["invested"] == 20000000
          and p["aid_disbursed"] == 10000000 and p["poor_lifted"] == 50 and p["area"] == "industry",
          "the hub's pool holds the typed fields (money in fen): %s" % p)
    steps = [(s["kind"], s["recorded_by"]) for s in hub_history(c, "cq-wanzhou-2021-007")]
    check(steps == [("created", "web:wangli"), ("edited", "web:wangli"),
                    ("staged", "web:wangli"), ("staged", "web:zhaomin")],
          "the hub's history names the web users: %s" % steps)
    first = hub_history(c, "cq-wanzhou-2021-007")[0]["project"]
    check(first["name"] == "万州<script>alert(1)</script>柑橘园"
          and first["planned"] == 120000050,
          "the first event holds the name and amount as typed: %s" % first)
    for d in list(c.daemons):
        check(d.stop() == 0, "%s stopped cleanly" % d.name)


run(main)
