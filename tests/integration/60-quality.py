"""Data quality at the node's door (issue 16), with the real daemons: a
breach of a plan rule (max, min, at_most) is refused naming the rule and
stores nothing; an outlier against the unit's own months and a likely
duplicate are warnings that store nothing until confirmed (--confirm, the
form's tick box, the upload page's), and the confirmation is kept with the
entry, through a SIGKILL of the node, and the entry reaches the hub. A
correction is judged too; an import is judged as a whole (both sides of
an at_most rule in one file); a spool file with warnings goes to failed/
unless the node's spool_confirm says its system vouches for it."""
import http.client
import json
import os
import re
import subprocess
import urllib.parse

import luyutest
from luyutest import BIN, Cluster, check, free_port, run, say, wait_until

UNIT = "cq-wanzhou"


def test_plan(c):
    """The shipped plan (poor_trained max 5000) plus two rules for the test:
    poor_income_lifted at most poor_trained, joint_meetings at least 1."""
    with open(luyutest.PLAN, encoding="utf-8") as f:
        text = f.read()
    for section, line in (("[indicator poor_income_lifted]", "at_most = poor_trained"),
                          ("[indicator joint_meetings]", "min = 1")):
        check(section in text, "the shipped plan has " + section)
        text = text.replace(section + "\n", section + "\n" + line + "\n", 1)
    path = c.path("plan.ini")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def entries(c):
    rc, out, err = c.ctl("entries", "--format", "json", node=UNIT, check_rc=0)
    return json.loads(out)["entries"]


def submit(c, ind, period, amount, *extra):
    return c.ctl("submit", "--unit", UNIT, "--indicator", ind, "--period", period,
                 "--amount", amount, *extra, node=UNIT)


