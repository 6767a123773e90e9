"""Helpers for luyu's integration tests: start the real daemons on
loopback in a scratch directory, drive luyuctl, read the hub's ledger, kill
things, and always clean up (even when a test fails).

Every test file is a plain script: it prints what it does and what it
checked, and exits non-zero with the difference when something is wrong.
"""
import atexit
import json
import os
import re
import random
import re
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time

BIN = os.environ.get("LUYU_BIN", os.path.join(os.path.dirname(__file__), "../../build"))
SRC = os.environ.get("LUYU_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../.."))
PLAN = os.path.join(SRC, "etc", "plan-2018-2020.ini")


def say(*args):
    print(*args, flush=True)


class Failure(Exception):
    pass


class Skip(Exception):
    pass


# ctest's SKIP_RETURN_CODE (tests/CMakeLists.txt): a test whose
# prerequisites are missing reports skipped, never passed.
SKIP_EXIT = 77


def skip(why):
    """Ends the test as skipped: its prerequisites are missing."""
    raise Skip(why)


def check(cond, what):
    if not cond:
        raise Failure(what)
    say("  ok:", what)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def listen_port():
    """A free port below the kernel's ephemeral range, for a daemon that
    listens again after each restart. free_port() gives an ephemeral port:
    while its daemon is down, any outgoing connection (psql, a hub's own
    PostgreSQL sessions, a node) may take it as its local port and keep
    it, and the restarted daemon cannot listen ("Address already in use";
    it made faults/11-failover's standby hub unable to take over)."""
    lo = 32768
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            lo = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        pass
    pick = random.SystemRandom()  # leaves the tests' seeded random alone
    for _ in range(200):
        port = pick.randrange(max(1024, lo - 20000), lo)
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            s.close()
        return port
    return free_port()


# Deadlines only catch hangs: a test asserts what happened, never how fast.
# Whatever a test passes, it waits at least this long before calling a
# wait a hang, so that a loaded machine (ASan, two busy cores, four other
# builds) slows the suite down instead of failing it.
MIN_DEADLINE_S = 120.0


def wait_until(cond, timeout=30.0, what="condition", interval=0.05):
    timeout = max(timeout, MIN_DEADLINE_S)
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(interval)
    raise Failure("timed out after %.0fs waiting for %s" % (timeout, what))


