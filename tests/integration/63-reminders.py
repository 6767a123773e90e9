"""Reminders (issue 16) with the real hub, its clock set by LUYU_FAKE_NOW
and SIGKILLed between checks: after a month closes and in the days before
it closes, every expected unit whose month is not reported, or not
approved by its district, is reminded exactly once per reason, through
restarts: the hook command writes one line per reminder to a file the
test reads; the reminders reach the node of the unit (its status), also a
node that never reported (through the key registry's units), and
luyuctl status --hub lists them."""
import calendar
import grp
import json
import os
import time

from luyutest import Cluster, check, run, say, wait_until

GROUP = grp.getgrgid(os.getgid()).gr_name
DAY = 86400
# 2019-07 closes on 2019-08-05, 00:00 China time (UTC+8).
CLOSE = calendar.timegm((2019, 8, 5, 0, 0, 0)) - 8 * 3600


def lines(path):
    try:
        with open(path) as f:
            return sorted(f.read().split("\n")[:-1])
    except FileNotFoundError:
        return []


def hub_at(c, now, hook):
    if c.hub is not None:
        c.hub.kill9()
    os.environ["LUYU_FAKE_NOW"] = str(now)
    c.start_hub(["--review-group", GROUP, "--remind-hook", hook])


def settle(path, n, what):
    wait_until(lambda: len(lines(path)) >= n, 60, what)
    time.sleep(1)    # any extra hook run would show by now; the count is exact
    return lines(path)


def main():
    c = Cluster("reminders")
    out = c.path("hook.out")
    hook = c.path("hook.sh")
    with open(hook, "w") as f:
        f.write("#!/bin/sh\necho \"$1 $2 $3\" >> %s\n" % out)
    os.chmod(hook, 0o755)
    rc, text, err = c.ctl("plan", "--format", "json", check_rc=0)
    units = sorted(u["code"] for u in json.loads(text)["units"]
                   if u["province"] == "CQ" and u["kind"] in ("district", "city", "department"))

    say("ten days before 2019-07 closes: June has closed, nobody reported it")
    hub_at(c, CLOSE - 10 * DAY, hook)
    want = sorted("%s 2019-06 not_reported_after_close" % u for u in units)
    got = settle(out, len(want), "June's reminders")
    check(got == want, "one hook run per unit for June (%d)" % len(want))

    say("wanzhou reports and approves July, kaizhou only reports, wulong never")
    # wulong's node is in the key registry for its unit but sends nothing:
    # its reminders reach it because the registry gives it the unit.
    c.start_node("cq-wulong", "cq-wulong", ["--review-group", GROUP])
    for unit in ("cq-wanzhou", "cq-kaizhou"):
        c.start_node(unit, unit, ["--review-group", GROUP])
        c.ctl("submit", "--unit", unit, "--indicator", "cadres_to_sd", "--period", "2019-07",
              "--amount", "2", node=unit, check_rc=0)
    c.ctl("review", "approve", "cq-wanzhou/2019-07", node="cq-wanzhou", check_rc=0)
    for unit in ("cq-wanzhou", "cq-kaizhou"):
        wait_until(lambda: c.drained(unit), 60, "delivery")

    say("two days before July closes (the hub SIGKILLed and restarted)")
    hub_at(c, CLOSE - 2 * DAY, hook)
    want += ["cq-kaizhou 2019-07 not_approved_before_close"]
    want += ["%s 2019-07 not_reported_before_close" % u for u in units
             if u not in ("cq-wanzhou", "cq-kaizhou")]
    want.sort()
    got = settle(out, len(want), "July's reminders before the close")
    check(got == want, "kaizhou: not approved; the others but wanzhou: not reported")
    hub_at(c, CLOSE - 2 * DAY + 3600, hook)
    got = settle(out, len(want), "nothing new")
    check(got == want, "a restart sends none of them again")

    say("a day after July closed")
    hub_at(c, CLOSE + DAY, hook)
    want += ["cq-kaizhou 2019-07 not_approved_after_close"]
    want += ["%s 2019-07 not_reported_after_close" % u for u in units
             if u not in ("cq-wanzhou", "cq-kaizhou")]
    want.sort()
    got = settle(out, len(want), "July's reminders after the close")
    check(got == want, "after the close: each once more, with its reason")
    hub_at(c, CLOSE + 2 * DAY, hook)
    got = settle(out, len(want), "nothing new")
    check(got == want and len(got) == len(set(got)), "and never twice (%d in all)" % len(got))

    say("the unit's node and the hub's status say so")
    def reminded():
        r = [x for x in c.status("cq-kaizhou")["reviews"] if x["state"] == "reminder"]
        return sorted("%s %s" % (x["period"], x["reason"]) for x in r)
    wait_until(lambda: len(reminded()) == 3, 60, "the reminders to reach kaizhou's node")
    check(reminded() == ["2019-06 not_reported_after_close", "2019-07 not_approved_after_close",
                         "2019-07 not_approved_before_close"],
          "kaizhou's status: its three reminders, once each")
    rc, text, err = c.ctl("status", node="cq-kaizhou", check_rc=0)
    check("closes soon" in text, "luyuctl status words the reminder")
    def reminded_wulong():
        r = [x for x in c.status("cq-wulong")["reviews"] if x["state"] == "reminder"]
        return sorted("%s %s" % (x["period"], x["reason"]) for x in r)
    wait_until(lambda: len(reminded_wulong()) == 3, 60,
               "the reminders to reach wulong's node, which never reported")
    check(reminded_wulong() == ["2019-06 not_reported_after_close",
                                "2019-07 not_reported_after_close",
                                "2019-07 not_reported_before_close"],
          "wulong's status: its three reminders, through the registry's units")
    rc, text, err = c.ctl("status", "--hub", c.path("hub", "control.sock"), "--json",
                          check_rc=0)
    rem = json.loads(text)["reminders"]
    check(len(rem) == 20 and all(r["period"] == "2019-07" for r in rem),
          "luyuctl status --hub lists the 20 newest reminders")
    rc, text, err = c.ctl("status", "--hub", c.path("hub", "control.sock"), check_rc=0)
    check("not_approved_after_close" in text or "not_reported_after_close" in text,
          "and the text too")


run(main)
