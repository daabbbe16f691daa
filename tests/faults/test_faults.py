"""The fault-injection run (the `faults` gate of tools/run-tests.sh): the whole stack survives a flaky AWS.

site.yml runs through tests/faults/fault_proxy.py, which answers a seeded FAULTS_RATE (20 %) of the requests with
throttling, server errors, dropped connections or answers lost after the request reached the emulator (botocore
then sends the write again), in front of one emulator; a fault-free site.yml builds the same
inventory on a second emulator at the same time.  The two stacks must be equal (tests/faults/snapshot.py, ids
and times aside); then teardown.yml runs through the proxy too, and its sweep and a direct one must find nothing.
The proxy's counts go to tests/output/faults.json and into the test's output.

FAULTS_SEED (11), FAULTS_RATE (0.2) and FAULTS_KINDS (throttle,server,drop,drop_after; drop_after drops the answer
of a request that reached the emulator) choose the faults.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from fault_proxy import FaultProxy  # noqa: E402
from snapshot import differences, leftovers, take  # noqa: E402

PYTHON = ROOT / ".venv/bin/python"
PLAYBOOK = ROOT / ".venv/bin/ansible-playbook"
SEED = int(os.environ.get("FAULTS_SEED", "11"))
RATE = float(os.environ.get("FAULTS_RATE", "0.2"))
KINDS = os.environ.get("FAULTS_KINDS", "throttle,server,drop,drop_after").split(",")
ANSIBLE_ENV = {
    "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
    "ANSIBLE_COLLECTIONS_PATH": f"{ROOT}/.venv/collections:{ROOT}/.venv/lib/python3.11/site-packages",
    "ANSIBLE_FORCE_COLOR": "0",
    "NO_COLOR": "1",
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def emulator(action, port):
    subprocess.run([str(PYTHON), str(ROOT / "tools/emulator.py"), action, "--port", str(port)], check=True, cwd=ROOT,
                   capture_output=True, text=True)


def playbook(name, port, endpoint=None, log=None):
    """Start ansible-playbook on playbooks/<name> against the emulator on port (or the endpoint given)."""
    args = [str(PLAYBOOK), str(ROOT / "playbooks" / name), "-i", str(ROOT / "inventories/local")]
    if endpoint:
        args += ["-e", f"jwtpizza_aws_endpoint_url={endpoint}"]
    env = {**os.environ, **ANSIBLE_ENV, "EMULATOR_PORT": str(port)}
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def finish(process, log_path, what):
    rc = process.wait()
    if rc != 0:
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-40:])
        pytest.fail(f"{what} failed (rc {rc}); the end of {log_path}:\n{tail}")


@pytest.fixture
def emulators():
    ports = [free_port(), free_port()]
    started = []
    try:
        for port in ports:
            emulator("start", port)
            started.append(port)
        yield ports
    finally:
        for port in started:
            emulator("stop", port)


def test_stack_survives_injected_faults(emulators, capsys):
    faulty_port, clean_port = emulators
    out = ROOT / "tests/output"
    out.mkdir(parents=True, exist_ok=True)
    counts_path = out / "faults.json"
    env = yaml.safe_load((ROOT / "inventories/local/group_vars/all.yml").read_text())
    proxy = FaultProxy(f"http://127.0.0.1:{faulty_port}", seed=SEED, rate=RATE, kinds=KINDS, counts_path=counts_path).start()
    start = time.monotonic()
    try:
        logs = {name: out / f"faults-{name}.log" for name in ("site", "site-clean", "teardown")}
        with logs["site"].open("w") as faulty_log, logs["site-clean"].open("w") as clean_log:
            faulty = playbook("site.yml", faulty_port, proxy.url, faulty_log)
            clean = playbook("site.yml", clean_port, log=clean_log)
            finish(clean, logs["site-clean"], "the fault-free site.yml")
            finish(faulty, logs["site"], "site.yml through the fault proxy")
        built = time.monotonic() - start
        site_counts = proxy.counts.as_dict()

        faulty_stack = take(f"http://127.0.0.1:{faulty_port}", env)
        clean_stack = take(f"http://127.0.0.1:{clean_port}", env)
        (out / "faults-snapshot.json").write_text(json.dumps(faulty_stack, indent=2))
        (out / "faults-snapshot-clean.json").write_text(json.dumps(clean_stack, indent=2))
        assert faulty_stack["resources"], "the snapshot found no resources: it reads the wrong account"
        diff = differences(faulty_stack, clean_stack)
        assert not diff, "the stack built through the faults differs from the fault-free one:\n" + "\n".join(diff)

        with logs["teardown"].open("w") as log:
            finish(playbook("teardown.yml", faulty_port, proxy.url, log), logs["teardown"], "teardown.yml through the fault proxy")
        left = leftovers(f"http://127.0.0.1:{faulty_port}", env)
        assert left["count"] == 0, left["resources"]
    finally:
        proxy.shutdown()
        proxy.server_close()
    counts = {**proxy.counts.as_dict(), "site": site_counts, "seed": SEED, "rate": RATE, "kinds": KINDS,
              "site_seconds": round(built), "total_seconds": round(time.monotonic() - start)}
    counts_path.write_text(json.dumps(counts, indent=2))
    with capsys.disabled():
        print(f"\nfaults: {counts['faults']} of {counts['requests']} requests ({counts['faults_by_kind']}), "
              f"{counts['retried_after_fault']} retried, highest attempt {counts['max_attempt']}; "
              f"site.yml {counts['site_seconds']} s, all {counts['total_seconds']} s; details in {counts_path}")
