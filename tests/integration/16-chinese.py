"""Chinese first: with LANG=zh_CN.UTF-8 what luyuctl shows people is
Chinese (help, status, entries, completeness, bulletins, errors), money
reads in 元/万元/亿元, and no English word is mixed in; machine formats
(JSON, CSV) stay codes and exact base units. Skipped (exit 77) when the
zh_CN.UTF-8 locale is missing (scripts/deps generates it)."""
import json
import os
import pwd
import re
import subprocess
import sys

from luyutest import (BIN, Cluster, check, english_words, have_locale, locale_env, run, say,
                      wait_until)

ZH = "zh_CN.UTF-8"
ME = pwd.getpwuid(os.getuid()).pw_name
# Words that are names, not English: the shared list (luyutest.NAME_WORDS)
# and the user name.
NAMES = {ME}


def no_english(what, text):
    words = english_words(text, NAMES)
    check(not words, "%s has no English word%s" % (what, (": %s" % words[:10]) if words else ""))


def main():
    if not have_locale(ZH):
        print("skipped: no %s locale (scripts/deps generates it)" % ZH)
        sys.exit(77)
    c = Cluster("chinese")
    c.start_hub()
    n = "cq-wanzhou"
    c.start_node(n, "cq-wanzhou,sd-jinan")

    say("help")
    rc, out, err = c.ctl("--help", lang=ZH, check_rc=0)
    check("用法" in out and "命令" in out and "全局选项" in out, "luyuctl --help is Chinese")
    no_english("luyuctl --help", out)
    rc, out, err = c.ctl("entries", "--help", lang=ZH, check_rc=0)
    check("现行条目" in out, "entries --help is Chinese")

    say("the daemons: --help and configuration errors")
    for daemon in ("luyu-node", "luyu-hub"):
        p = subprocess.run([os.path.join(BIN, daemon), "--help"], env=locale_env(ZH),
                           capture_output=True, timeout=60)
        out = p.stdout.decode()
        check(p.returncode == 0 and "用法" in out and "选项" in out, daemon + " --help is Chinese")
        no_english(daemon + " --help", out)
    p = subprocess.run([os.path.join(BIN, "luyu-node"), "--id", "cq-wanzhou"],
                       env=locale_env(ZH), capture_output=True, timeout=60)
    err = p.stderr.decode()
    check(p.returncode == 78 and "必须提供" in err, "a node's config error in Chinese: " + err.strip())
    no_english("the node's config error", re.sub(r"^<\d>luyu-node: ", "", err))
    p = subprocess.run([os.path.join(BIN, "luyu-hub"), "--id", "cq-hub", "--listen",
                        "tcp://127.0.0.1:1", "--state-dir", c.path("nohub"), "--insecure",
                        "--log-level", "loud"], env=locale_env(ZH), capture_output=True,
                       timeout=60)
    err = p.stderr.decode()
    check(p.returncode == 78 and "不是" in err, "a hub's config error in Chinese: " + err.strip())
    no_english("the hub's config error", re.sub(r"^<\d>luyu-hub: ", "", err).replace("loud", ""))

    say("entries: states, 万元, the plan's names")
    c.ctl("submit", "--unit", n, "--indicator", "agri_sales_to_sd", "--period", "2019-07",
          "--amount", "1250000.50", node=n, check_rc=0)
    c.ctl("submit", "--unit", "sd-jinan", "--indicator", "cadres_to_sd", "--period", "2019-07",
          "--amount", "3", node=n, check_rc=0)
    c.ctl("correct", n + "/agri_sales_to_sd/2019-07", "--amount", "150000000", node=n,
          check_rc=0)
    wait_until(lambda: c.drained(n), 20, "drain")
    rc, out, err = c.ctl("entries", node=n, lang=ZH, check_rc=0)
    check("已入省级台账" in out and "被退回：" in out and "待上报" not in out,
          "delivery states in Chinese")
    check("125.00万元" in out and "1.50亿元" in out and "3人" in out,
          "money in 万元/亿元, people with 人")
    check("万州区" in out and "农副产品销售至山东交易额" in out, "units and indicators by name")
    check("更正 cq-wanzhou/1" in out and "共 3 条" in out, "corrections and the count")
    # The hub's reason for a refusal travels as a code and reads in Chinese.
    check("被退回：该条目的单位属于另一省份" in out, "the hub's reason, translated by its code")
    no_english("the entries table", out)
    rc, out, err = c.ctl("entries", "--format", "json", node=n, lang=ZH, check_rc=0)
    j = json.loads(out)["entries"]
    check(j[0]["state"] == "at_hub" and j[0]["amount"] == "1250000.50"
          and j[2]["amount_base"] == 15000000000,
          "JSON keeps codes and exact amounts in Chinese too")
    check([e["reason_code"] for e in j] == ["", "other_province", ""],
          "the reject's code in JSON: %s" % [e["reason_code"] for e in j])

    say("status")
    rc, out, err = c.ctl("status", node=n, lang=ZH, check_rc=0)
    check("节点" in out and "待上报" in out and "已确认" in out and "正常" in out,
          "node status in Chinese")
    check("该条目的单位属于另一省份" in out, "status gives the hub's reason in Chinese")
    no_english("node status", out)
    rc, out, err = c.ctl("status", "--hub", c.path("hub", "control.sock"), lang=ZH, check_rc=0)
    check("省级平台" in out and "入账" in out, "hub status in Chinese")
    no_english("hub status", out)

    say("the hub's ledger and a figure's history")
    rc, out, err = c.ctl("ledger", *c.ledger_args(), lang=ZH, check_rc=0)
    check("1.50亿元" in out and "共 1 行" in out, "ledger table: 亿元 and the row count")
    no_english("the ledger table", out)
    rc, out, err = c.ctl("history", *c.ledger_args(), n + "/agri_sales_to_sd/2019-07",
                         lang=ZH, check_rc=0)
    check("125.00万元" in out and "1.50亿元" in out and "当月数额" in out,
          "history: both figures in 万元/亿元")
    no_english("the history", out)

    say("completeness and the bulletin")
    rc, out, err = c.ctl("completeness", "2019-07", *c.ledger_args(), lang=ZH,
                         check_rc=0)
    check("应报" in out and "未报" in out and "区县" in out and "迟报" in out,
          "completeness states in Chinese")
    no_english("completeness", out)
    rc, out, err = c.ctl("bulletin", "show", "2019-07", *c.ledger_args(),
                         "--draft", lang=ZH, check_rc=0)
    check("鲁渝扶贫协作月度通报" in out and "草稿" in out and "亿元" in out,
          "the bulletin is Chinese, with 亿元")
    no_english("the bulletin", out)
    rc, out, err = c.ctl("bulletin", "show", "2019-07", *c.ledger_args(),
                         "--draft", check_rc=0)
    check("DRAFT" in out and "草稿" not in out and "150,000,000.00 yuan" in out,
          "and English in the C locale, not mixed")

    say("import errors")
    bad = c.path("bad.csv")
    with open(bad, "w", encoding="utf-8") as f:
        f.write("单位,指标,月份,金额,备注\n万州,agri_sale,2019.7,1.25E+06,x\n"
                "cq-wanzhou,agri_sales_to_sd,7/1/2019,-5,\n")
    rc, out, err = c.ctl("import", bad, node=n, lang=ZH)
    check(rc == 2 and "是不是指 万州区" in err and "有歧义" in err,
          "every problem of a file, in Chinese: " + err)
    no_english("import errors", err)
    with open(bad, "w", encoding="utf-8") as f:
        f.write("unit,indicator,period,amount\ncq-wanzhou,agri_sales_to_sd,2019-07,5\n")
    rc, out, err = c.ctl("import", bad, "--dry-run", node=n, lang=ZH, check_rc=0)
    no_english("a dry run's answer", out + err)

    say("projects: commands, tables and refusals")
    pid = n + "-2019-001"
    rc, out, err = c.ctl("project", "--help", lang=ZH, check_rc=0)
    no_english("project --help", out)
    c.ctl("project", "add", pid, "--name", "万州柑橘深加工项目", "--area", "industry",
          "--planned", "12000000", "--aid", "4000000", "--stage", "signed", "--dates",
          "2019-06-01,2019-07-18", node=n, lang=ZH, check_rc=0)
    rc, out, err = c.ctl("project", "money", pid, "--invested", "20000000", node=n, lang=ZH)
    check(rc == 2 and "超过计划总投资" in err and "2,000.00万元" in err,
          "a refused change in Chinese, money in 万元: " + err.strip())
    no_english("the refusal", err)
    for args in (("list",), ("show", pid)):
        rc, out, err = c.ctl("project", *args, node=n, lang=ZH, check_rc=0)
        check("产业合作" in out and "签约" in out, "project %s at the node" % args[0])
        no_english("project %s at the node" % args[0], out)
    wait_until(lambda: c.drained(n), 30, "the project to reach the hub")
    for args in (("list",), ("show", pid), ("history", pid), ("pool", "--month", "2019-07")):
        rc, out, err = c.ctl("project", *args, *c.ledger_args(), lang=ZH,
                             check_rc=0)
        check("1,200.00万元" in out, "project %s at the hub in 万元" % args[0])
        no_english("project %s at the hub" % args[0], out)

    say("errors")
    rc, out, err = c.ctl("correct", n + "/agri_sales_to_sd/2019-09", "--amount", "1",
                         node=n, lang=ZH)
    check(rc == 2 and "本节点没有" in err, "a refusal from the node: " + err.strip())
    rc, out, err = c.ctl("submit", "--unit", n, "--indicator", "cadres_to_sd", "--period",
                         "2025-01", "--amount", "1", node=n, lang=ZH)
    check(rc == 2 and "不在规划期内" in err, "a month outside the plan: " + err.strip())
    rc, out, err = c.ctl("entries", "--unit", "cq-nowhere", node=n, lang=ZH)
    check(rc == 2 and "未知单位" in err, "a bad filter: " + err.strip())
    rc, out, err = c.ctl("bulletin", "issue", "2019-07", "--hub", c.path("hub", "control.sock"),
                         lang=ZH)
    check(rc != 0 and "签名密钥" in err, "the hub answers in the asker's language: " + err.strip())
    c.hub.stop()
    rc, out, err = c.ctl("status", "--hub", c.path("hub", "control.sock"), lang=ZH)
    check(rc == 1 and "无法连接 luyu-hub" in err, "the hub down: " + err.strip())
    wait_until(lambda: not c.status(n)["link_up"], 30, "the node to see the hub gone")
    rc, out, err = c.ctl("status", node=n, lang=ZH, check_rc=0)
    check("中断" in out, "the node's status says the link is down: " +
          [l for l in out.splitlines() if "连接" in l][0])
    no_english("the node's status with the hub down", out)
    no_english("that error", err.split("：")[0])


run(main)
