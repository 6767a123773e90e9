"""A clerk's own view at the node: luyuctl entries lists what this node
recorded, with ids, who recorded it, the delivery state (pending, at the
hub, rejected with the hub's reason) and which entry corrects which;
luyuctl correct takes a figure's key when the figure has exactly one
current entry at the node, and otherwise refuses, naming the candidates."""
import csv
import io
import json
import pwd
import os

from luyutest import Cluster, check, run, say, wait_until

AGRI = "cq-wanzhou/agri_sales_to_sd/2019-07"


def entries(c, n, *args):
    rc, out, err = c.ctl("entries", "--format", "json", *args, node=n, check_rc=0)
    return {e["id"]: e for e in json.loads(out)["entries"]}


def submit(c, n, unit, ind, amount, period="2019-07"):
    rc, out, err = c.ctl("submit", "--unit", unit, "--indicator", ind, "--period", period,
                         "--amount", amount, node=n, check_rc=0)
    return out.strip()


def main():
    c = Cluster("entries")
    c.start_hub()
    n = "cq-wanzhou"
    c.start_node(n, "cq-wanzhou,sd-jinan")
    me = pwd.getpwuid(os.getuid()).pw_name

    say("entries, a rejected one, and corrections by id and by the figure's key")
    a = submit(c, n, "cq-wanzhou", "agri_sales_to_sd", "1250000.50")
    b = submit(c, n, "sd-jinan", "cadres_to_sd", "3")
    rc, out, err = c.ctl("correct", AGRI, "--amount", "1300000", "--note", "复核",
                         node=n, check_rc=0)
    corr1 = out.strip()
    rc, out, err = c.ctl("correct", AGRI, "--amount", "1400000", node=n, check_rc=0)
    corr2 = out.strip()
    wait_until(lambda: c.drained(n), 20, "drain")
    got = entries(c, n)
    check(list(got) == [a, b, corr1, corr2], "every entry, oldest first: %s" % list(got))
    check(got[a]["state"] == "at_hub" and got[corr2]["state"] == "at_hub",
          "delivered entries are at the hub")
    check(got[b]["state"] == "rejected" and "province" in got[b]["reason"],
          "the rejected one carries the hub's reason: " + got[b]["reason"])
    check(got[corr1]["corrects"] == a and got[corr2]["corrects"] == corr1,
          "a correction by key corrects the figure's current entry")
    check(got[a]["corrected_by"] == [corr1] and got[corr1]["corrected_by"] == [corr2],
          "and each corrected entry names its correction")
    check([i for i, e in got.items() if e["current"]] == [corr2],
          "only the newest of the chain is current (the rejected one is not)")
    check(got[corr1]["note"] == "复核" and got[a]["recorded_by"] == me,
          "notes and who recorded (%s)" % me)
    check(got[a]["amount"] == "1250000.50" and got[a]["amount_base"] == 125000050,
          "JSON amounts stay exact: typed and in fen")

    say("a figure with two current entries cannot be corrected by its key")
    other = submit(c, n, "cq-wanzhou", "agri_sales_to_sd", "5")
    rc, out, err = c.ctl("correct", AGRI, "--amount", "6", node=n)
    check(rc == 2 and corr2 in err and other in err,
          "refused, naming both candidates: " + err.strip())
    rc, out, err = c.ctl("correct", "cq-wanzhou/agri_sales_to_sd/2019-08", "--amount", "6",
                         node=n)
    check(rc == 2 and "no current entry" in err, "no entry of the figure: " + err.strip())
    rc, out, err = c.ctl("correct", "cq-wanzhou/agri/sales", "--amount", "6", node=n)
    check(rc == 2 and "neither an entry id" in err, "not a key at all: " + err.strip())
    check(len(entries(c, n)) == 5, "nothing was stored by the refusals")

    say("filters")
    check(list(entries(c, n, "--indicator", "cadres_to_sd")) == [b], "--indicator")
    check(list(entries(c, n, "--unit", "sd-jinan")) == [b], "--unit")
    check(entries(c, n, "--period", "2019-08") == {}, "--period with nothing in it")
    rc, out, err = c.ctl("entries", "--format", "json", "--limit", "2", node=n, check_rc=0)
    j = json.loads(out)
    check([e["id"] for e in j["entries"]] == [corr2, other] and j["omitted"] == 3,
          "--limit keeps the newest and counts the rest")
    rc, out, err = c.ctl("entries", "--unit", "cq-nowhere", node=n)
    check(rc == 2 and "cq-nowhere" in err, "an unknown unit is an error: " + err.strip())

    say("table and CSV")
    rc, out, err = c.ctl("entries", node=n, check_rc=0)
    check("at the hub" in out and "rejected: " in out and "corrects " + a in out
          and "corrected by " + corr1 in out and "*" + corr2 in out
          and "1,250,000.50 yuan" in out and "5 entries" in out,
          "the table says state, corrections and current entries in words")
    rc, out, err = c.ctl("entries", "--format", "csv", node=n, check_rc=0)
    rows = list(csv.DictReader(io.StringIO(out)))
    check(not out.startswith("\ufeff") and rows[0]["id"] == a and
          rows[0]["amount"] == "1250000.50" and rows[1]["state"] == "rejected",
          "CSV: exact amounts and state codes, no BOM for scripts")
    rc, out, err = c.ctl("entries", "--format", "csv", "--excel", node=n, check_rc=0)
    check(out.startswith("\ufeffid,unit,"), "--excel starts with a UTF-8 BOM")

    say("pending while the hub is down")
    c.hub.stop()
    late = submit(c, n, "cq-wanzhou", "cadres_to_sd", "2")
    got = entries(c, n)
    check(got[late]["state"] == "pending" and got[late]["current"], "a new entry is pending")
    rc, out, err = c.ctl("entries", "--indicator", "cadres_to_sd", node=n, check_rc=0)
    check("pending" in out, "and the table says so")


run(main)
