"""Chinese first: with LANG=zh_CN.UTF-8 what luyuctl shows people is
Chinese (help, status, entries, completeness, bulletins, errors), money
reads in 元/万元/亿元, and no English word is mixed in; machine formats
(JSON, CSV) stay codes and exact base units. Skipped (exit 77) when the
zh_CN.UTF-8 locale is missing (scripts/deps generates it)."""
import json
import os
import pwd
import re
import sys

from luyutest import Cluster, check, have_locale, run, say, wait_until

ZH = "zh_CN.UTF-8"
ME = pwd.getpwuid(os.getuid()).pw_name
# Words that are names, not English: commands (typed as they are), the
# protocol's name and the user name.
NAMES = {"luyuctl", "help", "plan", "submit", "import", "template", "correct", "entries",
         "status", "user", "token",
         "ledger", "history", "keygen", "bulletin", "completeness", "feed", "issue",
         "project", "assess",
         "CurveZMQ", ME}


def english_words(text):
    """Words of English in text: tokens of two or more letters with a
    lowercase one, leaving out codes, ids, paths, options and endpoints
    (anything with a digit, '-', '_', '/', '.', ':' or '$'), upper-case
    placeholders and acronyms (SOCK, CSV, CQ) and names."""
    found = []
    for tok in re.split(r"[\s,;()\[\]{}|<>=\"'“”（）：，；、*]+", text):
        if not tok or re.search(r"[0-9\-_/.:$@%`]", tok) or tok in NAMES:
            continue
        for w in re.findall(r"[A-Za-z]{2,}", tok):
            if any(c.islower() for c in w):
                found.append(w)
    return found


def no_english(what, text):
    words = english_words(text)
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
    # The hub's reason for a refusal is quoted as the hub gave it.
    no_english("the entries table", re.sub(r"被退回：[^\n]*?  ", "", out))
    rc, out, err = c.ctl("entries", "--format", "json", node=n, lang=ZH, check_rc=0)
    j = json.loads(out)["entries"]
    check(j[0]["state"] == "at_hub" and j[0]["amount"] == "1250000.50"
          and j[2]["amount_base"] == 15000000000,
          "JSON keeps codes and exact amounts in Chinese too")

    say("status")
    rc, out, err = c.ctl("status", node=n, lang=ZH, check_rc=0)
    check("节点" in out and "待上报" in out and "已确认" in out and "正常" in out,
          "node status in Chinese")
    no_english("node status", re.sub(r"\n被省级平台退回[\s\S]*", "", out))
    rc, out, err = c.ctl("status", "--hub", c.path("hub", "control.sock"), lang=ZH, check_rc=0)
    check("省级平台" in out and "入账" in out, "hub status in Chinese")
    no_english("hub status", out)

    say("the hub's ledger and a figure's history")
    rc, out, err = c.ctl("ledger", "--state-dir", c.path("hub"), lang=ZH, check_rc=0)
    check("1.50亿元" in out and "共 1 行" in out, "ledger table: 亿元 and the row count")
    no_english("the ledger table", out)
    rc, out, err = c.ctl("history", "--state-dir", c.path("hub"), n + "/agri_sales_to_sd/2019-07",
                         lang=ZH, check_rc=0)
    check("125.00万元" in out and "1.50亿元" in out and "当月数额" in out,
          "history: both figures in 万元/亿元")
    no_english("the history", out)

    say("completeness and the bulletin")
    rc, out, err = c.ctl("completeness", "2019-07", "--state-dir", c.path("hub"), lang=ZH,
                         check_rc=0)
    check("应报" in out and "未报" in out and "区县" in out and "迟报" in out,
          "completeness states in Chinese")
    no_english("completeness", out)
    rc, out, err = c.ctl("bulletin", "show", "2019-07", "--state-dir", c.path("hub"),
                         "--draft", lang=ZH, check_rc=0)
    check("鲁渝扶贫协作月度通报" in out and "草稿" in out and "亿元" in out,
          "the bulletin is Chinese, with 亿元")
    no_english("the bulletin", out)
    rc, out, err = c.ctl("bulletin", "show", "2019-07", "--state-dir", c.path("hub"),
                         "--draft", check_rc=0)
    check("DRAFT" in out and "草稿" not in out and "150,000,000.00 yuan" in out,
          "and English in the C locale, not mixed")

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
    no_english("the node's status with the hub down", re.sub(r"\n被省级平台退回[\s\S]*", "", out))
    no_english("that error", err.split("：")[0])


run(main)
