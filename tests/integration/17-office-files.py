"""The office corpus (tests/data/office/, made by make.py there): files as
district offices make them -- GBK and UTF-16 CSV, BOMs, Chinese headers,
Excel dates, thousands separators, empty rows, .xlsx from openpyxl and as
WPS writes it, damaged and hostile workbooks. Each is imported through the
real node with luyuctl as its NAME.expect says: accepted files store
exactly their figures (the hub ledger is compared with the expected entries
of all of them, exactly), refused files print the expected messages, name
their place, store nothing and exit 2."""
import collections
import glob
import os

from luyutest import Cluster, check, have_locale, run, say, wait_until

SRC = os.environ.get("LUYU_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.join(SRC, "tests", "data", "office")


def load(expect_path):
    spec = {"args": [], "ok": None, "entries": [], "empty": 0, "messages": []}
    with open(expect_path, encoding="utf-8") as f:
        for line in f.read().splitlines():
            word, _, rest = line.partition(" ")
            if word == "args":
                spec["args"] = rest.split()
            elif word in ("ok", "refused"):
                spec["ok"] = word == "ok"
            elif word == "entry":
                u, i, p, a, note = (rest.split(" ", 4) + [""])[:5]
                spec["entries"].append((u, i, int(p), int(a), note))
            elif word == "empty":
                spec["empty"] = int(rest)
            elif word == "message":
                spec["messages"].append(rest)
    return spec


def main():
    c = Cluster("office")
    c.start_hub()
    n = "cq-wanzhou"
    c.start_node(n, "cq-wanzhou,cq-kaizhou,cq-qianjiang,cq-wulong,cq-wuxi")
    want = collections.Counter()
    expects = sorted(glob.glob(os.path.join(CORPUS, "*.expect")))
    check(len(expects) >= 15, "%d files in the corpus" % len(expects))
    for e in expects:
        base = os.path.splitext(os.path.basename(e))[0]
        data = [p for p in glob.glob(os.path.join(CORPUS, base + ".*"))
                if not p.endswith(".expect")]
        spec = load(e)
        name = os.path.basename(data[0])
        # luyuctl names the file as it was given: import from the corpus
        # directory so that messages say NAME:LINE:COL.
        before = c.status(n)["last_seq"]
        rc, out, err = c.ctl("import", os.path.relpath(data[0]), *spec["args"], node=n)
        if spec["ok"]:
            check(rc == 0 and out.startswith("imported %d entr" % len(spec["entries"])),
                  "%s: %s%s" % (name, out.strip(), err.strip()))
            if spec["empty"]:
                check("%d empty rows skipped" % spec["empty"] in out, "counts empty rows")
            want.update(spec["entries"])
        else:
            check(rc == 2, "%s refused (exit %d): %s" % (name, rc, err.strip().splitlines()[0]
                                                         if err.strip() else ""))
            for m in spec["messages"]:
                check(m in err, "  says: " + m)
            check(c.status(n)["last_seq"] == before, "  stored nothing")
    # luyuctl's output is decoded strictly: text that is not UTF-8 fails the test.
    if have_locale("zh_CN.UTF-8"):
        say("in Chinese, the same refusals read Chinese")
        rc, out, err = c.ctl("import", "refused-values.csv", node=n, lang="zh_CN.UTF-8")
        check(rc == 2 and "refused-values.csv:2:1: 未知的单位“万州”；是不是指 万州区 (cq-wanzhou)？"
              in err and "refused-values.csv：共发现 7 处问题；什么都没有发送到节点" in err,
              err.strip().splitlines()[-1])
    say("the hub ledger holds exactly the figures of the accepted files")
    wait_until(lambda: c.drained(n), 30, "drain")
    db = c.ledger_db()
    got = collections.Counter(db.execute(
        "SELECT unit, indicator, period, amount, note FROM entry"))
    db.close()
    check(got == want, "ledger == expected (%d entries; missing %s, extra %s)"
          % (sum(want.values()), dict(want - got), dict(got - want)))


os.chdir(CORPUS)
run(main)
