"""The bulletin says what is accepted (issue 16): with three districts
reporting a month, one accepted by the province, one approved and one
returned, each indicator's month splits into accepted and provisional
figures equal to a Python reference over the same entries; the
completeness carries DHIS2's reporting rates and the review counts; an
acceptance after revision 1 makes revision 2, which shows it; the text
marks the provisional part."""
import grp
import json
import os

from luyutest import Cluster, check, run, say, wait_until

GROUP = grp.getgrgid(os.getgid()).gr_name
MONTH = "2019-07"
# unit -> [(indicator, amount as typed)]
FIGURES = {
    "cq-wanzhou": [("agri_sales_to_sd", "1250000.50"), ("cadres_to_sd", "3"),
                   ("poor_trained", "40")],
    "cq-kaizhou": [("agri_sales_to_sd", "800000"), ("poor_trained", "25")],
    "cq-wushan": [("agri_sales_to_sd", "99.99"), ("cadres_to_sd", "1")],
}
SCALE = {"agri_sales_to_sd": 100, "cadres_to_sd": 1, "poor_trained": 1}


def base(ind, typed):
    """Typed amount in base units (fen for yuan), exactly."""
    whole, _, frac = typed.partition(".")
    return int(whole) * SCALE[ind] + (int((frac + "00")[:2]) if SCALE[ind] == 100 else 0)


def reference(accepted_units):
    """month and month_accepted per indicator, in base units."""
    month, acc = {}, {}
    for unit, rows in FIGURES.items():
        for ind, typed in rows:
            month[ind] = month.get(ind, 0) + base(ind, typed)
            if unit in accepted_units:
                acc[ind] = acc.get(ind, 0) + base(ind, typed)
    return month, acc


def typed(v, scale):
    return "%d.%02d" % divmod(v, 100) if scale == 100 else str(v)


def bulletin(c, *args):
    rc, out, err = c.ctl("bulletin", "show", MONTH, *c.ledger_args(),
                         "--format", "json", *args, check_rc=0)
    return json.loads(out)["bulletin"]


def compare(b, accepted_units, what):
    month, acc = reference(accepted_units)
    got = {f["code"]: f for f in b["indicators"]}
    for ind in month:
        s = SCALE[ind]
        want = (typed(month[ind], s), typed(acc.get(ind, 0), s),
                typed(month[ind] - acc.get(ind, 0), s))
        have = (got[ind]["month"], got[ind]["month_accepted"], got[ind]["month_provisional"])
        if have != want:
            check(False, "%s: %s month, accepted, provisional %s, reference %s"
                  % (what, ind, have, want))
    check(True, "%s: accepted and provisional figures equal the reference (accepted: %s)"
          % (what, sorted(accepted_units) or "none"))


def main():
    c = Cluster("bulletin-review", secure=False)
    c.ctl("keygen", "--sign", "--out", c.path("cq-hub"), check_rc=0)
    c.start_hub(["--review-group", GROUP, "--sign-key", c.path("cq-hub.sign.key"),
                 "--no-auto-issue"])
    hub = ["--hub", c.path("hub", "control.sock")]
    for unit, rows in FIGURES.items():
        c.start_node(unit, unit, ["--review-group", GROUP])
        for ind, amount in rows:
            c.ctl("submit", "--unit", unit, "--indicator", ind, "--period", MONTH,
                  "--amount", amount, node=unit, check_rc=0)
    say("nothing reviewed: every figure is provisional")
    for unit in FIGURES:
        wait_until(lambda: c.drained(unit), 60, "delivery")
    compare(bulletin(c, "--draft"), set(), "draft")

    say("wanzhou accepted, kaizhou approved, wushan returned")
    for unit in FIGURES:
        c.ctl("review", "approve", "%s/%s" % (unit, MONTH), node=unit, check_rc=0)
    for unit in FIGURES:
        wait_until(lambda: c.drained(unit), 60, "the approvals")
    c.ctl("review", "accept", "cq-wanzhou/" + MONTH, *hub, check_rc=0)
    c.ctl("review", "return", "cq-wushan/" + MONTH, "--reason", "请核实", *hub, check_rc=0)
    rc, out, err = c.ctl("bulletin", "issue", MONTH, *hub, check_rc=0)
    b = bulletin(c)
    check(b["revision"] == 1, "revision 1 issued")
    compare(b, {"cq-wanzhou"}, "revision 1")
    comp = b["completeness"]
    units = {u["code"]: u for u in b["units"]}
    expected = comp["expected"]
    # 2019-07 closed on 2019-08-05: what arrives today is late.
    check((comp["reported"], comp["on_time"], comp["late"]) == (3, 0, 3)
          and comp["reporting_rate_permille"] == 3 * 1000 // expected
          and comp["on_time_rate_permille"] == 0,
          "reporting rates: 3 of %d expected, %d per mille" % (expected,
                                                             comp["reporting_rate_permille"]))
    check((comp["accepted"], comp["approved"], comp["returned"], comp["pending"])
          == (1, 1, 1, expected - 3), "review counts: 1 accepted, 1 approved, 1 returned")
    check([units[u]["review"] for u in FIGURES] == ["accepted", "approved", "returned"],
          "each unit's month has its review state")

    say("kaizhou accepted after revision 1: revision 2 shows it")
    c.ctl("review", "accept", "cq-kaizhou/" + MONTH, *hub, check_rc=0)
    rc, out, err = c.ctl("bulletin", "issue", MONTH, *hub, check_rc=0)
    b = bulletin(c)
    check(b["revision"] == 2, "an acceptance makes revision 2")
    compare(b, {"cq-wanzhou", "cq-kaizhou"}, "revision 2")
    rc, out, err = c.ctl("bulletin", "issue", MONTH, *hub)
    check(rc != 0 and "nothing changed" in err, "nothing more to revise")
    rc, out, err = c.ctl("bulletin", "show", MONTH, *c.ledger_args(), check_rc=0)
    check("provisional 99.99 yuan" in out and "reporting rate" in out,
          "the text marks the provisional part and gives the rates")
    rc, out, err = c.ctl("completeness", MONTH, *c.ledger_args(), "--json",
                         check_rc=0)
    got = json.loads(out)
    check(got["accepted"] == 2 and got["reporting_rate_permille"] == 3 * 1000 // expected,
          "luyuctl completeness carries the rates and the review counts")


run(main)
