"""The node's JSON API for the district's other systems: luyuctl token
add|list|revoke; POST /api/entries with a CSV body (luyuctl import's
format and key: a retry stores nothing twice, and luyuctl import of the
same rows knows them) or a JSON array of entries (the same checks and
key: the same figures as JSON are the same import), GET /api/entries with
delivery state; no token, a wrong or revoked one, units not the token's,
and JSON that does not read are refused."""
import json
import os
import subprocess
import urllib.error
import urllib.request

from luyutest import BIN, Cluster, check, free_port, run, say, wait_until


def api(port, method, token, body=None, query="", ctype="text/csv"):
    req = urllib.request.Request("http://127.0.0.1:%d/api/entries%s" % (port, query),
                                 data=body.encode() if body is not None else None,
                                 method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if body is not None:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def main():
    c = Cluster("webapi")
    c.start_hub()
    n = "cq-wanzhou"
    port = free_port()
    c.start_node(n, "cq-wanzhou,cq-wuxi", ["--web", "127.0.0.1:%d" % port])
    rc, out, err = c.ctl("token", "add", "finance", "--units", "cq-wanzhou", node=n,
                         check_rc=0)
    token = out.strip()
    check(token.startswith("luyu_") and len(token) == 69, "luyuctl token add prints the token")
    rc, out, err = c.ctl("token", "list", "--json", node=n, check_rc=0)
    check([t["name"] for t in json.loads(out)] == ["finance"] and token not in out,
          "token list shows the name, never the token")

    say("refusals")
    st, body = api(port, "GET", None)
    check(st == 401, "no token: 401")
    st, body = api(port, "GET", "luyu_" + "0" * 64)
    check(st == 401, "a wrong token: 401")
    csv = ("unit,indicator,period,amount,note\n"
           "cq-wanzhou,agri_sales_to_sd,2019-07,2500.50,财务系统\n"
           "cq-wanzhou,poor_trained,2019-07,7,\n")
    st, body = api(port, "POST", token, csv.replace("cq-wanzhou,poor", "cq-wuxi,poor"))
    check(st == 403 and c.status(n)["last_seq"] == 0, "a unit not the token's: 403, nothing "
          "stored")
    st, body = api(port, "POST", token, csv.replace("2500.50", "-1"))
    check(st == 422 and body["problems"][0]["line"] == 2, "a bad amount: 422 naming line 2")

    say("posting and reading")
    st, body = api(port, "POST", token, csv)
    check(st == 201 and body["ids"] == [n + "/1", n + "/2"] and not body["repeat"],
          "POST stores the rows: %s" % body)
    st, body = api(port, "POST", token, csv)
    check(st == 200 and body["repeat"] and c.status(n)["last_seq"] == 2,
          "the same rows again (a retry): stored once")
    path = c.path("same.csv")
    with open(path, "w") as f:
        f.write(csv)
    rc, out, err = c.ctl("import", path, node=n)
    check(rc == 0 and "already imported 2" in out and "api:finance" in out,
          "luyuctl import knows the same rows: " + out.strip())
    wait_until(lambda: c.drained(n), 60, "the entries to reach the hub")
    st, body = api(port, "GET", token, query="?period=2019-07")
    got = [(e["id"], e["amount"], e["recorded_by"], e["state"]) for e in body["entries"]]
    check(got == [(n + "/2", "7", "api:finance", "acknowledged"),
                  (n + "/1", "2500.50", "api:finance", "acknowledged")],
          "GET lists them with delivery state: %s" % got)

    say("JSON bodies")
    JS = "application/json; charset=utf-8"
    entries = [{"unit": "cq-wanzhou", "indicator": "agri_sales_to_sd", "period": "2019-07",
                "amount": "2500.50", "note": "财务系统"},
               {"unit": "cq-wanzhou", "indicator": "poor_trained", "period": "2019-07",
                "amount": 7}]
    st, body = api(port, "POST", token, json.dumps(entries, ensure_ascii=False), ctype=JS)
    check(st == 200 and body["repeat"] and body["ids"] == [n + "/1", n + "/2"],
          "the same figures as JSON are the CSV's import: %s" % body)
    named = [{"unit": "万州区", "indicator": "建档立卡贫困人口培训", "period": "2019年8月",
              "amount": 12, "note": "按名称"}]
    st, body = api(port, "POST", token, json.dumps(named, ensure_ascii=False), ctype=JS)
    check(st == 201 and body["ids"] == [n + "/3"], "names and office months as in files: %s"
          % body)
    bad = [{"unit": "cq-wanzhou", "indicator": "poor_trained", "period": "2019-07",
            "amount": "-1"},
           {"unit": "cq-wanzhou", "indicator": "poor_trained", "period": "2019-07",
            "amount": 1, "colour": "red"},
           "not an entry",
           {"unit": "cq-wuxi", "indicator": "poor_trained", "period": "2019-07", "amount": 1}]
    st, body = api(port, "POST", token, json.dumps(bad), ctype=JS)
    lines = sorted(p["line"] for p in body.get("problems", []))
    check(st == 422 and lines == [1, 2, 3] and c.status(n)["last_seq"] == 3
          and [p["message"] for p in body["problems"] if p["line"] == 1][0]
          .startswith("amount: amount \"-1\" is negative"),
          "every bad entry named by its place, nothing stored: %s" % body)
    st, body = api(port, "POST", token, json.dumps(bad[3:]), ctype=JS)
    check(st == 403 and c.status(n)["last_seq"] == 3, "a unit not the token's: 403")
    for text in ('[{"unit": "cq-wanzhou",', '{"unit": "cq-wanzhou"}', '[]',
                 '[' * 40 + ']' * 40, r'["\ud800"]'):
        st, body = api(port, "POST", token, text, ctype=JS)
        check(st == 422 and body["problems"] and c.status(n)["last_seq"] == 3,
              "refused: %r -> %s" % (text[:30], body["problems"][0]["message"][:80]))

    say("revoking")
    c.ctl("token", "revoke", "finance", node=n, check_rc=0)
    st, body = api(port, "GET", token)
    check(st == 401, "a revoked token: 401")
    for d in list(c.daemons):
        check(d.stop() == 0, "%s stopped cleanly" % d.name)


run(main)
