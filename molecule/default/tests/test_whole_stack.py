"""The whole stack: check mode on an empty account and on the built stack, bad input, teardown in check mode."""

import os
import subprocess
import sys

import pytest
from stack import ROOT, client, run_playbook, tag_dict


def test_check_mode_on_an_empty_account_writes_nothing(empty_emulator):
    run = run_playbook("site.yml", "--check", "--diff")
    assert run.returncode == 0, run.stdout[-3000:]
    assert "changed=0 " not in run.stdout, "a check run on an empty account must report what it would create"
    report = subprocess.run([sys.executable, str(ROOT / "tools/report.py"), "--leftovers"],
                            capture_output=True, text=True, check=False, env=os.environ)
    assert report.returncode == 0, report.stdout


def test_teardown_in_check_mode_removes_nothing():
    """teardown.yml --check --diff on the built stack: it runs through every role (state absent) and deletes nothing."""
    before = subprocess.run([sys.executable, str(ROOT / "tools/report.py"), "--json"],
                            capture_output=True, text=True, check=True, env=os.environ).stdout
    run = run_playbook("teardown.yml", "--check", "--diff")
    assert run.returncode == 0, run.stdout[-3000:]
    assert "changed=0 " not in run.stdout, "a check run of teardown must report what it would remove"
    after = subprocess.run([sys.executable, str(ROOT / "tools/report.py"), "--json"],
                           capture_output=True, text=True, check=True, env=os.environ).stdout
    assert after == before


@pytest.mark.parametrize(("variable", "extra_vars"), [
    ("service_memory", '{"service_cpu": 256, "service_memory": 4096}'),
    ("cdn_aliases", '{"cdn_aliases": []}'),
])
def test_bad_input_of_either_stack_fails_before_the_first_write(empty_emulator, variable, extra_vars):
    """site.yml checks the input of both stacks before it builds either."""
    run = run_playbook("site.yml", "-e", extra_vars)
    assert run.returncode != 0 and variable in run.stdout, run.stdout[-2000:]
    report = subprocess.run([sys.executable, str(ROOT / "tools/report.py"), "--leftovers"],
                            capture_output=True, text=True, check=False, env=os.environ)
    assert report.returncode == 0, report.stdout


def test_check_mode_on_the_built_stack_reports_no_change():
    """A check run of site.yml right after converge: every role compares with what exists, nothing differs."""
    run = run_playbook("site.yml", "--check", "--diff", "-e", "@" + str(ROOT / "molecule/shared/vars/backend.yml"))
    assert run.returncode == 0, run.stdout[-3000:]
    assert "changed=0 " in run.stdout, run.stdout[-4000:]


def test_a_role_works_in_a_playbook_of_ones_own(empty_emulator, tmp_path):
    # The environment role, then only the bucket role: the role brings the connection itself.
    own = tmp_path / "own.yml"
    own.write_text("""
- name: A bucket of my own
  hosts: localhost
  gather_facts: false
  roles:
    - role: jwtpizza.cloud.jwtpizza
  tasks:
    - name: Create the bucket
      ansible.builtin.include_role:
        name: jwtpizza.cloud.bucket
      vars:
        bucket_name: my-own-jwtpizza-bucket
""")
    env_vars = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_FORCE_COLOR": "0"}
    run = subprocess.run(["ansible-playbook", "-i", str(ROOT / "inventories/local"), str(own)],
                         capture_output=True, text=True, check=False, env=env_vars)
    assert run.returncode == 0, run.stdout[-3000:]
    s3 = client("s3")
    assert "my-own-jwtpizza-bucket" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert tag_dict(s3.get_bucket_tagging(Bucket="my-own-jwtpizza-bucket")["TagSet"])["ManagedBy"] == "jwtpizza.cloud"
