"""Benchmark the playbooks against the emulator: prints figures, asserts nothing.

  python tools/bench.py [--rounds N] [--hiding SECONDS ...]

For each round, on an emptied emulator (EMULATOR_PORT, started by `make bench`): site.yml on an empty account
(create), site.yml again (no change: the number that matters for CI re-runs), deploy_frontend.yml of the demo build
and of an identical rebuild with every mtime changed, teardown.yml, and teardown.yml again.  Each row gives the
wall time, the recap and the AWS API calls the run made (botocore client-side monitoring, tools/api_calls.py); the
no-op row compares its calls with the number of resources the stack holds (the floor is about one read each).

--hiding S (repeatable) measures how much of the certificate validation wait stays on the critical path: a fresh
emulator with MOTO_ACM_VALIDATION_WAIT=S for each S and one with 0, a first site.yml on each; ratio = (T_S - T_0) / S
(1.0: the wait is entirely on the critical path; 0: fully hidden behind other work).  A wait longer than the whole
run without one cannot be hidden: the floor printed beside each ratio says how much must stay.  Timings on a shared 2-core machine are
noisy: compare the rows of one run with each other, not with another run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_calls import Recorder

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "extras/demo-frontend/dist"


def playbook(name: str, *extra: str, port: str | None = None) -> tuple[float, str, int, list[dict]]:
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_FORCE_COLOR": "0",
           "ANSIBLE_COLLECTIONS_PATH": f"{ROOT}/.venv/collections:{ROOT}/.venv/lib/python3.11/site-packages"}
    if port:
        env["EMULATOR_PORT"] = port
    with Recorder() as recorder:
        start, started_at = time.monotonic(), time.time()
        run = subprocess.run([str(ROOT / ".venv/bin/ansible-playbook"), str(ROOT / "playbooks" / name), *extra],
                             capture_output=True, text=True, env={**env, **recorder.environment()}, check=False)
        elapsed = time.monotonic() - start
    if run.returncode:
        sys.exit(f"{name} failed:\n{run.stdout[-3000:]}")
    # Summed over the recap's hosts: site.yml and teardown.yml build the two stacks on hosts of their own.
    recap = [tuple(map(int, found)) for found in
             re.findall(r"ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=\d+\s+skipped=(\d+)", run.stdout)]
    text = "tasks={} changed={} skipped={}".format(*map(sum, zip(*recap, strict=True))) if recap else "?"
    # Each call's time since the start of the run (client-side monitoring stamps calls in epoch milliseconds).
    events = [dict(e, at=e["Timestamp"] / 1000 - started_at) for e in recorder.events
              if e.get("Type") == "ApiCall" and "Timestamp" in e]
    return elapsed, text, sum(recorder.calls().values()), events


def emulator(*args: str, env: dict | None = None) -> None:
    subprocess.run([sys.executable, str(ROOT / "tools/emulator.py"), *args], check=True, capture_output=True,
                   env={**os.environ, **(env or {})})


def resources() -> int:
    """Resources the stack holds: what the tagging API returns plus the kinds it does not (found by name)."""
    out = subprocess.run([sys.executable, str(ROOT / "tools/report.py"), "--json"], capture_output=True, text=True,
                         check=True).stdout
    found = json.loads(out)
    tagged = found.pop("tagged resources", [])
    by_name = [item for kind, items in found.items() if kind not in ("load balancers", "ecs task definitions")
               for item in items]
    return len(tagged) + len(by_name)


def hiding(waits: list[int]) -> None:
    """The hiding ratio of each wait S, and what bounds it: a wait of S seconds starts when the last certificate is
    requested (t_req) and ends S seconds later, so even with nothing left to do after it a run takes at least
    t_req + S, and at least (t_req + S - T_0) / S of the wait stays on the critical path (the floor) when the run
    without a wait (T_0) is shorter than that."""
    times, requested = {}, {}
    for wait in (*waits, 0):
        port = str(int(os.environ.get("EMULATOR_PORT", "5000")) + 40)
        emulator("start", "--port", port, env={"MOTO_ACM_VALIDATION_WAIT": str(wait)})
        try:
            times[wait], _recap, _calls, events = playbook("site.yml", port=port)
        finally:
            emulator("stop", "--port", port)
        requests = [e["at"] for e in events if e.get("Api") == "RequestCertificate"]
        requested[wait] = max(requests) if requests else float("nan")
        print(f"site.yml (create) with a {wait:3d} s validation wait: {times[wait]:6.1f} s "
              f"(last certificate requested at {requested[wait]:.1f} s)", flush=True)
    for wait in waits:
        ratio = (times[wait] - times[0]) / wait
        floor = max(0.0, (requested[wait] + wait - times[0]) / wait)
        after = times[wait] - (requested[wait] + wait)
        print(f"certificate-wait hiding ratio, {wait} s wait: {ratio:.2f} (goal <= 0.3); floor for this T_0 and "
              f"request time: {floor:.2f}; work left after the wait: {after:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--hiding", type=int, action="append", default=[], metavar="SECONDS")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jwtpizza-bench-"))
    rebuild = work / "dist"
    shutil.copytree(DIST, rebuild)
    for path in rebuild.rglob("*"):
        os.utime(path, (1_900_000_000, 1_900_000_000))
    steps = [
        ("site.yml (create)", "site.yml", ()),
        ("site.yml (no change)", "site.yml", ()),
        ("deploy_frontend.yml (first)", "deploy_frontend.yml", ("-e", f"frontend_deploy_dist={DIST}")),
        ("deploy_frontend.yml (identical)", "deploy_frontend.yml", ("-e", f"frontend_deploy_dist={rebuild}")),
        ("teardown.yml", "teardown.yml", ()),
        ("teardown.yml (nothing left)", "teardown.yml", ()),
    ]
    times: dict[str, list[float]] = {label: [] for label, _name, _extra in steps}
    for _round in range(args.rounds):
        emulator("reset")
        for label, name, extra in steps:
            elapsed, recap, calls, _events = playbook(name, *extra)
            times[label].append(elapsed)
            note = ""
            if label == "site.yml (no change)":
                count = resources()
                note = f"  ({count} resources: {calls / max(count, 1):.1f} calls each)"
            print(f"{label:34s} {elapsed:7.1f} s  {recap:34s} {calls:4d} AWS calls{note}", flush=True)
    if args.rounds > 1:
        print("median:")
        for label, values in times.items():
            print(f"{label:34s} {statistics.median(values):7.1f} s")
    create, nochange = statistics.median(times[steps[0][0]]), statistics.median(times[steps[1][0]])
    print(f"no-change / create ratio: {nochange / create:.2f}")
    if args.hiding:
        hiding(args.hiding)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