class Daemon:
    def __init__(self, name, argv, log):
        self.name, self.argv, self.logpath = name, argv, log
        self.proc = None

    def start(self):
        self.offset = os.path.getsize(self.logpath) if os.path.exists(self.logpath) else 0
        self.logf = open(self.logpath, "ab")
        self.proc = subprocess.Popen(self.argv, stdout=self.logf, stderr=self.logf,
                                     stdin=subprocess.DEVNULL)
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.logf.close()

    def stop(self, timeout=10):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise Failure("%s did not stop within %ss of SIGTERM" % (self.name, timeout))
        if not self.logf.closed:
            self.logf.close()
        return self.proc.returncode

    def log(self):
        with open(self.logpath, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def new_log(self):
        """What this run of the daemon logged (the file spans restarts)."""
        with open(self.logpath, "rb") as f:
            f.seek(self.offset)
            return f.read().decode("utf-8", "replace")


def locale_env(lang=None):
    """The environment for a program whose messages a test reads: English
    (C.UTF-8) unless lang is given."""
    env = dict(os.environ)
    for k in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        env.pop(k, None)
    env["LANG"] = lang or "C.UTF-8"
    return env


def have_locale(lang):
    """Whether the system has lang (scripts/deps generates zh_CN.UTF-8)."""
    out = subprocess.run(["locale", "-a"], capture_output=True).stdout.decode()
    want = lang.lower().replace("-", "")
    return any(l.lower().replace("-", "") == want for l in out.split())


CLUSTERS = []
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def sanitizer_reports():
    """Sanitizer findings in any daemon log of this test: a test with one
    fails, even when everything else looked right."""
    found = []
    for c in CLUSTERS:
        for d in c.daemons:
            try:
                text = d.log()
            except OSError:
                continue
            for mark in SANITIZER_MARKS:
                if mark in text:
                    i = text.index(mark)
                    found.append("%s: %s" % (d.name, text[max(0, i - 200):i + 1500]))
    return found


class Cluster:
    """A hub and its nodes in one scratch directory."""

    def __init__(self, name, secure=True):
        """secure: CurveZMQ with a key registry (the default, as in
        production); False runs plain --insecure loopback transport."""
        self.secure = secure
        self.registry = {}
        self.peer_hubs = {}   # hub id -> (CURVE public key, province)
        self.hub_id = "cq-hub"
        self.province = "CQ"
        self.dir = tempfile.mkdtemp(prefix="luyu-%s-" % name)
        self.port = free_port()
        self.endpoint = "tcp://127.0.0.1:%d" % self.port
        self.daemons = []
        self.hub = None
        self.nodes = {}
        # LUYU_TEST_LEDGER=postgresql runs the same test with the hub's
        # ledger in a PostgreSQL started for it (tests/CMakeLists.txt).
        self.pg = None
        if os.environ.get("LUYU_TEST_LEDGER") == "postgresql":
            import pgserver
            self.pg = pgserver.PgCluster()
        CLUSTERS.append(self)
        atexit.register(self.cleanup)

    def path(self, *p):
        return os.path.join(self.dir, *p)

    def keygen(self, name):
        """Makes keys/NAME.key and keys/NAME.pub with luyuctl keygen."""
        os.makedirs(self.path("keys"), exist_ok=True)
        base = self.path("keys", name)
        if not os.path.exists(base + ".key"):
            self.ctl("keygen", "--out", base, check_rc=0)
        with open(base + ".pub") as f:
            return f.read().strip()

    def register(self, node_id, units, key=None):
        """Adds a node to the hub's key registry (and reloads a running
        hub with SIGHUP)."""
        self.registry[node_id] = (key or self.keygen(node_id), units)
        self.write_registry()

    def unregister(self, node_id):
        del self.registry[node_id]
        self.write_registry()

    def write_registry(self):
        with open(self.path("registry.ini"), "w") as f:
            f.write("# written by the test harness\n")
            for n, (key, units) in sorted(self.registry.items()):
                f.write("[node %s]\nkey = %s\nunits = %s\n\n" % (n, key, units))
            for h, (key, prov) in sorted(self.peer_hubs.items()):
                f.write("[hub %s]\nkey = %s\nprovince = %s\n\n" % (h, key, prov))
        if self.hub is not None and self.hub.alive():
            n = self.hub.log().count("reloaded")
            self.hub.proc.send_signal(signal.SIGHUP)
            wait_until(lambda: self.hub.log().count("reloaded") > n, 10, "registry reload")

    def hub_argv(self, extra=()):
        argv = [os.path.join(BIN, "luyu-hub"), "--id", self.hub_id, "--listen", self.endpoint,
                "--state-dir", self.path("hub"), "--plan", PLAN, "--province", self.province]
        if self.secure:
            self.keygen(self.hub_id)
            if not os.path.exists(self.path("registry.ini")):
                self.write_registry()
            argv += ["--secret-key", self.path("keys", self.hub_id + ".key"),
                     "--registry", self.path("registry.ini")]
        else:
            argv += ["--insecure"]
        if self.pg is not None:
            argv += ["--ledger", self.pg.url()]
        return argv + list(extra)

    def start_hub(self, extra=(), wait=True):
        d = Daemon("hub", self.hub_argv(extra), self.path("hub.log")).start()
        self.daemons.append(d)
        self.hub = d
        if wait:
            wait_until(lambda: "up: listening" in d.new_log() or not d.alive(), 20, "hub start")
            if not d.alive():
                raise Failure("hub exited at start:\n" + d.new_log())
        return d

    def node_argv(self, node_id, units, extra=()):
        argv = [os.path.join(BIN, "luyu-node"), "--id", node_id, "--hub", self.endpoint,
                "--units", units, "--state-dir", self.path(node_id), "--plan", PLAN,
                # Heartbeats often, so that tests see links come and go
                # soon; a link times out only after 10 s of silence, since
                # under load (ASan, busy cores) a hub answering ten nodes
                # that all resend after a SIGKILL can take seconds, and a
                # short timeout then makes every node reconnect and resend
                # again: a storm that feeds itself (faults/01-crash-storm
                # under a CPU hog, issue 14).
                "--heartbeat-ms", "300", "--timeout-ms", "10000",
                "--backoff-min-ms", "50", "--backoff-max-ms", "500"]
        if self.secure:
            if node_id not in self.registry:
                self.register(node_id, units)
            argv += ["--hub-key", self.path("keys", self.hub_id + ".pub"),
                     "--secret-key", self.path("keys", node_id + ".key")]
        else:
            argv += ["--insecure"]
        return argv + list(extra)

    def start_node(self, node_id, units, extra=(), wait=True):
        d = Daemon(node_id, self.node_argv(node_id, units, extra),
                   self.path(node_id + ".log")).start()
        self.daemons.append(d)
        self.nodes[node_id] = d
        if wait:
            wait_until(lambda: " up: units " in d.new_log() or not d.alive(), 20,
                       node_id + " start")
            if not d.alive():
                raise Failure("%s exited at start:\n%s" % (node_id, d.new_log()))
        return d

    def sock(self, node_id):
        return self.path(node_id, "control.sock")

    def ctl(self, *args, node=None, check_rc=None, timeout=120, lang=None):
        """Runs luyuctl in the C.UTF-8 locale (English messages, whatever
        the caller's shell says), or in lang, e.g. "zh_CN.UTF-8"."""
        argv = [os.path.join(BIN, "luyuctl")]
        if node:
            argv += ["--node", self.sock(node)]
        argv += ["--plan", PLAN] if args and args[0] == "plan" else []
        argv += list(args)
        p = subprocess.run(argv, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL,
                           env=locale_env(lang))
        out, err = p.stdout.decode(), p.stderr.decode()
        if check_rc is not None and p.returncode != check_rc:
            raise Failure("luyuctl %s: exit %d, wanted %d\nstdout: %s\nstderr: %s"
                          % (" ".join(args), p.returncode, check_rc, out, err))
        return p.returncode, out, err

    def status(self, node):
        rc, out, err = self.ctl("status", "--json", node=node, check_rc=0)
        return json.loads(out)

    def drained(self, node):
        try:
            return self.status(node)["pending"] == 0
        except Failure:
            return False

    def ledger_db(self):
        if self.pg is not None:
            import pgserver
            return pgserver.Rows(self.pg.writable())
        db = sqlite3.connect("file:%s?mode=ro" % self.path("hub", "ledger.db"), uri=True,
                             timeout=10)
        return db

    def ledger_args(self):
        """Where luyuctl reads the hub's ledger: its state directory, or
        the PostgreSQL ledger's connection string."""
        if self.pg is not None:
            return ["--ledger", self.pg.url()]
        return ["--state-dir", self.path("hub")]

    def ledger_ids(self):
        db = self.ledger_db()
        try:
            return [r[0] for r in db.execute("SELECT node || '/' || seq FROM entry")]
        finally:
            db.close()

    def cleanup(self):
        for d in self.daemons:
            try:
                d.kill9()
            except Exception:
                pass
        if os.environ.get("LUYU_KEEP_TMP"):
            say("kept", self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


def raw_socket(c, ctx, node_id=None, units="cq-wanzhou"):
    """A DEALER to the hub that is not our node. In a secure cluster it gets
    a fresh CURVE key, registered for node_id when one is given (an insider
    gone bad) and unknown to the hub otherwise (an outsider). Returns the
    socket and its public key (None on plain transport)."""
    import zmq
    s = ctx.socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    s.setsockopt(zmq.SNDTIMEO, 2000)
    pub = None
    if c.secure:
        pub, sec = zmq.curve_keypair()
        with open(c.path("keys", c.hub_id + ".pub")) as f:
            s.curve_serverkey = f.read().strip().encode()
        s.curve_publickey, s.curve_secretkey = pub, sec
        if node_id:
            c.register(node_id, units, key=pub.decode())
    s.connect(c.endpoint)
    return s, (pub.decode() if pub else None)


def plan_without_rules(c):
    """The shipped plan without its data-quality rules (min, max, at_most):
    for load tests whose synthetic volumes (thousands of trainees a month
    at one unit) no district reports. Writes it into the cluster's
    directory, makes it the plan of the daemons started after, returns its
    path."""
    global PLAN
    with open(PLAN, encoding="utf-8") as f:
        lines = [l for l in f if not re.match(r"(min|max|at_most)\s*=", l)]
    path = c.path("plan-without-rules.ini")
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines)
    PLAN = path
    return path


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write("unit,indicator,period,amount,note\n")
        for r in rows:
            f.write(",".join(r) + "\n")


def compare_ids(accepted, ledger):
    """Exactly-once check: the same set, and no id twice."""
    acc, led = set(accepted), list(ledger)
    dup = sorted(set(i for i in led if led.count(i) > 1)) if len(led) != len(set(led)) else []
    missing = sorted(acc - set(led))
    extra = sorted(set(led) - acc)
    if missing or extra or dup or len(acc) != len(accepted):
        raise Failure("ledger not exact: %d accepted, %d in ledger; missing %s; extra %s; "
                      "twice %s" % (len(acc), len(led), missing[:20], extra[:20], dup[:20]))
    say("  ok: ledger holds exactly the %d accepted ids, none twice" % len(acc))


# ---- a minimal protobuf encoder for hostile-client tests (no dependency on
# generated Python code): just enough of proto/luyu.proto. ----

def _varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _field(num, wire, payload):
    key = _varint((num << 3) | wire)
    if wire == 0:
        return key + _varint(payload)
    return key + _varint(len(payload)) + payload


def pb_entry(seq, unit, indicator, period, amount, note="", by="test", at=0, corrects=""):
    b = _field(1, 0, seq) + _field(2, 2, unit.encode()) + _field(3, 2, indicator.encode())
    b += _field(4, 0, period) + _field(5, 0, amount)
    if note:
        b += _field(6, 2, note.encode())
    b += _field(7, 2, by.encode()) + _field(8, 0, at or int(time.time()))
    if corrects:
        b += _field(9, 2, corrects.encode())
    return b


def pb_hello(node_id, from_seq=1):
    return _field(1, 2, _field(1, 0, 1) + _field(2, 2, node_id.encode()) + _field(3, 0, from_seq))


def pb_batch(entries):
    return _field(3, 2, b"".join(_field(1, 2, e) for e in entries))


def pb_ping():
    return _field(5, 2, b"")


def pb_decode(buf):
    """Decodes one level of a protobuf message into {field: [values]}."""
    out, i = {}, 0
    while i < len(buf):
        key, i = _read_varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            v, i = _read_varint(buf, i)
        elif wire == 2:
            n, i = _read_varint(buf, i)
            v, i = buf[i:i + n], i + n
        else:
            raise ValueError("wire type %d" % wire)
        out.setdefault(num, []).append(v)
    return out


def _read_varint(buf, i):
    shift = v = 0
    while True:
        b = buf[i]
        i += 1
        v |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return v, i


def run(main):
    """Runs a test's main(), printing a clear verdict."""
    name = os.path.basename(sys.argv[0])
    try:
        try:
            main()
        except Skip as e:
            say("SKIP %s: %s" % (name, e))
            sys.exit(SKIP_EXIT)
        for c in CLUSTERS:
            for d in c.daemons:
                if d.alive():
                    d.stop()
        reports = sanitizer_reports()
        if reports:
            raise Failure("sanitizer reports in daemon logs:\n" + "\n".join(reports))
    except Failure as e:
        say("FAIL %s: %s" % (name, e))
        for c in CLUSTERS:
            for d in c.daemons:
                try:
                    say("---- last log lines of %s ----" % d.name)
                    say("\n".join(d.log().splitlines()[-15:]))
                except OSError:
                    pass
        sys.exit(1)
    say("PASS", name)


def import_rows(c, node, rows, name=None):
    """Imports rows through luyuctl; returns the ids luyuctl reported as
    accepted (the import prints the first and last id of its range)."""
    import re
    path = c.path(name or "%s-%d.csv" % (node, random.randrange(1 << 30)))
    write_csv(path, rows)
    # Random rows are outliers and duplicates by the node's data-quality
    # checks (node/quality.h); the tests that use them are about delivery,
    # so they confirm, as a clerk would. 60-quality tests the checks.
    rc, out, err = c.ctl("import", path, "--confirm", node=node)
    if rc != 0:
        return rc, []
    m = re.search(r"\(([\w.-]+)/(\d+) \.\. ([\w.-]+)/(\d+)\)", out)
    if not m:
        raise Failure("cannot read the accepted range from: " + out)
    first, last = int(m.group(2)), int(m.group(4))
    if last - first + 1 != len(rows):
        raise Failure("import of %d rows reported %d ids" % (len(rows), last - first + 1))
    return 0, ["%s/%d" % (m.group(1), s) for s in range(first, last + 1)]


DISTRICTS = ["cq-wanzhou", "cq-qianjiang", "cq-kaizhou", "cq-wulong", "cq-chengkou",
             "cq-fengdu", "cq-yunyang", "cq-fengjie", "cq-wushan", "cq-wuxi", "cq-shizhu",
             "cq-xiushan", "cq-youyang", "cq-pengshui"]


def sample_rows(unit, n, rnd):
    inds = [("agri_sales_to_sd", True), ("poor_trained", False), ("poor_moved_to_sd", False),
            ("cadres_to_sd", False), ("sd_investment", True)]
    rows = []
    for i in range(n):
        ind, money = inds[rnd.randrange(len(inds))]
        period = "%d-%02d" % (rnd.choice((2018, 2019, 2020)), rnd.randrange(1, 13))
        amt = "%d.%02d" % (rnd.randrange(1, 10 ** 6), rnd.randrange(100)) if money \
            else str(rnd.randrange(1, 50))
        rows.append((unit, ind, period, amt, "row %d" % i))
    return rows


def ledger_sums(c):
    db = c.ledger_db()
    try:
        e = dict(((r[0], r[1], r[2]), r[3]) for r in db.execute(
            "SELECT unit, indicator, period, sum(amount) FROM entry GROUP BY 1, 2, 3"))
        b = dict(((r[0], r[1], r[2]), r[3]) for r in db.execute(
            "SELECT unit, indicator, period, amount FROM balance"))
        return e, b
    finally:
        db.close()


# Words that are names, not English, in what a Chinese reader sees:
# commands and values typed as they are, protocols and products.
NAME_WORDS = {"luyuctl", "help", "plan", "submit", "import", "template", "correct", "entries",
              "status", "user", "token", "ledger", "history", "keygen", "bulletin",
              "completeness", "feed", "issue", "project", "CurveZMQ", "Excel",
              "err", "warning", "notice", "info", "debug", "ipc",
              "add", "edit", "stage", "money", "list", "show", "pool", "reserve", "signed",
              "started", "completed", "operating", "dropped", "industry", "table", "csv",
              "json", "review", "queue", "approve", "accept", "return", "unlock", "Unix", "assess",
              "PostgreSQL", "libpq", "SQLite"}


def english_words(text, names=()):
    """Words of English in text: tokens of two or more letters with a
    lowercase one, leaving out codes, ids, paths, options and endpoints
    (anything with a digit, '-', '_', '/', '.', ':' or '$'), upper-case
    placeholders and acronyms (SOCK, CSV, CQ) and names."""
    found = []
    for tok in re.split(r"[\s,;()\[\]{}|<>=\"'“”（）：，；、*]+", text):
        if not tok or re.search(r"[0-9\-_/.:$@%`]", tok) or tok in NAME_WORDS or tok in names:
            continue
        for w in re.findall(r"[A-Za-z]{2,}", tok):
            if any(ch.islower() for ch in w):
                found.append(w)
    return found


def page_text(html):
    """What a person reads on a page: the text between tags, and the
    labels of buttons and fields, without the style sheet."""
    html = re.sub(r"<style[\s\S]*?</style>", " ", html)
    labels = " ".join(re.findall(r'(?:value|placeholder|title|alt)="([^"]*)"', html))
    text = re.sub(r"<[^>]*>", " ", html)
    import html as htmlmod
    return htmlmod.unescape(text + " " + labels)


def two_provinces(prefix):
    """Chongqing's and Shandong's clusters with their hubs' CURVE and
    signing keys, each holding the other's public keys as "peer.pub" and
    "peer.sign.pub" (as an admin would copy them over), for the bulletin
    exchange. Returns (cq, sd)."""
    cq, sd = Cluster(prefix + "-cq"), Cluster(prefix + "-sd")
    sd.hub_id, sd.province = "sd-hub", "SD"
    for c in (cq, sd):
        c.keygen(c.hub_id)
        c.ctl("keygen", "--sign", "--out", c.path("keys", c.hub_id), check_rc=0)
    for a, b in ((cq, sd), (sd, cq)):
        a.peer_hubs[b.hub_id] = (b.keygen(b.hub_id), b.province)
        for ext in (".pub", ".sign.pub"):
            with open(b.path("keys", b.hub_id + ext)) as src, \
                    open(a.path("keys", "peer" + ext), "w") as dst:
                dst.write(src.read())
    return cq, sd


def peer_args(a, b, extra=()):
    """hub a's options to sign its bulletins and exchange them with hub b
    (two_provinces), issuing only when told."""
    return ["--sign-key", a.path("keys", a.hub_id + ".sign.key"), "--no-auto-issue",
            "--peer", b.endpoint, "--peer-id", b.hub_id, "--peer-province", b.province,
            "--peer-key", a.path("keys", "peer.pub"),
            "--peer-sign-key", a.path("keys", "peer.sign.pub"),
            "--peer-resend-ms", "300"] + list(extra)


def money_text(fen, unit="yuan"):
    """How a person reads an amount in Chinese (common/money.c): 元 below
    1万, then 万元, then 亿元, two decimals rounded half away from zero,
    thousands separated; people whole."""
    def group(n, dec):
        s = ("%d" % abs(n)).rjust(dec + 1, "0")
        whole, frac = (s[:-dec], s[-dec:]) if dec else (s, "")
        return ("-" if n < 0 else "") + "{:,}".format(int(whole)) + ("." + frac if dec else "")

    def hundredths(v, step):
        q, r = divmod(abs(v), step)
        q += 1 if r * 2 >= step else 0
        return q if v >= 0 else -q
    if unit != "yuan":
        return group(fen, 0) + "人"
    if abs(fen) >= 10 ** 10 or abs(hundredths(fen, 10 ** 4)) >= 10 ** 6:
        return group(hundredths(fen, 10 ** 8), 2) + "亿元"
    if abs(fen) >= 10 ** 6:
        return group(hundredths(fen, 10 ** 4), 2) + "万元"
    return group(fen, 2) + "元"


def hub_user(c, name, role, pw):
    """A dashboard user of c's hub, made with luyuctl --hub user add."""
    p = subprocess.run([os.path.join(BIN, "luyuctl"), "--hub", c.path("hub", "control.sock"),
                        "user", "add", name, "--role", role], input=(pw + "\n").encode(),
                       capture_output=True, timeout=120)
    check(p.returncode == 0, "a %s at the hub: %s" % (role, p.stderr.decode().strip()))
