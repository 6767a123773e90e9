#!/usr/bin/env python3
"""Writes a realistic month of ledger entries for some reporting units as
an import CSV (header unit,indicator,period,amount,note).

The figures are scaled from what Xinhua reported for the Shandong-Chongqing
pairing in 2019 (docs/DESIGN.md section 1): 195 million yuan of products bought
or sold, 287 million yuan of investment, 558 poor people working in
Shandong, 1,642 employed locally, spread over 14 districts and 12 months,
with some noise. The same seed gives the same file.

usage: sample-month.py YYYY-MM UNIT[,UNIT...] [--seed N] > month.csv
"""
import random
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    period, units = sys.argv[1], sys.argv[2].split(",")
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 2019
    rnd = random.Random("%s/%s/%d" % (period, ",".join(units), seed))
    per_district_month = 14 * 12
    print("unit,indicator,period,amount,note")
    for u in units:
        if u.startswith("sd-"):
            shandong(u, period, rnd, per_district_month)
            continue

        def money(total, note, ind, parts=3):
            # A district reports a month's sales as several entries (one per
            # deal or market), not one lump.
            amount = total / per_district_month * rnd.uniform(0.6, 1.4)
            for i in range(parts):
                share = amount / parts * rnd.uniform(0.7, 1.3)
                print("%s,%s,%s,%.2f,%s %d" % (u, ind, period, share, note, i + 1))

        def people(total, note, ind):
            n = max(1, round(total / per_district_month * rnd.uniform(0.5, 1.5)))
            print("%s,%s,%s,%d,%s" % (u, ind, period, n, note))

        money(195_000_000, "农产品进山东", "agri_sales_to_sd")
        money(287_000_000, "鲁企到位资金", "sd_investment", parts=2)
        people(558, "到山东务工", "poor_moved_to_sd")
        people(1642, "就地就近就业", "sd_firm_poor_jobs")
        people(3000, "技能培训", "poor_trained")
        if rnd.random() < 0.3:
            print("%s,cadres_to_sd,%s,%d,赴鲁挂职" % (u, period, rnd.randrange(1, 4)))
        if rnd.random() < 0.2:
            print("%s,leader_visits,%s,1,主要负责同志赴结对市" % (u, period))


def shandong(u, period, rnd, per):
    """A Shandong city reports what it invests and gives."""
    for ind, total, note in (("sd_investment", 287_000_000, "到位投资"),
                             ("social_aid_funds", 60_000_000, "社会帮扶资金"),
                             ("sd_fiscal_aid", 440_000_000, "财政帮扶资金")):
        amount = total / per * rnd.uniform(0.6, 1.4)
        print("%s,%s,%s,%.2f,%s" % (u, ind, period, amount, note))
    if rnd.random() < 0.5:
        print("%s,sd_firms,%s,%d,新落地企业" % (u, period, rnd.randrange(1, 3)))


main()
