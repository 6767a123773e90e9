"""An installed binary never reads the plan in the source tree: without
--plan or $LUYU_PLAN it uses the installed plan, and when that is missing it
says so and stops, naming the path, even though the checkout it was built
from is still there. Only binaries run from their build directory (tests,
the demo) fall back to etc/plan-2018-2020.ini in the source tree."""
import os
import shutil
import subprocess
import tempfile

from luyutest import BIN, PLAN, check, run, say, skip


def sh(argv, env):
    p = subprocess.run(argv, capture_output=True, timeout=60, env=env,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def main():
    env = {k: v for k, v in os.environ.items() if k != "LUYU_PLAN"}
    tmp = tempfile.mkdtemp(prefix="luyu-installed-")
    try:
        for b in ("luyuctl", "luyu-hub"):
            shutil.copy(os.path.join(BIN, b), os.path.join(tmp, b))
        rc, out, err = sh([os.path.join(BIN, "luyuctl"), "plan"], env)
        check(rc == 0 and "cq-wanzhou" in out,
              "luyuctl in the build directory reads the source tree's plan")
        rc, out, err = sh([os.path.join(tmp, "luyuctl"), "plan"], env)
        if rc == 0:
            skip("a plan is installed on this machine; the fallback cannot be seen")
        check(rc != 0 and "/share/luyu/plan-2018-2020.ini" in err and PLAN not in err,
              "an installed luyuctl names the installed plan: " + err.strip())
        rc, out, err = sh([os.path.join(tmp, "luyu-hub"), "--id", "h", "--listen",
                           "tcp://127.0.0.1:1", "--state-dir", os.path.join(tmp, "state"),
                           "--insecure"], env)
        check(rc == 78 and "/share/luyu/plan-2018-2020.ini" in err,
              "an installed luyu-hub refuses to start without its plan (exit 78, "
              "EX_CONFIG): "
              + err.strip().splitlines()[-1])
        rc, out, err = sh([os.path.join(tmp, "luyuctl"), "plan"], dict(env, LUYU_PLAN=PLAN))
        check(rc == 0 and "cq-wanzhou" in out, "$LUYU_PLAN still chooses a plan explicitly")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


run(main)
