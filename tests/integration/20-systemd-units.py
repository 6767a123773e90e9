"""The systemd units as an admin gets them: `cmake --install` puts the unit
files, sysusers.d and tmpfiles.d files under the prefix; the units say
Type=notify with a watchdog, restart on failure, reload with SIGHUP and run
as luyu with their state directories, /etc/luyu left read-only; `systemd-analyze
verify` finds nothing to say about them; `systemd-analyze security
--offline=yes` scores each at 2.0 or lower; the sysusers/tmpfiles
files create the user and /etc/luyu/keys; and the example configs are
secure by default (no `insecure`, key and registry paths absolute under
/etc/luyu). Skipped (exit 77) where systemd-analyze is absent. The units
at work under a running systemd: tests/systemd/01-live.py."""
import atexit
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

from luyutest import BIN, Failure, check, run, say, skip

MAX_EXPOSURE = 2.0
UNITS = ("luyu-hub.service", "luyu-node@.service")


def sh(argv, timeout=120):
    p = subprocess.run(argv, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def installed_binary(prefix, name):
    hits = [p for p in glob.glob(os.path.join(prefix, "**", name), recursive=True)
            if os.access(p, os.X_OK) and os.path.isfile(p)]
    if not hits:
        raise Failure("cmake --install put no %s under %s" % (name, prefix))
    return hits[0]


def check_unit_text(name, text):
    """The settings the issue asks for, as they appear in the file."""
    daemon = "luyu-hub" if "hub" in name else "luyu-node"
    config = "/etc/luyu/hub.ini" if "hub" in name else "/etc/luyu/node-%i.ini"
    state = "luyu-hub" if "hub" in name else "luyu-node/%i"
    want = ["Type=notify", "NotifyAccess=main", "Restart=on-failure", "WatchdogSec=30s",
            "ExecReload=/bin/sh -c 'kill -HUP $MAINPID'", "User=luyu", "StateDirectory=" + state,
            "NoNewPrivileges=yes", "ProtectSystem=strict",
            "RestartPreventExitStatus=78", "WantedBy=multi-user.target",
            "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK",
            "SystemCallFilter=sched_setscheduler"]
    lines = set(l.strip() for l in text.splitlines())
    missing = [w for w in want if w not in lines]
    check(not missing, "%s sets %s" % (name, ", ".join(w.split("=")[0] for w in want))
          if not missing else "%s lacks %s" % (name, missing))
    # ConfigurationDirectory= would make /etc/luyu, with the daemon's own
    # key files, writable inside the sandbox.
    check(not re.search(r"^(ConfigurationDirectory|ReadWritePaths)=", text, re.M),
          "%s leaves /etc/luyu read-only (no ConfigurationDirectory=, ReadWritePaths=)" % name)
    m = re.search(r"^ExecStart=(\S+) (.*)$", text, re.M)
    check(m is not None and os.path.isabs(m.group(1)) and
          os.path.basename(m.group(1)) == daemon and "--config " + config in m.group(2),
          "%s runs %s with --config %s" % (name, m.group(1) if m else "?", config))
    return m.group(1)


def check_examples(exdir):
    """What an admin copies to /etc/luyu: CurveZMQ, and every file it names
    an absolute path under /etc/luyu (the daemons run in /)."""
    want = {"hub.ini": ("secret_key", "registry"), "node.ini": ("secret_key", "hub_key")}
    for name, keys in want.items():
        with open(os.path.join(exdir, name)) as f:
            settings = dict(re.findall(r"^(\w+)\s*=\s*(.*?)\s*$", f.read(), re.M))
        check("insecure" not in settings, "example %s does not set insecure" % name)
        bad = [k for k in keys if not settings.get(k, "").startswith("/etc/luyu/")]
        check(not bad, "example %s names %s under /etc/luyu" % (name, ", ".join(keys)) if not bad
              else "example %s: %s not an absolute path under /etc/luyu" % (name, bad))
    with open(os.path.join(exdir, "registry.ini")) as f:
        check(all(l.startswith("#") or not l.strip() for l in f),
              "example registry.ini is installed, all comments (no key is trusted by default)")


def main():
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        skip("systemd-analyze is not installed")
    cmake = shutil.which("cmake")
    if cmake is None:
        raise Failure("cmake is not on PATH")
    tmp = tempfile.mkdtemp(prefix="luyu-units-")
    if not os.environ.get("LUYU_KEEP_TMP"):
        atexit.register(shutil.rmtree, tmp, True)
    prefix = os.path.join(tmp, "prefix")
    rc, out, err = sh([cmake, "--install", BIN, "--prefix", prefix])
    check(rc == 0, "cmake --install %s --prefix %s (exit %d) %s" % (BIN, prefix, rc, err[-500:]))

    check_examples(os.path.join(prefix, "share", "luyu", "examples"))
    unitdir = os.path.join(prefix, "lib", "systemd", "system")
    for f in [os.path.join(unitdir, u) for u in UNITS] + [
            os.path.join(prefix, "lib", "sysusers.d", "luyu.conf"),
            os.path.join(prefix, "lib", "tmpfiles.d", "luyu.conf")]:
        check(os.path.isfile(f), "installed " + os.path.relpath(f, prefix))

    # The units name the configured bin directory; point them at this
    # install so that verify finds the daemons where ExecStart says.
    testdir = os.path.join(tmp, "units")
    os.makedirs(testdir)
    paths = []
    for u in UNITS:
        with open(os.path.join(unitdir, u)) as f:
            text = f.read()
        exe = check_unit_text(u, text)
        local = installed_binary(prefix, os.path.basename(exe))
        text = text.replace("ExecStart=%s " % exe, "ExecStart=%s " % local)
        path = os.path.join(testdir, u)
        with open(path, "w") as f:
            f.write(text)
        paths.append(path)
    # An instance of the template, as an admin starts it.
    instance = os.path.join(testdir, "luyu-node@cq-wanzhou.service")
    shutil.copy(paths[1], instance)
    paths.append(instance)

    for p in paths:
        rc, out, err = sh([analyze, "verify", p])
        said = [l for l in (out + err).splitlines() if "luyu" in l]
        check(rc == 0 and not said, "systemd-analyze verify %s: exit %d, %s" % (
            os.path.basename(p), rc, "\n".join(said) or "nothing to complain about"))

    for p in paths:
        rc, out, err = sh([analyze, "security", "--offline=yes", p])
        m = re.search(r"Overall exposure level for \S+: (\d+(?:\.\d+)?)", out + err)
        if m is None:
            raise Failure("no exposure level from systemd-analyze security %s (exit %d):\n%s%s"
                          % (p, rc, out[-2000:], err[-2000:]))
        level = float(m.group(1))
        if level > MAX_EXPOSURE:
            worst = [l for l in out.splitlines() if l.startswith("✗")]
            raise Failure("%s exposure %.1f > %.1f; open points:\n%s" % (
                os.path.basename(p), level, MAX_EXPOSURE, "\n".join(worst)))
        check(True, "systemd-analyze security: %s scores %.1f (limit %.1f)" % (
            os.path.basename(p), level, MAX_EXPOSURE))

    sysusers, tmpfiles = shutil.which("systemd-sysusers"), shutil.which("systemd-tmpfiles")
    if os.geteuid() != 0 or sysusers is None or tmpfiles is None:
        say("  (not root or no systemd-sysusers/tmpfiles: sysusers/tmpfiles files not applied)")
        return
    root = os.path.join(tmp, "root")
    os.makedirs(os.path.join(root, "etc"))
    rc, out, err = sh([sysusers, "--root=" + root,
                       os.path.join(prefix, "lib", "sysusers.d", "luyu.conf")])
    with open(os.path.join(root, "etc", "passwd")) as f:
        pw = [l.split(":") for l in f.read().splitlines() if l.startswith("luyu:")]
    check(rc == 0 and len(pw) == 1 and pw[0][6].endswith("nologin"),
          "sysusers.d creates the system user luyu with no login shell")
    gid = int(pw[0][3])
    rc, out, err = sh([tmpfiles, "--root=" + root, "--create",
                       os.path.join(prefix, "lib", "tmpfiles.d", "luyu.conf")])
    st = os.stat(os.path.join(root, "etc", "luyu", "keys"))
    check(rc == 0 and st.st_mode & 0o7777 == 0o750 and st.st_uid == 0 and st.st_gid == gid,
          "tmpfiles.d creates /etc/luyu/keys root:luyu 0750 (%s)" % (err.strip() or "ok"))


run(main)
