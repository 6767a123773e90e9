"""The hub's dashboard while its loop is busy ingesting (issue 18, the web
server on its own thread): during a large ingest by the load generator
every page answers, correctly and in Chinese; /metrics answers (it is
gathered on the hub's loop); a reviewer's step taken from the web during
the ingest lands exactly once; the live feed is a stream that stays open
and sends the overview's figures again as entries are merged; a client
address gets at most four streams, and a fifth viewer polls (one event,
a longer retry, the stream ends); and the hub stops cleanly (exit 0, no
sanitizer report) with /metrics and /nodes requests in flight, whose
answers are gathered on its loop. Outcomes only: no timing is asserted."""
import grp
import http.client
import threading
import json
import os
import pwd
import re
import subprocess

from luyutest import hub_user, BIN, PLAN, Cluster, check, free_port, run, say, wait_until
from webclient import Browser

UNIT, MONTH = "cq-wanzhou", "2019-07"
KEY = "%s/%s" % (UNIT, MONTH)
GROUP = grp.getgrgid(os.getgid()).gr_name
ME = pwd.getpwuid(os.getuid()).pw_name
PAGES = {"/": "总览", "/indicator": "指标", "/grid": "报送", "/pool": "项目库",
         "/assess": "考核", "/bulletins": "通报", "/nodes": "节点", "/review": "审核"}
LOADGEN_NODES = 4


user = hub_user


def steps(c):
    rc, out, err = c.ctl("review", "history", KEY, *c.ledger_args(),
                         "--format", "json", check_rc=0)
    return [(s["step"], s["by"]) for s in json.loads(out)["steps"]]


def loadgen(c, entries):
    """The load generator's nodes (bench-NNN) push entries to the hub."""
    return subprocess.Popen(
        [os.path.join(BIN, "luyu-loadgen"), "ingest", "--endpoint", c.endpoint,
         "--hub-key", c.path("keys", c.hub_id + ".pub"), "--keys", c.path("keys"),
         "--nodes", str(LOADGEN_NODES), "--entries", str(entries), "--batch", "200",
         "--window", "4", "--plan", PLAN, "--timeout", "600"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def main():
    c = Cluster("hubdashbusy")
    port = free_port()
    out = subprocess.run([os.path.join(BIN, "luyu-loadgen"), "units", "--nodes",
                          str(LOADGEN_NODES), "--plan", PLAN],
                         capture_output=True, check=True, timeout=60).stdout.decode()
    for line in out.splitlines():
        node, unit = line.split()[:2]
        c.register(node, unit)
    c.start_hub(["--review-group", GROUP, "--web", "127.0.0.1:%d" % port])
    c.start_node(UNIT, UNIT, ["--review-group", GROUP])
    user(c, "zhanghua", "viewer", "viewer horse")
    user(c, "lishen", "reviewer", "review horse")
    c.ctl("submit", "--unit", UNIT, "--indicator", "cadres_to_sd", "--period", MONTH,
          "--amount", "2", node=UNIT, check_rc=0)
    c.ctl("review", "approve", KEY, node=UNIT, check_rc=0)
    wait_until(lambda: c.drained(UNIT), 60, "the approval to reach the hub")

    v = Browser(port)
    check(v.login("zhanghua", "viewer horse")[0] == 303, "the viewer signs in")
    r = Browser(port)
    check(r.login("lishen", "review horse")[0] == 303, "the reviewer signs in")
    token, text = r.csrf("/review?unit=%s&month=%s" % (UNIT, MONTH))
    check(token and 'id="accept"' in text, "the reviewer has the accept form")

    say("the live feed is a stream")
    feed = v.stream("/events?month=" + MONTH)
    check(feed.status == 200 and feed.headers["content-type"].startswith("text/event-stream"),
          "/events answers a stream of events")
    first = feed.event()
    check("entries" in first and "m-cadres_to_sd" in first,
          "its first event has the overview's figures: %s" % sorted(first)[:4])

    say("pages, /metrics and a review step while the hub ingests")
    gen = loadgen(c, 60000)
    rounds, stepped = 0, False
    while gen.poll() is None or rounds == 0:
        for page, word in PAGES.items():
            st, h, text = v.get(page)
            check(st == 200 and word in text and "</html>" in text,
                  "%s answers whole during the ingest (HTTP %d)" % (page, st))
        st, h, text = v.get("/metrics")
        check(st == 200 and "luyu_hub_" in text, "/metrics answers during the ingest")
        if not stepped:
            st, h, text = r.post("/review", {"csrf": token, "unit": UNIT, "month": MONTH,
                                             "step": "accept"})
            check(st == 303, "the reviewer's accept is taken during the ingest (HTTP %d)" % st)
            stepped = True
        rounds += 1
    out, err = gen.communicate(timeout=600)
    check(gen.returncode == 0, "the load generator's entries are all merged: %s"
          % err.decode()[-300:])
    say("%d rounds of every page during the ingest" % rounds)
    check(steps(c) == [("approve", ME), ("accept", "web:lishen")],
          "the step landed exactly once: %s" % steps(c))
    st, h, text = r.get("/review?unit=%s&month=%s" % (UNIT, MONTH))
    check(st == 200 and 'data-step="accept"' in text, "the month's page shows the accept")

    say("the stream sent the new figures as entries were merged")
    got = feed.event()
    check(got.get("entries") != first.get("entries"),
          "a later event on the same stream counts more entries (%s -> %s)"
          % (first.get("entries"), got.get("entries")))
    check(got.get("m-cadres_to_sd", "").endswith("人"),
          "the streamed figures are in Chinese: %s" % got.get("m-cadres_to_sd"))

    say("at most four streams per address; the fifth viewer polls")
    more = [v.stream("/events") for _ in range(3)]
    for s in more:
        check(s.block().startswith("retry: 1000"), "a stream up to four")
    extra = v.stream("/events")
    check(extra.block().startswith("retry: 5000"), "the fifth: a longer retry")
    try:
        while True:
            extra.block()
    except EOFError:
        pass
    say("and the server ended it after its one event")
    for s in more + [feed, extra]:
        s.close()
    # Closed streams give their room back, found at the next event or ping.
    wait_until(lambda: v.stream("/events").block().startswith("retry: 1000"), 60,
               "a stream again once the others closed")

    say("the hub stops with /metrics and /nodes requests in flight")
    cookie = "; ".join("%s=%s" % kv for kv in v.cookies.items())
    stop, answered = threading.Event(), []

    def hammer(path):
        while not stop.is_set():
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", path, headers={"Cookie": cookie})
                answered.append(conn.getresponse().status)
                conn.close()
            except (OSError, http.client.HTTPException):
                pass  # the hub is going away: refused or cut off

    threads = [threading.Thread(target=hammer, args=(p,))
               for p in ("/metrics", "/nodes") * 4]
    for t in threads:
        t.start()
    wait_until(lambda: len(answered) >= 40, 60, "requests answered before the stop")
    rc = c.hub.stop(60)
    stop.set()
    for t in threads:
        t.join(30)
    check(rc == 0, "the hub exits 0 with requests in flight (exit %s)" % rc)
    # run() then fails on any sanitizer report in the hub's log (a leak of
    # a request's answer caught between the loop and the web thread).


run(main)
