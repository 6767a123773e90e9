"""The province's dashboard on a PostgreSQL ledger with a synchronous
standby, across a takeover: the active hub's pages read the shared ledger
on sessions of their own and show the figures and the assessment a Python
reference computes from the imported rows; its nodes page names the active
hub, its term and the standby's replication; the review queue reads the
same ledger. The active hub is killed; the
standby hub takes over and its dashboard serves the same numbers, term 2.
Skipped (77) where PostgreSQL cannot be started."""
import os
import random
import re
import subprocess

import assessref
import pgserver
from luyutest import (BIN, PLAN, Cluster, Daemon, check, free_port, import_rows, money_text,
                      run, sample_rows, say, wait_until)
from webclient import Browser

IND = "agri_sales_to_sd"
UNITS = ["cq-wanzhou", "cq-wushan", "cq-kaizhou"]


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def add_user(c, sock, name, pw):
    p = subprocess.run([os.path.join(BIN, "luyuctl"), "--hub", sock, "user", "add", name,
                        "--role", "viewer"], input=(pw + "\n").encode(),
                       capture_output=True, timeout=120)
    check(p.returncode == 0, "a viewer at the hub: " + p.stderr.decode().strip())


def figures(port):
    """What a signed-in viewer reads: the indicator's CQ figure month by
    month, each district's points for 2019, and the nodes page."""
    b = Browser(port)
    st, h, text = b.login("leader", "leader horse")
    check(st == 303, "the viewer signs in at :%d" % port)
    st, h, html = b.get("/indicator?code=%s&month=2019-12" % IND)
    check(st == 200, "the indicator page answers")
    m = re.search(r'<table id="trend-values">(.*?)</table>', html, re.S)
    trend = {month: text_of(re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)[1])
             for month, body in re.findall(r'<tr data-month="([0-9-]+)">(.*?)</tr>',
                                           m.group(1), re.S)}
    st, h, html = b.get("/assess?year=2019")
    check(st == 200, "the assessment page answers")
    points = {u: text_of(re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)[2])
              for u, body in re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', html, re.S)}
    st, h, nodes = b.get("/nodes")
    check(st == 200, "the nodes page answers")
    st, h, review = b.get("/review")
    check(st == 200 and "审核" in review and "</html>" in review,
          "the review queue answers on PostgreSQL (%d)" % st)
    return trend, points, nodes


def main():
    pg = pgserver.PgCluster(standby=True)
    c = Cluster("pg-dash")
    c.pg = pg
    rnd = random.Random(72)
    rows = []
    for u in UNITS:
        rows += [r[:4] for r in sample_rows(u, 30, rnd)]
    port_a, port_b = free_port(), free_port()
    # Keys registered before the hubs start: the standby reads the same
    # registry when it starts, as a real one would from its config.
    c.register("cq-n1", ",".join(UNITS))
    a = c.start_hub(["--web", "127.0.0.1:%d" % port_a, "--require-sync-standby"])
    argv = c.hub_argv(["--web", "127.0.0.1:%d" % port_b, "--require-sync-standby"])
    argv[argv.index("--state-dir") + 1] = c.path("hub-b")
    argv[argv.index("--id") + 1] = "cq-hub-b"
    b = Daemon("hub-b", argv, c.path("hub-b.log")).start()
    c.daemons.append(b)
    wait_until(lambda: "standby: another hub holds the ledger" in b.log(), 60,
               "the second hub to wait")
    c.start_node("cq-n1", ",".join(UNITS))
    rc, ids = import_rows(c, "cq-n1", [r + ("",) for r in rows])
    check(rc == 0 and len(ids) == len(rows), "imported %d rows" % len(rows))
    wait_until(lambda: c.drained("cq-n1"), 120, "the node to deliver")

    say("the reference of the imported rows")
    want_trend = {}
    for u, i, p, amt in rows:
        if i == IND:
            want_trend[p] = want_trend.get(p, 0) + assessref.stored(amt, "yuan")
    want_points = {u: assessref.points(v) for u, v in
                   assessref.scores(PLAN, rows, "CQ", 2019, "2019-12").items()}

    say("the active hub's dashboard reads the PostgreSQL ledger")
    add_user(c, c.path("hub", "control.sock"), "leader", "leader horse")
    trend, points, nodes = figures(port_a)
    for p, v in sorted(want_trend.items()):
        if p.startswith("2019"):
            check(trend.get(p) == money_text(v), "%s: %s (reference %s)"
                  % (p, trend.get(p), money_text(v)))
    check(points == want_points, "each district's 2019 points equal the reference: %s"
          % {u: v for u, v in points.items() if v != "0.00"})
    check('data-hub="cq-hub"' in nodes and re.search(r'id="term">1<', nodes) and
          re.search(r'id="standbys" class="ok">已连接备库 1 个，其中同步 1 个', nodes) and
          re.search(r'id="sync-commit" class="ok">on / standby<', nodes),
          "the nodes page: cq-hub active, term 1, 1 of 1 standbys synchronous, commits wait")
    # Two for the pages, one for the digester's thread (ledger/digest.h).
    check(pg.primary.sql("SELECT count(*) FROM pg_stat_activity"
                         " WHERE application_name = 'luyu-hub reader'") == "3",
          "the pages and the digester read on three sessions of their own, not the hub's")
    before = (trend, points)

    say("the active hub dies; the standby's dashboard serves the same numbers")
    a.kill9()
    wait_until(lambda: "up: listening" in b.log(), 60, "the standby to take over")
    add_user(c, c.path("hub-b", "control.sock"), "leader", "leader horse")
    trend, points, nodes = figures(port_b)
    check((trend, points) == before, "the same figures and points after the takeover")
    check('data-hub="cq-hub-b"' in nodes and re.search(r'id="term">2<', nodes),
          "the nodes page: cq-hub-b active now, term 2")
    c.ctl("submit", "--unit", "cq-wushan", "--indicator", IND, "--period", "2019-03",
          "--amount", "1000", "--confirm", node="cq-n1", check_rc=0)
    wait_until(lambda: c.drained("cq-n1"), 60, "the node to deliver to the new hub")
    want = money_text(want_trend.get("2019-03", 0) + 100000)
    wait_until(lambda: figures(port_b)[0].get("2019-03") == want, 60,
               "the new hub's dashboard to show the new entry (%s)" % want)
    check(b.alive(), "the new active hub is running")


if __name__ == "__main__":
    run(main)
