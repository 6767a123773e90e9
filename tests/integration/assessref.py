"""The districts' assessment in Python, independent of the C code: the
plan's assess keys read from the plan file, and each district's points for
a year from the figures (unit, indicator, YYYY-MM, amount as typed), by the
rules README.md states (share, growth, each; goals split over the
province's districts and the plan's years, paced by the months gone)."""
import math
import re

SCALE = {"yuan": 100, "persons": 1, "count": 1}


def read_plan(path):
    units, inds, order, cur = {}, {}, [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            m = re.match(r"\[(\w+)(?: (\S+))?\]", line)
            if m:
                cur = None
                if m.group(1) == "unit":
                    cur = units.setdefault(m.group(2), {})
                elif m.group(1) == "indicator":
                    cur = inds.setdefault(m.group(2), {})
                    order.append(m.group(2))
            elif cur is not None and "=" in line and not line.startswith("#"):
                k, v = line.split("=", 1)
                cur[k.strip()] = v.strip()
    return units, inds, order


def stored(amount, unit):
    if SCALE[unit] == 100:
        y, _, f = amount.partition(".")
        return int(y) * 100 + int((f + "00")[:2])
    return int(amount)


def scores(plan_path, rows, province, year, upto):
    """{unit: hundredths of a point} for year with months up to upto
    (YYYY-MM); rows are (unit, indicator, YYYY-MM, amount)."""
    units, inds, order = read_plan(plan_path)
    assessed = [u for u, v in units.items() if v.get("province") == province and
                v.get("kind") in ("district", "city")]
    years = 3  # 2018-2020
    m = int(upto[5:]) if int(upto[:4]) == year else 12
    out = {}
    for u in assessed:
        total = 0
        for code in order:
            ind = inds[code]
            if "assess" not in ind:
                continue
            unit, w = ind["unit"], int(ind["assess_weight"])
            cap = int(ind.get("assess_cap", "100"))

            def fig(y):
                return sum(stored(r[3], unit) for r in rows if r[0] == u and r[1] == code and
                           int(r[2][:4]) == y and int(r[2][5:]) <= m)
            actual = fig(year)
            kind = ind["target_kind"]
            t = stored(ind["target"], unit) if "target" in ind else 0
            if "assess_goal" in ind:
                goal = stored(ind["assess_goal"], unit)
            elif kind == "yearly_min":
                goal = math.ceil(t / len(assessed))
            elif kind in ("period_min", "level"):
                goal = math.ceil(t / (years * len(assessed)))
            else:
                goal = t
            goal = math.ceil(goal * m / 12)
            if ind["assess"] == "share":
                pts = 0 if actual <= 0 or goal <= 0 else \
                    w * 100 * min(actual, goal * cap // 100) // goal
            elif ind["assess"] == "growth":
                prev = fig(year - 1) if year > 2018 else 0
                pts = w * 100 if actual > prev else 0
            else:
                pts = w * 100 if goal > 0 and actual >= goal else 0
            total += pts
        out[u] = total
    return out


def points(h):
    return "%d.%02d" % (h // 100, h % 100)
