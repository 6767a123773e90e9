"""The review of a unit's month (issue 16) with the real daemons, SIGKILLed
at every step: the district approves (a member of the node's review group),
the province returns it with a message, which reaches the node exactly once
and shows in its status; the district fixes and approves again; the province
accepts, which locks the month at the node and at the hub (a second node's
entry is rejected with the reason); the province unlocks it with a reason
and entries are taken again. Every step is in the month's history once,
with who, when and why; people outside the review groups are refused."""
import grp
import http.client
import json
import os
import pwd
import re
import subprocess
import urllib.parse

from luyutest import BIN, Cluster, check, free_port, run, say, wait_until

UNIT, MONTH = "cq-wanzhou", "2019-07"
KEY = "%s/%s" % (UNIT, MONTH)
GROUP = grp.getgrgid(os.getgid()).gr_name      # the test's own group
ME = pwd.getpwuid(os.getuid()).pw_name
PORT = free_port()
NODE_ARGS = ["--review-group", GROUP, "--web", "127.0.0.1:%d" % PORT]


def web_page(c, path):
    """The page as the clerk wangli sees it (signed in over plain HTTP)."""
    cookies = {}

    def req(method, path, fields=None):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        headers = {"Cookie": "; ".join("%s=%s" % kv for kv in cookies.items())}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        text = r.read().decode()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, val = v.split(";")[0].split("=", 1)
                cookies[name] = val
        conn.close()
        return text

    token = re.search(r'name="csrf" value="([0-9a-f]+)"', req("GET", "/login")).group(1)
    req("POST", "/login", {"csrf": token, "user": "wangli", "password": "correct horse"})
    return req("GET", path)


def reviews(c, node=UNIT):
    return [r for r in c.status(node)["reviews"] if (r["unit"], r["period"]) == (UNIT, MONTH)]


def steps(c):
    rc, out, err = c.ctl("review", "history", KEY, *c.ledger_args(),
                         "--format", "json", check_rc=0)
    return [(s["step"], s["by"], s["reason"]) for s in json.loads(out)["steps"]]


def hub_step(c, kind, *reason):
    return c.ctl("review", kind, KEY, *reason, "--hub", c.path("hub", "control.sock"))


def restart_hub(c, group=GROUP):
    c.hub.kill9()
    c.start_hub(["--review-group", group])


def restart_node(c, name=UNIT):
    c.nodes[name].kill9()
    c.start_node(name, UNIT, NODE_ARGS)


def refusals(c):
    say("people outside the review groups are refused")
    node = c.start_node("outsider", UNIT, ["--review-group", "luyu-nobody-group"])
    rc, out, err = c.ctl("review", "approve", KEY, node="outsider")
    check(rc == 2 and "not a district reviewer" in err and "luyu-nobody-group" in err,
          "approve by a user outside the node's group: " + err.strip())
    node.stop()
    restart_hub(c, "luyu-nobody-group")
    rc, out, err = hub_step(c, "accept")
    check(rc == 2 and "not a province reviewer" in err, "accept outside the hub's group: "
          + err.strip())
    restart_hub(c)
    rc, out, err = hub_step(c, "accept")
    check(rc == 2 and "open" in err, "accepting a month nobody approved: " + err.strip())


