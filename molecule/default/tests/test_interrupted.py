"""A site.yml killed part-way leaves nothing that teardown.yml cannot remove."""

import os
import signal
import subprocess
import sys

import pytest
from stack import ROOT, run_playbook


@pytest.mark.parametrize("seconds", [8, 20])
def test_teardown_after_a_site_run_killed_part_way(empty_emulator, seconds):
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_FORCE_COLOR": "0"}
    site = subprocess.Popen(["ansible-playbook", "-i", str(ROOT / "inventories/local"), str(ROOT / "playbooks/site.yml")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    try:
        site.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(site.pid, signal.SIGKILL)
        site.wait()
    first = run_playbook("teardown.yml")
    assert first.returncode == 0, first.stdout[-3000:]
    second = run_playbook("teardown.yml")
    assert second.returncode == 0 and "changed=0 " in second.stdout, second.stdout[-3000:]
    report = subprocess.run([sys.executable, str(ROOT / "tools/report.py"), "--leftovers"],
                            capture_output=True, text=True, check=False, env=os.environ)
    assert report.returncode == 0, report.stdout
