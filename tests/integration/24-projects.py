"""The project pool end to end: a district imports its projects, edits,
funds and moves them while the hub and the node are killed with SIGKILL,
and the hub's pool ends exactly as a model of the accepted changes says.
Impossible moves are refused at the node (exit 2, nothing stored); another
node's change of a project is rejected by the hub with a reason."""
import json
import random

from luyutest import Cluster, check, run, say, wait_until
from poolref import make_pool, sums, write_pool_csv, yuan, fen

UNIT = "cq-wanzhou"


def hub_projects(c):
    rc, out, err = c.ctl("project", "list", *c.ledger_args(), "--format", "json",
                         check_rc=0)
    return {p["id"]: p for p in json.loads(out)}


def refused(c, node, args, why):
    before = c.status(node)["last_seq"]
    rc, out, err = c.ctl("project", *args, node=node)
    check(rc == 2 and why in err and c.status(node)["last_seq"] == before,
          "refused with exit 2, nothing stored: %s (%s)" % (" ".join(args[:2]), why))


def main():
    rnd = random.Random(13)
    c = Cluster("projects")
    c.register(UNIT, UNIT)
    c.register("wz-two", UNIT)
    c.keygen(c.hub_id)
    c.ctl("keygen", "--sign", "--out", c.path("keys", c.hub_id), check_rc=0)
    hub_args = ["--sign-key", c.path("keys", c.hub_id + ".sign.key"), "--no-auto-issue"]
    c.start_hub(hub_args)
    c.start_node(UNIT, UNIT)

    say("a district imports its pool")
    rows = make_pool([UNIT], 30, rnd)
    path = c.path("pool.csv")
    write_pool_csv(path, rows)
    rc, out, err = c.ctl("project", "import", path, node=UNIT)
    check(rc == 0 and "imported 30 projects" in out, "imported 30 projects: " + out + err)
    rc, out, err = c.ctl("project", "import", path, node=UNIT)
    check(rc == 0 and "already imported" in out, "the same file again stores nothing")
    model = {r["id"]: dict(r) for r in rows}
    say("a spreadsheet with Chinese headers and names")
    zh = c.path("pool-zh.csv")
    with open(zh, "w", encoding="utf-8") as f:
        f.write("项目编号,单位,项目名称,任务领域,山东结对方,山东企业,计划总投资,山东帮扶资金,"
                "已完成投资,已拨付帮扶资金,阶段,各阶段日期,终止原因,预计带动脱贫人数,"
                "预计吸纳贫困人口就业\n"
                "cq-wanzhou-2019-100,,万州劳务协作站,劳务协作,sd-weifang,,300000,100000,"
                "0,0,签约,2019-02-01;2019-05-01,,20,5\n"
                "cq-wanzhou-2019-101,,万州茶叶基地,产业合作,,,-5,0,0,0,储备,2019-02-01,,0,0\n")
    rc, out, err = c.ctl("project", "import", zh, node=UNIT)
    check(rc == 2 and "pool-zh.csv:3:" in err and "planned" in err,
          "a bad row is named by its line and nothing is stored: " + err.strip().splitlines()[0])
    with open(zh, encoding="utf-8") as f:
        good = f.read().splitlines()[:2]
    with open(zh, "w", encoding="utf-8") as f:
        f.write("\n".join(good) + "\n")
    rc, out, err = c.ctl("project", "import", zh, node=UNIT)
    check(rc == 0 and "imported 1 projects" in out, "the fixed file imports: " + out + err)
    model["cq-wanzhou-2019-100"] = {"id": "cq-wanzhou-2019-100", "unit": UNIT,
                                    "name": "万州劳务协作站", "stage": "signed",
                                    "stage_dates": "2019-02-01;2019-05-01",
                                    "planned": "300000.00", "aid_planned": "100000.00",
                                    "invested": "0.00", "aid_disbursed": "0.00"}

    say("impossible moves are refused at the node")
    some = next(r for r in rows if r["stage"] == "started")
    refused(c, UNIT, ["stage", some["id"], "signed"], "cannot go back")
    refused(c, UNIT, ["money", some["id"], "--invested", "-5"], "invested")
    over = yuan(fen(some["planned"]) + 100)
    refused(c, UNIT, ["money", some["id"], "--invested", over], "above the plan")
    first = some["stage_dates"].split(";")[2]
    refused(c, UNIT, ["stage", some["id"], "completed", "--date", "2000-01-01"],
            "goes backwards")
    refused(c, UNIT, ["edit", "cq-wanzhou-2019-999", "--name", "x"], "no project")
    check(first, "the started project has a start date")

    say("changes through hub and node SIGKILLs")
    ids = sorted(model)
    for step in range(60):
        pid = rnd.choice(ids)
        p = model[pid]
        if p["stage"] in ("dropped",):
            continue
        what = rnd.randrange(3)
        if what == 0:
            name = "%s（第%d次修订）" % (p["name"].split("（")[0], step)
            rc, out, err = c.ctl("project", "edit", pid, "--name", name, node=UNIT)
            if rc != 0:
                check(False, "edit %s: %s" % (pid, err))
            p["name"] = name
        elif what == 1 and p["stage"] in ("reserve", "signed", "started", "completed"):
            nxt = {"reserve": "signed", "signed": "started", "started": "completed",
                   "completed": "operating"}[p["stage"]]
            day = "2020-06-%02d" % (1 + step % 28)
            rc, out, err = c.ctl("project", "stage", pid, nxt, "--date", day, node=UNIT)
            if rc == 0:
                p["stage"] = nxt
                p["stage_dates"] += ";" + day
            elif rc != 2:
                check(False, "a stage move is done or refused: " + err)
        else:
            inv = min(fen(p["planned"]), fen(p["invested"]) + rnd.randrange(0, 10 ** 8))
            rc, out, err = c.ctl("project", "money", pid, "--invested", yuan(inv), node=UNIT)
            if rc != 0:
                check(False, "money %s: %s" % (pid, err))
            p["invested"] = yuan(inv)
        if step % 15 == 7:
            say("  SIGKILL the hub at step %d" % step)
            c.hub.kill9()
            c.start_hub(hub_args)
        if step % 20 == 13:
            say("  SIGKILL the node at step %d" % step)
            c.nodes[UNIT].kill9()
            c.start_node(UNIT, UNIT)
    wait_until(lambda: c.drained(UNIT), 90, "the node to drain")

    say("the hub's pool is the model")
    got = hub_projects(c)
    check(sorted(got) == sorted(model), "the hub holds every project, no more")
    for pid, p in model.items():
        g = got[pid]
        if (g["name"], g["stage"], g["invested"], g["planned"]) != \
                (p["name"], p["stage"], fen(p["invested"]), fen(p["planned"])):
            check(False, "project %s: hub %s, model %s" % (pid, g, p))
    check(True, "names, stages and money of all %d projects as the model says" % len(model))

    rc, out, err = c.ctl("project", "pool", *c.ledger_args(), "--format", "json",
                         check_rc=0)
    pool = json.loads(out)
    total, by_unit = sums(model)
    check(all(pool["total"][k] == total[k] for k in total),
          "pool totals equal the reference: planned %s, aid %s"
          % (yuan(total["planned"]), yuan(total["aid_planned"])))
    check(pool["target"] == 150000000000, "the target is the plan's 15亿元")
    rc, out, err = c.ctl("project", "history", some["id"], *c.ledger_args(),
                         "--format", "json", check_rc=0)
    check(json.loads(out)[0]["kind"] == "created", "a project's history starts with its creation")

    say("the monthly bulletin's pool section equals the reference")
    sock = c.path("hub", "control.sock")
    rc, out, err = c.ctl("bulletin", "issue", "2020-06", "--hub", sock, check_rc=0)
    rc, out, err = c.ctl("bulletin", "show", "2020-06", *c.ledger_args(),
                         "--format", "json", check_rc=0)
    b = json.loads(out)["bulletin"]
    bp = b["pool"]
    check(fen(bp["planned"]) == total["planned"] and fen(bp["aid_planned"])
          == total["aid_planned"] and bp["projects"] == total["projects"],
          "bulletin pool: %d projects, planned %s, aid %s" % (bp["projects"], bp["planned"],
                                                            bp["aid_planned"]))
    want_ratio = total["planned"] * 1000 // total["aid_planned"]
    check(bp["ratio_permille"] == want_ratio,
          "1:3 rule: investment : aid = %d per mille (reference %d)"
          % (bp["ratio_permille"], want_ratio))
    units = {u["unit"]: u for u in bp["units"]}
    check(all(fen(units[k]["planned"]) == v["planned"] for k, v in by_unit.items()),
          "per-district planned investment as the reference")
    ind = [i for i in b["indicators"] if i["code"] == "project_pool_total"][0]
    check(fen(ind["since_start"]) == total["planned"],
          "the plan's 滚动项目库投资总额 is the pool's total, not a typed figure")
    moved = {}
    for p in model.values():
        for st, d in zip(["reserve", "signed", "started", "completed", "operating", "dropped"],
                         p.get("stage_dates", "").split(";")):
            if d.startswith("2020-06"):
                moved[st] = moved.get(st, 0) + 1
    got_moved = {x["stage"]: x["reached_in_month"] for x in bp["stages"] if x["reached_in_month"]}
    check(got_moved == moved, "June's movements by stage as the model says: %s" % moved)
    rc, out, err = c.ctl("project", "list", "--stuck", *c.ledger_args(),
                         "--format", "json", check_rc=0)
    stuck = sorted(x["id"] for x in json.loads(out))
    # Every 签约/开工 project of the model dates from 2019 or 2020: today is
    # far more than 180 days later.
    want = sorted(k for k, p in model.items() if p["stage"] in ("signed", "started"))
    check(stuck == want, "--stuck lists the %d projects in 签约 or 开工" % len(want))
    rc, out, err = c.ctl("bulletin", "show", "2020-06", *c.ledger_args(),
                         check_rc=0)
    check("滚动项目库" in out, "the text bulletin has the pool section")
    rc, out, err = c.ctl("bulletin", "show", "2020-06", *c.ledger_args(),
                         "--format", "html", check_rc=0)
    check("滚动项目库" in out and "万州" in out, "and the HTML one, with the district table")
    rc, out, err = c.ctl("bulletin", "issue", "2020-06", "--hub", sock)
    check(rc == 2, "no revision 2 without changes")
    rc, out, err = c.ctl("project", "money", some["id"], "--invested",
                         yuan(fen(model[some["id"]]["invested"]) + 1), node=UNIT)
    check(rc == 0, "a change dated today")
    model[some["id"]]["invested"] = yuan(fen(model[some["id"]]["invested"]) + 1)
    wait_until(lambda: c.drained(UNIT), 60, "the change to arrive")
    rc, out, err = c.ctl("bulletin", "issue", "2020-06", "--hub", sock)
    check(rc == 2, "does not revise June 2020's bulletin")
    rc, out, err = c.ctl("project", "money", some["id"], "--invested",
                         yuan(fen(model[some["id"]]["invested"]) + 1), "--date", "2020-06-30",
                         node=UNIT)
    check(rc == 0, "a late change of a project, dated June 2020")
    model[some["id"]]["invested"] = yuan(fen(model[some["id"]]["invested"]) + 1)
    wait_until(lambda: c.drained(UNIT), 60, "the change to arrive")
    rc, out, err = c.ctl("bulletin", "issue", "2020-06", "--hub", sock, check_rc=0)
    check("revision 2" in out, "makes revision 2: " + out.strip())

    say("typed figures for the pool's total are refused at the node")
    before = c.status(UNIT)["last_seq"]
    rc, out, err = c.ctl("submit", "--unit", UNIT, "--indicator", "project_pool_total",
                         "--period", "2020-05", "--amount", "100", node=UNIT)
    check(rc == 2 and "derived from the project pool" in err
          and c.status(UNIT)["last_seq"] == before, "refused, exit 2: " + err.strip())

    say("another node may not change the project")
    c.start_node("wz-two", UNIT)
    rc, out, err = c.ctl("project", "add", some["id"], "--name", "抢注", "--area", "industry",
                         "--planned", "1", node="wz-two")
    check(rc == 0, "wz-two's node accepts it (it cannot know)")
    wait_until(lambda: c.drained("wz-two"), 60, "wz-two to drain")
    st = c.status("wz-two")
    reasons = [r["reason"] for r in st.get("rejects", [])]
    check(st["rejected"] == 1 and any("belongs to node cq-wanzhou" in r for r in reasons),
          "the hub rejected it: %s" % reasons)
    check([r["reason_code"] for r in st["rejects"]] == ["project_owner"],
          "with the code the node translates: %s" % st["rejects"])
    check(hub_projects(c)[some["id"]]["name"] == model[some["id"]]["name"],
          "and the project is unchanged")


run(main)
