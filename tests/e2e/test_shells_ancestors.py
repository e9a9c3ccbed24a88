"""Shell detection against real processes: /proc and psutil see the same ancestors."""

from __future__ import annotations

import os
import subprocess
import time

from awsmfa_exec.shells import detection


def test_proc_and_psutil_see_the_same_ancestors() -> None:
    import psutil

    # a shell whose child runs under a rewritten name, with a space, like a login shell's "-bash"
    script = 'exec -a "-my shell" sleep 30'
    with subprocess.Popen(["bash", "-c", f"{script} & wait"]) as parent:
        try:
            for _ in range(100):
                children = psutil.Process(parent.pid).children()
                if children and children[0].cmdline()[:1] == ["-my shell"]:
                    break
                time.sleep(0.05)
            pids = [os.getpid(), parent.pid, *(child.pid for child in children)]
            for pid in pids:
                assert list(detection._proc_ancestors(pid)) == list(
                    detection._psutil_ancestors(pid)
                )
            assert next(detection._proc_ancestors(children[0].pid)) == "my shell"
        finally:
            for child in psutil.Process(parent.pid).children():
                child.kill()
            parent.wait()