class Browser:
    """Just enough of a browser without JavaScript (as 52-web-pages)."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, fields=None, raw=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers, body = {}, None
        if self.cookies:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if raw is not None:
            body, headers["Content-Type"] = raw
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        text = r.read().decode("utf-8")
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, val = v.split(";")[0].split("=", 1)
                self.cookies[name] = val
        conn.close()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), text

    def form(self, path):
        st, h, text = self.request("GET", path)
        fields = dict(re.findall(r'name="(csrf|nonce)" value="([0-9a-f]+)"', text))
        return fields, text

    def login(self, user, pw):
        fields, _ = self.form("/login")
        return self.request("POST", "/login", dict(fields, user=user, password=pw))

    def upload(self, token, name, text):
        boundary = "----luyu60quality"
        body = (("--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
                 "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                 "Content-Type: text/csv\r\n\r\n" % (boundary, token, boundary, name)).encode()
                + text.encode() + ("\r\n--%s--\r\n" % boundary).encode())
        return self.request("POST", "/upload",
                            raw=(body, "multipart/form-data; boundary=" + boundary))


def rules(c):
    say("a breach of a plan rule is refused, naming the rule; nothing is stored")
    rc, out, err = submit(c, "poor_trained", "2019-07", "34670")
    check(rc == 2 and "rule poor_trained.max" in err and "5,000" in err,
          "34,670 trainees in a month: " + err.strip())
    rc, out, err = submit(c, "joint_meetings", "2019-07", "0")
    check(rc == 2 and "rule joint_meetings.min" in err, "below min: " + err.strip())
    rc, out, err = submit(c, "poor_income_lifted", "2019-07", "50")
    check(rc == 2 and "rule poor_income_lifted.at_most" in err and "建档立卡贫困人口培训" in err,
          "more lifted than trained: " + err.strip())
    check(entries(c) == [], "nothing stored")
    rc, out, err = submit(c, "poor_trained", "2019-07", "100")
    check(rc == 0, "100 trained: stored")
    rc, out, err = submit(c, "poor_income_lifted", "2019-07", "50")
    check(rc == 0, "then 50 lifted: stored")
    rc, out, err = c.ctl("correct", "%s/poor_trained/2019-07" % UNIT, "--amount", "40",
                         node=UNIT)
    check(rc == 2 and "at_most" in err, "a correction that would break the rule is refused")
    say("an import is judged as a whole: both sides of at_most in one file")
    path = c.path("both.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write("单位,指标,月份,金额\n%s,poor_income_lifted,2019-08,30\n"
                "%s,poor_trained,2019-08,40\n" % (UNIT, UNIT))
    rc, out, err = c.ctl("import", path, node=UNIT)
    check(rc == 0, "lifted before trained in one file: imported " + out.strip())


def outliers(c):
    say("an outlier needs --confirm, and the confirmation is stored")
    rc, out, err = submit(c, "agri_sales_to_sd", "2019-06", "2800000")
    check(rc == 0, "2.8 million yuan in June: stored (no history, nothing to judge)")
    rc, out, err = submit(c, "agri_sales_to_sd", "2019-07", "283000000")
    check(rc == 2 and "outlier" in err and "--confirm" in err,
          "283 million in July: a warning, exit 2: " + err.strip().splitlines()[0])
    check(not [e for e in entries(c) if e["period"] == "2019-07" and
               e["indicator"] == "agri_sales_to_sd"], "nothing stored without --confirm")
    rc, out, err = submit(c, "agri_sales_to_sd", "2019-07", "283000000", "--confirm")
    check(rc == 0, "with --confirm: stored as " + out.strip())
    big = out.strip()
    rc, out, err = c.ctl("correct", big, "--amount", "2830000", node=UNIT)
    check(rc == 0, "corrected to 2.83 million: no warning")
    rc, out, err = c.ctl("correct", big, "--amount", "99000000", node=UNIT)
    check(rc == 2 and "outlier" in err, "a correction to an outlier needs --confirm too")
    return big


def duplicates(c):
    say("a likely duplicate needs --confirm")
    rc, out, err = submit(c, "cadres_to_sd", "2019-07", "3")
    check(rc == 0, "3 cadres: stored")
    rc, out, err = submit(c, "cadres_to_sd", "2019-07", "3")
    check(rc == 2 and "likely duplicate" in err, "the same again: " + err.strip().splitlines()[0])
    rc, out, err = submit(c, "cadres_to_sd", "2019-07", "3", "--confirm")
    check(rc == 0, "confirmed: stored")
    dup = out.strip()
    path = c.path("twice.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write("unit,indicator,period,amount\n%s,sd_firms,2019-07,2\n%s,sd_firms,2019-07,2\n"
                % (UNIT, UNIT))
    rc, out, err = c.ctl("import", path, node=UNIT)
    check(rc == 2 and "twice.csv:3:" in err and "likely duplicate" in err,
          "the same row twice in a file: warned on line 3")
    rc, out, err = c.ctl("import", path, "--confirm", node=UNIT)
    check(rc == 0, "imported with --confirm")
    return dup


def web(c, port):
    say("the web form: a warning is confirmed with the tick box")
    p = subprocess.run([os.path.join(BIN, "luyuctl"), "--node", c.sock(UNIT), "user", "add",
                        "wangli", "--role", "clerk", "--units", UNIT],
                       input=b"correct horse\n", capture_output=True, timeout=120)
    check(p.returncode == 0, "web user added")
    b = Browser(port)
    st, h, text = b.login("wangli", "correct horse")
    check(st == 303, "signed in")
    fields, text = b.form("/form?unit=%s&period=2019-07" % UNIT)
    check('id="confirm"' not in text, "no tick box before a warning")
    form = dict(fields, unit=UNIT, period="2019-07", amt_cadres_to_sd="3")
    last = c.status(UNIT)["last_seq"]
    st, h, text = b.request("POST", "/form", form)
    check(st == 422 and 'id="confirm"' in text and "疑似重复" in text,
          "a third 3 cadres: the warning in Chinese on the field, and the tick box")
    check(c.status(UNIT)["last_seq"] == last, "nothing stored")
    fields, _ = b.form("/form?unit=%s&period=2019-07" % UNIT)
    st, h, text = b.request("POST", "/form", dict(form, **fields, confirm="1"))
    check(st == 303 and c.status(UNIT)["last_seq"] == last + 1, "ticked: stored")
    last += 1
    say("a correction on 已填报记录: a warning, then the tick box")
    big = [e for e in entries(c) if e["indicator"] == "agri_sales_to_sd" and e["current"]
           and e["period"] == "2019-07"][0]["id"]
    fields, text = b.form("/entries")
    check('name="confirm"' in text, "the correction form has the tick box")
    fix = {"csrf": fields["csrf"], "id": big, "amount": "99000000", "reason": "复核"}
    st, h, text = b.request("POST", "/correct", fix)
    check(st != 303 and "异常值" in text and c.status(UNIT)["last_seq"] == last,
          "a correction to an outlier, not ticked: the warning in Chinese, nothing stored")
    st, h, text = b.request("POST", "/correct", dict(fix, confirm="1"))
    check(st == 303 and c.status(UNIT)["last_seq"] == last + 1, "ticked: stored")
    last += 1

    say("the upload page: warnings marked, the commit needs the tick")
    st, h, text = b.upload(fields["csrf"], "dup.csv",
                           "unit,indicator,period,amount\n%s,cadres_to_sd,2019-07,3\n" % UNIT)
    upid = re.search(r'name="upload" value="([0-9a-f]+)"', text)
    check(st == 200 and upid and 'class="warn"' in text and 'id="confirm"' in text,
          "previewed with the row marked and a tick box")
    st, h, text = b.request("POST", "/upload/commit",
                            {"csrf": fields["csrf"], "upload": upid.group(1)})
    check(st != 303 and c.status(UNIT)["last_seq"] == last, "not ticked: nothing stored")
    st, h, text = b.request("POST", "/upload/commit",
                            {"csrf": fields["csrf"], "upload": upid.group(1), "confirm": "1"})
    check(st == 303 and c.status(UNIT)["last_seq"] == last + 1, "ticked: stored")


def api(c, port):
    say("the JSON API: 422 with needs_confirm, then ?confirm=1")
    rc, out, err = c.ctl("token", "add", "finance", node=UNIT, check_rc=0)
    token = re.search(r"luyu_[0-9a-f]{64}", out).group(0)
    body = "unit,indicator,period,amount\n%s,poor_trained,2019-08,40\n" % UNIT

    def post(path):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("POST", path, body=body.encode(),
                     headers={"Authorization": "Bearer " + token,
                              "Content-Type": "text/csv"})
        r = conn.getresponse()
        out = r.status, json.loads(r.read().decode())
        conn.close()
        return out

    # The API answers in English (README, "The JSON API"); the pages in Chinese.
    st, got = post("/api/entries")
    check(st == 422 and got["needs_confirm"] is True and got["problems"][0]["line"] == 2
          and "likely duplicate" in got["problems"][0]["message"],
          "a duplicate of the August import: 422, needs_confirm, line 2: %s" % got)
    st, got = post("/api/entries?confirm=1")
    check(st == 201 and len(got["ids"]) == 1, "?confirm=1: stored as %s" % got.get("ids"))


def spool(c):
    say("a spool file with warnings goes to failed/, unless spool_confirm")
    d = c.path("spool")
    os.makedirs(d)
    c.nodes[UNIT].stop()
    node = c.start_node(UNIT, UNIT, ["--spool", d])
    # A note of its own: the same rows as the upload would be that import.
    text = "unit,indicator,period,amount,note\n%s,cadres_to_sd,2019-07,3,spool\n" % UNIT
    with open(os.path.join(d, ".a.tmp"), "w") as f:
        f.write(text)
    os.rename(os.path.join(d, ".a.tmp"), os.path.join(d, "a.csv"))
    wait_until(lambda: os.path.exists(os.path.join(d, "failed", "a.csv.err")), 60, "refusal")
    with open(os.path.join(d, "failed", "a.csv.err"), encoding="utf-8") as f:
        err = f.read()
    check("a.csv:2:" in err and "likely duplicate" in err, "failed/a.csv.err: " + err.strip())
    node.stop()
    node = c.start_node(UNIT, UNIT, ["--spool", d, "--spool-confirm"])
    os.rename(os.path.join(d, "failed", "a.csv"), os.path.join(d, "a.csv"))
    wait_until(lambda: os.path.exists(os.path.join(d, "done", "a.csv")), 60, "import")
    check(True, "with spool_confirm the same file is imported")


def main():
    c = Cluster("quality", secure=False)
    luyutest.PLAN = test_plan(c)
    c.start_hub()
    port = free_port()
    node = c.start_node(UNIT, UNIT, ["--web", "127.0.0.1:%d" % port])
    rules(c)
    big = outliers(c)
    dup = duplicates(c)
    web(c, port)
    api(c, port)

    say("the confirmations survive a SIGKILL and reach the hub with the entries")
    node.kill9()
    node = c.start_node(UNIT, UNIT)
    got = {e["id"]: e["confirmed"] for e in entries(c)}
    check(got[big] == ["outlier"] and got[dup] == ["duplicate"],
          "entries: %s outlier, %s duplicate" % (big, dup))
    check(sum(1 for v in got.values() if v) == 7,
          "exactly the seven confirmed entries carry their warnings")
    rc, out, err = c.ctl("entries", node=UNIT, check_rc=0)
    check("outlier confirmed" in out and "likely duplicate confirmed" in out,
          "the table says which warnings were confirmed")
    wait_until(lambda: c.drained(UNIT), 60, "delivery")
    rc, out, err = c.ctl("ledger", *c.ledger_args(), "--period", "2019-07",
                         "--indicator", "agri_sales_to_sd", "--format", "json", check_rc=0)
    rows = json.loads(out)
    check(len(rows) == 1 and rows[0]["entries"] == 3 and rows[0]["amount"] == "99000000.00",
          "the hub holds the confirmed entry and its two corrections")

    say("the province's review queue: the month with confirmed warnings first")
    rc, out, err = c.ctl("review", "queue", *c.ledger_args(), "--format", "json",
                         check_rc=0)
    months = json.loads(out)["months"]
    first = months[0]
    flags = {f["id"]: f["confirmed"] for f in first["flags"]}
    check((first["unit"], first["period"], first["flagged"]) == (UNIT, "2019-07", 6)
          and flags[big] == "outlier" and flags[dup] == "duplicate",
          "2019-07 first, with its 6 flagged entries: %s" % sorted(flags.items()))
    check([(m["period"], m["flagged"]) for m in months[1:]]
          == [("2019-08", 1), ("2019-06", 0)],
          "then 2019-08 with one, then the month without")
    rc, out, err = c.ctl("review", "queue", *c.ledger_args(), check_rc=0)
    check(out.splitlines()[1].split()[:5]
          == [UNIT, "2019-07", "open", str(first["entries"]), "6"],
          "the table: " + out.splitlines()[1][:60])
    spool(c)


run(main)
