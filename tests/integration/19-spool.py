"""The spool directory: a file that was there before the node started, files
dropped under a temporary name and renamed, a refused file and a file with
another node's unit go to done/ or to failed/ with FILE.err giving the same
FILE:LINE:COLUMN reasons luyuctl prints; half-written files (.tmp, dot
files) are left alone; the same rows again, through the spool or through
luyuctl import, are stored once. The hub ledger ends with exactly the rows
of the files in done/."""
import os
import time

from luyutest import Cluster, Failure, check, run, say, wait_until


def drop(spool, name, text, encoding="utf-8"):
    """Writes a file as the README asks: a temporary name, then a rename."""
    tmp = os.path.join(spool, "." + name + ".tmp")
    with open(tmp, "w", encoding=encoding, newline="") as f:
        f.write(text)
    os.rename(tmp, os.path.join(spool, name))


def pending(spool):
    return [n for n in os.listdir(spool)
            if not n.startswith(".") and n not in ("done", "failed")]


def ledger_rows(c):
    db = c.ledger_db()
    try:
        return sorted(db.execute("SELECT unit, indicator, period, amount, note FROM entry"))
    finally:
        db.close()


def main():
    c = Cluster("spool")
    c.start_hub()
    n = "cq-wanzhou"
    spool = c.path("spool")
    os.makedirs(spool)
    say("a file that arrived while the node was down is taken at start")
    drop(spool, "early.csv", "unit,indicator,period,amount,note\n"
                             "cq-wanzhou,poor_trained,2019-07,12,early\n")
    c.start_node(n, "cq-wanzhou,cq-kaizhou,cq-wulong", extra=["--spool", spool])
    wait_until(lambda: not pending(spool), 30, "early.csv taken")
    check(os.listdir(c.path("spool", "done")) == ["early.csv"], "early.csv in done/")

    say("files dropped while the node runs: good, bad, another node's unit")
    with open(c.path("half.csv.tmp"), "w") as f:
        f.write("unit,indicator\n")
    os.rename(c.path("half.csv.tmp"), os.path.join(spool, "half.csv.tmp"))
    drop(spool, "july.csv",
         "单位,指标,月份,金额,备注\r\n"
         "万州区,农副产品销售至山东交易额,2019年7月,\"1,250,000.50\",七月\r\n"
         ",,,,\r\n"
         "开州区,赴山东挂职党政干部,2019/7/1,3,\r\n", encoding="gb18030")
    drop(spool, "bad.csv", "unit,indicator,period,amount\n"
                           "万州,poor_trained,2019-07,1\n"
                           "cq-wanzhou,poor_trained,2019-07,1.25E+06\n")
    drop(spool, "other.csv", "unit,indicator,period,amount\n"
                             "cq-wanzhou,poor_trained,2019-08,1\n"
                             "cq-wuxi,poor_trained,2019-08,1\n")
    # An .xlsx from the office corpus, the unit and month merged down.
    src = os.path.join(os.environ.get("LUYU_SOURCE_DIR", "."), "tests", "data", "office",
                       "openpyxl-merged.xlsx")
    with open(src, "rb") as f:
        book = f.read()
    with open(os.path.join(spool, "~$merged.xlsx"), "wb") as f:
        f.write(book)
    os.rename(os.path.join(spool, "~$merged.xlsx"), os.path.join(spool, "merged.xlsx"))
    wait_until(lambda: pending(spool) == ["half.csv.tmp"], 30, "spool drained")
    done = sorted(os.listdir(c.path("spool", "done")))
    failed = sorted(os.listdir(c.path("spool", "failed")))
    check(done == ["early.csv", "july.csv", "merged.xlsx"], "done/: %s" % done)
    check(failed == ["bad.csv", "bad.csv.err", "other.csv", "other.csv.err"],
          "failed/: %s" % failed)
    with open(c.path("spool", "failed", "bad.csv.err"), encoding="utf-8") as f:
        err = f.read()
    say(err.strip())
    check("bad.csv:2:1: unknown unit" in err and "万州区 (cq-wanzhou)" in err,
          "bad.csv.err names line, column and the suggestion")
    check("bad.csv:3:4: amount \"1.25E+06\"" in err, "and the exponent, at 3:4")
    check("problems found: 2; nothing was stored" in err, "and says nothing was stored")
    with open(c.path("spool", "failed", "other.csv.err"), encoding="utf-8") as f:
        err = f.read()
    say(err.strip())
    check("other.csv:3:1: unit \"cq-wuxi\" is not reported by node cq-wanzhou" in err,
          "the node's own refusal is placed at line and column too")

    say("luyuctl import of the same rows (as UTF-8 with codes) is already imported")
    same = c.path("july-utf8.csv")
    with open(same, "w", encoding="utf-8") as f:
        f.write("unit,indicator,period,amount,note\n"
                "cq-wanzhou,agri_sales_to_sd,2019-07,1250000.5,七月\n"
                "cq-kaizhou,cadres_to_sd,2019-07,3,\n")
    rc, out, err = c.ctl("import", same, node=n, check_rc=0)
    check(out.startswith("already imported 2 entries"), out.strip())

    say("the same file dropped again is done/, nothing stored, and keeps both names")
    last = c.status(n)["last_seq"]
    drop(spool, "july.csv",
         "单位,指标,月份,金额,备注\n"
         "万州区,农副产品销售至山东交易额,2019-07,1250000.50,七月\n"
         "开州区,赴山东挂职党政干部,201907,3,\n")
    wait_until(lambda: pending(spool) == ["half.csv.tmp"], 30, "spool drained")
    check(sorted(os.listdir(c.path("spool", "done")))
          == ["early.csv", "july-2.csv", "july.csv", "merged.xlsx"],
          "the second july.csv is done/july-2.csv")
    check(c.status(n)["last_seq"] == last, "nothing stored again")

    say("the hub ledger holds exactly the rows of the files in done/")
    wait_until(lambda: c.drained(n), 30, "drain")
    want = sorted([("cq-wanzhou", "poor_trained", 201907, 12, "early"),
                   ("cq-wanzhou", "agri_sales_to_sd", 201907, 125000050, "七月"),
                   ("cq-kaizhou", "cadres_to_sd", 201907, 3, ""),
                   ("cq-wulong", "poor_trained", 202003, 30, ""),
                   ("cq-wulong", "poor_moved_to_sd", 202003, 4, ""),
                   ("cq-wulong", "cadres_to_sd", 202003, 1, "")])
    got = ledger_rows(c)
    check(got == want, "ledger %s" % got)
    check(os.path.exists(os.path.join(spool, "half.csv.tmp")), "the .tmp file left alone")


run(main)