def main():
    c = Cluster("review", secure=False)
    c.start_hub(["--review-group", GROUP])
    c.start_node(UNIT, UNIT, NODE_ARGS)
    p = subprocess.run([os.path.join(BIN, "luyuctl"), "--node", c.sock(UNIT), "user", "add",
                        "wangli", "--role", "clerk"], input=b"correct horse\n",
                       capture_output=True, timeout=120)
    check(p.returncode == 0, "a clerk for the web pages")
    for ind, amount in (("agri_sales_to_sd", "1000000"), ("cadres_to_sd", "2")):
        c.ctl("submit", "--unit", UNIT, "--indicator", ind, "--period", MONTH,
              "--amount", amount, node=UNIT, check_rc=0)
    refusals(c)

    say("the district approves; SIGKILL the node at once")
    rc, out, err = c.ctl("review", "approve", KEY, "--reason", "已核对", node=UNIT, check_rc=0)
    restart_node(c)
    wait_until(lambda: c.drained(UNIT), 60, "the approval to reach the hub")
    check(steps(c) == [("approve", ME, "已核对")], "the hub holds the approval once, by " + ME)

    say("the province returns it with a message; SIGKILL the hub at once")
    rc, out, err = hub_step(c, "return")
    check(rc == 2 and "reason" in err, "a return needs a reason")
    msg = "农产品销售额偏低，请核实后重报"
    rc, out, err = hub_step(c, "return", "--reason", msg)
    check(rc == 0 and "returned" in out, "returned: " + out.strip())
    restart_hub(c)
    wait_until(lambda: reviews(c), 60, "the return to reach the node")
    got = reviews(c)
    check(len(got) == 1 and got[0]["state"] == "returned" and got[0]["reason"] == msg
          and got[0]["by"] == ME, "the node's status: returned, with the message exactly")
    restart_node(c)
    check(reviews(c) == got, "after a SIGKILL of the node: the same, once")
    rc, out, err = c.ctl("status", node=UNIT, check_rc=0)
    check(msg in out and MONTH in out, "luyuctl status shows the returned month and why")
    rc, out, err = c.ctl("entries", node=UNIT, check_rc=0)
    check(msg in out, "the clerk's entry list shows it too")
    for path in ("/form", "/entries"):
        page = web_page(c, path)
        check(msg in page and "省级退回" in page, "the web page %s shows it" % path)

    say("the district fixes the figure and approves again; the province accepts")
    c.ctl("correct", "%s/agri_sales_to_sd/%s" % (UNIT, MONTH), "--amount", "1500000",
          "--note", "补报", node=UNIT, check_rc=0)
    c.ctl("review", "approve", KEY, node=UNIT, check_rc=0)
    wait_until(lambda: c.drained(UNIT), 60, "the fix and the approval to reach the hub")
    rc, out, err = hub_step(c, "accept")
    check(rc == 0 and "accepted" in out, "accepted: " + out.strip())
    restart_hub(c)
    wait_until(lambda: reviews(c) and reviews(c)[0]["state"] == "accepted", 60,
               "the acceptance to reach the node")

    say("an accepted month is locked, at the node and at the hub")
    rc, out, err = c.ctl("submit", "--unit", UNIT, "--indicator", "cadres_to_sd",
                         "--period", MONTH, "--amount", "1", node=UNIT)
    check(rc == 2 and "locked" in err, "the node refuses a new entry: " + err.strip())
    check("已锁定" in web_page(c, "/form"), "the form says the month is locked")
    rc, out, err = c.ctl("correct", "%s/cadres_to_sd/%s" % (UNIT, MONTH), "--amount", "3",
                         node=UNIT)
    check(rc == 2 and "locked" in err, "and a correction")
    rc, out, err = c.ctl("review", "approve", KEY, node=UNIT)
    check(rc == 2 and "locked" in err, "and another approval")
    c.start_node("second", UNIT)
    c.ctl("submit", "--unit", UNIT, "--indicator", "cadres_to_sd", "--period", MONTH,
          "--amount", "1", node="second", check_rc=0)
    wait_until(lambda: c.status("second")["rejected"] == 1, 60, "the hub's refusal")
    reason = c.status("second")["rejects"][0]["reason"]
    check("locked" in reason and "accepted" in reason,
          "the hub rejects an entry for the month from a node that did not know: " + reason)
    c.nodes["second"].stop()
    rc, out, err = hub_step(c, "return", "--reason", "x")
    check(rc == 2 and "accepted" in err, "an accepted month is not returned: unlock it")

    say("the province unlocks it with a reason; entries are taken again")
    rc, out, err = hub_step(c, "unlock", "--reason", "山东方面数据更新")
    check(rc == 0, "unlocked")
    restart_hub(c)
    wait_until(lambda: reviews(c)[0]["state"] == "unlocked", 60, "the unlock to reach the node")
    rc, out, err = c.ctl("submit", "--unit", UNIT, "--indicator", "cadres_to_sd",
                         "--period", MONTH, "--amount", "1", node=UNIT)
    check(rc == 0, "a new entry is taken")
    wait_until(lambda: c.drained(UNIT), 60, "delivery")

    say("every step once, in order, with who and why")
    want = [("approve", ME, "已核对"), ("return", ME, msg), ("approve", ME, ""),
            ("accept", ME, ""), ("unlock", ME, "山东方面数据更新")]
    check(steps(c) == want, "review history: %s" % steps(c))
    rc, out, err = c.ctl("review", "queue", *c.ledger_args(), "--format", "json",
                         check_rc=0)
    m = [x for x in json.loads(out)["months"] if (x["unit"], x["period"]) == (UNIT, MONTH)]
    check(m and m[0]["state"] == "unlocked", "the queue shows the month unlocked")
    check(ledger_month(c) == {"agri_sales_to_sd": "1500000.00", "cadres_to_sd": "3"},
          "the ledger: the fix, and the entry after the unlock; not the locked ones: %s"
          % ledger_month(c))


def ledger_month(c):
    """The unit's month in the ledger: luyuctl ledger reads a SQLite one;
    a PostgreSQL one is read from its balances (luyuctl ledger does not
    read PostgreSQL yet)."""
    if c.pg is None:
        rc, out, err = c.ctl("ledger", *c.ledger_args(), "--period", MONTH,
                             "--format", "json", check_rc=0)
        return {r["indicator"]: r["amount"] for r in json.loads(out)}
    rows = c.ledger_db().execute(
        "SELECT indicator, amount FROM balance WHERE unit = '%s' AND period = %s"
        % (UNIT, MONTH.replace("-", "")))
    scale = {"agri_sales_to_sd": 100}
    return {i: "%d.%02d" % divmod(a, 100) if i in scale else str(a) for i, a in rows}


run(main)
