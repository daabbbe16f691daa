"""A site.yml killed part-way leaves nothing that teardown.yml cannot remove."""

import os
import signal
import subprocess
import sys

import pytest
from stack import ANSIBLE_ENV, ROOT, changed_count, client, env, run_playbook


def distributions():
    items = client("cloudfront").list_distributions()["DistributionList"].get("Items", [])
    return [d["Id"] for d in items if d.get("Comment") == f"{env()['prefix']}-frontend"]


def services():
    found = client("ecs").describe_services(cluster=f"{env()['prefix']}-cluster", services=[f"{env()['prefix']}-service"])
    return [s["serviceArn"] for s in found["services"] if s["status"] == "ACTIVE"]


# Kill right after a named task finished, so the run provably left resources behind: the distribution
# without its bucket policy and records; the service without its autoscaling and records.
@pytest.mark.parametrize(("task", "left_behind"), [
    ("jwtpizza.cloud.cdn : Create the distribution", distributions),
    ("jwtpizza.cloud.service : Register the task definition", services),
])
def test_teardown_after_a_site_run_killed_after_a_task(empty_emulator, task, left_behind):
    env_vars = {**os.environ, **ANSIBLE_ENV, "PYTHONUNBUFFERED": "1"}
    site = subprocess.Popen(["ansible-playbook", "-i", str(ROOT / "inventories/local"), str(ROOT / "playbooks/site.yml")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env_vars,
                            start_new_session=True)
    seen, output = False, []
    try:
        for line in site.stdout:
            output.append(line)
            seen = seen or line.startswith(f"TASK [{task}")
            if seen and line.startswith(("ok: [", "changed: [")):
                break
    finally:
        os.killpg(site.pid, signal.SIGKILL)
        site.wait()
    assert seen, "".join(output[-40:])
    assert left_behind(), f"nothing of {task!r} existed when site.yml was killed"
    first = run_playbook("teardown.yml")
    assert first.returncode == 0, first.stdout[-3000:]
    assert not left_behind()
    second = run_playbook("teardown.yml")
    assert second.returncode == 0 and changed_count(second.stdout) == 0, second.stdout[-3000:]
    report = subprocess.run([sys.executable, str(ROOT / "tools/report.py"), "--leftovers"],
                            capture_output=True, text=True, check=False, env=os.environ)
    assert report.returncode == 0, report.stdout
