"""The project pool in Python, independent of the C code: realistic pools
as CSV (the columns of luyuctl project import), and the pool's figures
(sums, 1:3) computed from the rows, for tests to compare with what luyu
shows."""
import csv
import datetime

COLUMNS = ["id", "unit", "name", "area", "partner", "enterprise", "planned", "aid_planned",
           "invested", "aid_disbursed", "stage", "stage_dates", "drop_reason", "poor_lifted",
           "poor_jobs"]
STAGES = ["reserve", "signed", "started", "completed", "operating", "dropped"]
AREAS = ["industry", "labour", "edu_health", "consumption", "social"]
KINDS = ["柑橘深加工", "生猪养殖", "中药材种植", "乡村旅游", "就业扶贫车间", "冷链物流",
         "茶叶基地", "电商服务中心", "卫生院改造", "职业技能培训基地"]
PLACES = {"cq-wanzhou": "万州", "cq-qianjiang": "黔江", "cq-kaizhou": "开州",
          "cq-wulong": "武隆", "cq-chengkou": "城口", "cq-fengdu": "丰都",
          "cq-yunyang": "云阳", "cq-fengjie": "奉节", "cq-wushan": "巫山",
          "cq-wuxi": "巫溪", "cq-shizhu": "石柱", "cq-xiushan": "秀山",
          "cq-youyang": "酉阳", "cq-pengshui": "彭水"}


def fen(yuan):
    """'1234.5' -> 123450, exactly."""
    if not yuan:
        return 0
    whole, _, frac = yuan.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def yuan(f):
    return "%d.%02d" % (f // 100, f % 100)


def make_pool(units, per_unit, rnd, year=2019):
    """per_unit projects for each unit, in several stages, as CSV rows."""
    rows = []
    for unit in units:
        for k in range(1, per_unit + 1):
            stage = rnd.choice(STAGES[:5] + ["reserve", "signed", "started"])
            if rnd.random() < 0.05:
                stage = "dropped"
            aid = rnd.randrange(50, 2000) * 10000 * 100  # 50万 .. 2000万 yuan, fen
            planned = aid * 3 + rnd.randrange(0, 500) * 10000 * 100
            day = datetime.date(year, 1, 1) + datetime.timedelta(days=rnd.randrange(0, 120))
            dates = []
            top = 5 if stage == "dropped" else STAGES.index(stage) + 1
            reached = rnd.randrange(1, 4) if stage == "dropped" else top
            for s in range(top):
                if s < reached:
                    dates.append(day.isoformat())
                    day += datetime.timedelta(days=rnd.randrange(20, 200))
                else:
                    dates.append("")
            if stage == "dropped":
                dates.append(day.isoformat())
            started = stage in ("started", "completed", "operating")
            invested = rnd.randrange(0, planned // 100 + 1) * 100 if started else 0
            disbursed = min(aid, invested)
            rows.append({
                "id": "%s-%d-%03d" % (unit, year, k), "unit": unit,
                "name": "%s%s项目" % (PLACES.get(unit, unit), rnd.choice(KINDS)),
                "area": rnd.choice(AREAS), "partner": "", "enterprise": "",
                "planned": yuan(planned), "aid_planned": yuan(aid),
                "invested": yuan(invested), "aid_disbursed": yuan(disbursed),
                "stage": stage, "stage_dates": ";".join(dates),
                "drop_reason": "企业退出" if stage == "dropped" else "",
                "poor_lifted": str(rnd.randrange(0, 500)), "poor_jobs": str(rnd.randrange(0, 80)),
            })
    return rows


def write_pool_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow([r[c] for c in COLUMNS])


def sums(projects):
    """Totals and per-unit sums of projects (dicts with the CSV's fields,
    money in yuan strings), dropped projects left out, money in fen."""
    def add(acc, p):
        acc["projects"] += 1
        for k in ("planned", "aid_planned", "invested", "aid_disbursed"):
            acc[k] += fen(p[k])
    zero = lambda: {"projects": 0, "planned": 0, "aid_planned": 0, "invested": 0,
                    "aid_disbursed": 0}
    total, by_unit = zero(), {}
    for p in projects.values():
        if p["stage"] == "dropped":
            continue
        add(total, p)
        add(by_unit.setdefault(p["unit"], zero()), p)
    return total, by_unit
