"""Benchmark the playbooks against the emulator: prints figures, asserts nothing.

  python tools/bench.py [--rounds N]

For each round: reset the emulator, then time site.yml on an empty account (create), site.yml again
(no change: the number that matters for CI re-runs), teardown.yml, and teardown.yml again.  Uses the
emulator on EMULATOR_PORT (started by `make bench`).  Timings on a shared 2-core machine are noisy:
compare the rows of one run with each other, not with another run.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = [("site.yml (create)", "site.yml"), ("site.yml (no change)", "site.yml"),
         ("teardown.yml", "teardown.yml"), ("teardown.yml (nothing left)", "teardown.yml")]


def playbook(name: str) -> tuple[float, str]:
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_FORCE_COLOR": "0"}
    start = time.monotonic()
    run = subprocess.run([str(ROOT / ".venv/bin/ansible-playbook"), str(ROOT / "playbooks" / name)],
                         capture_output=True, text=True, env=env, check=False)
    elapsed = time.monotonic() - start
    if run.returncode:
        sys.exit(f"{name} failed:\n{run.stdout[-3000:]}")
    recap = re.search(r"ok=(\d+)\s+changed=(\d+)", run.stdout)
    return elapsed, f"ok={recap.group(1)} changed={recap.group(2)}" if recap else "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    times: dict[str, list[float]] = {label: [] for label, _name in STEPS}
    for _round in range(args.rounds):
        subprocess.run([sys.executable, str(ROOT / "tools/emulator.py"), "reset"], check=True, capture_output=True)
        for label, name in STEPS:
            elapsed, recap = playbook(name)
            times[label].append(elapsed)
            print(f"{label:30s} {elapsed:7.1f} s  {recap}", flush=True)
    if args.rounds > 1:
        print("median:")
        for label, values in times.items():
            print(f"{label:30s} {statistics.median(values):7.1f} s")
    create, nochange = statistics.median(times[STEPS[0][0]]), statistics.median(times[STEPS[1][0]])
    print(f"no-change / create ratio: {nochange / create:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
