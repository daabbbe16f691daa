"""The whole stack: check mode on an empty account and on the built stack, bad input, teardown in check mode."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from stack import ANSIBLE_ENV, ROOT, changed_count, client, run_playbook, tag_dict


def test_check_mode_on_an_empty_account_writes_nothing(empty_emulator):
    run = run_playbook("site.yml", "--check", "--diff")
    assert run.returncode == 0, run.stdout[-3000:]
    assert changed_count(run.stdout) > 0, "a check run on an empty account must report what it would create"
    report = subprocess.run([sys.executable, str(ROOT / "tools/report.py"), "--leftovers"],
                            capture_output=True, text=True, check=False, env=os.environ)
    assert report.returncode == 0, report.stdout


def test_teardown_in_check_mode_removes_nothing():
    """teardown.yml --check --diff on the built stack: it runs through every role (state absent) and deletes nothing."""
    before = subprocess.run([sys.executable, str(ROOT / "tools/report.py"), "--json"],
                            capture_output=True, text=True, check=True, env=os.environ).stdout
    run = run_playbook("teardown.yml", "--check", "--diff")
    assert run.returncode == 0, run.stdout[-3000:]
    assert changed_count(run.stdout) > 0, "a check run of teardown must report what it would remove"
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
    assert changed_count(run.stdout) == 0, run.stdout[-4000:]


@pytest.mark.parametrize(("setting", "task", "shown"), [
    ("cdn_price_class=PriceClass_All", "jwtpizza.cloud.cdn : Create the distribution", "PriceClass_All"),
    ("service_log_retention_days=14", "jwtpizza.cloud.service : Create the log group of the containers", "14"),
    ("service_max_count=6", "jwtpizza.cloud.service : Register the autoscaling target", "6"),
])
def test_the_plan_of_one_changed_setting_shows_exactly_that_change(setting, task, shown):
    """site.yml --check --diff on the built stack with one setting changed: one task changes, its diff names the new
    value, and nothing is written (the next check run without the change is clean again)."""
    backend = "@" + str(ROOT / "molecule/shared/vars/backend.yml")
    before = subprocess.run([sys.executable, str(ROOT / "tools/report.py"), "--json"],
                            capture_output=True, text=True, check=True, env=os.environ).stdout
    # The progress callback prints each changed task's diff right under it (with the default callback and the free
    # strategy, the other stack's lines may come between a diff and its task: `make plan` uses this one).
    run = run_playbook("site.yml", "--check", "--diff", "-e", backend, "-e", setting,
                       env_vars={"ANSIBLE_STDOUT_CALLBACK": "jwtpizza.cloud.progress"})
    assert run.returncode == 0, run.stdout[-3000:]
    assert changed_count(run.stdout) == 1, run.stdout[-4000:]
    changed = [block for block in re.split(r"\n\s*\d+\.\ds  ", run.stdout) if block.startswith("  changed: ")]
    assert len(changed) == 1 and task in changed[0].splitlines()[0], changed
    assert "+++ after" in changed[0] and shown in changed[0].split("+++ after", 1)[1], changed[0][:2000]
    after = subprocess.run([sys.executable, str(ROOT / "tools/report.py"), "--json"],
                           capture_output=True, text=True, check=True, env=os.environ).stdout
    assert after == before


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
    env_vars = {**os.environ, **ANSIBLE_ENV}
    run = subprocess.run(["ansible-playbook", "-i", str(ROOT / "inventories/local"), str(own)],
                         capture_output=True, text=True, check=False, env=env_vars)
    assert run.returncode == 0, run.stdout[-3000:]
    s3 = client("s3")
    assert "my-own-jwtpizza-bucket" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert tag_dict(s3.get_bucket_tagging(Bucket="my-own-jwtpizza-bucket")["TagSet"])["ManagedBy"] == "jwtpizza.cloud"


def test_the_playbooks_run_this_checkout_of_the_collection():
    # A copy installed elsewhere (ansible-lint or molecule prerun write one to ~/.ansible/collections) must never be
    # what the scenarios test.
    listed = subprocess.run(["ansible-galaxy", "collection", "list", "jwtpizza.cloud", "--format", "json"],
                            capture_output=True, text=True, check=True, env={**os.environ, **ANSIBLE_ENV}).stdout
    paths = [path for path, collections in json.loads(listed).items() if "jwtpizza.cloud" in collections]
    assert paths and Path(paths[0]).resolve() == (ROOT / ".venv/collections/ansible_collections").resolve(), paths


def test_a_second_environment_lives_beside_the_first_and_leaves_nothing(tmp_path):
    """qa beside the built dev in one account and region: build it, tear it down (the teardown's own sweep fails on any
    leftover of qa), and dev is intact and still changes nothing."""
    backend = "@" + str(ROOT / "molecule/shared/vars/backend.yml")
    qa = ["-e", '{"jwtpizza_environment": "qa", "jwtpizza_domain": "qa.jwtpizza.example.com"}']
    before = subprocess.run([sys.executable, str(ROOT / "tools/report.py"), "--json"],
                            capture_output=True, text=True, check=True, env=os.environ).stdout
    built = run_playbook("site.yml", *qa)
    assert built.returncode == 0, built.stdout[-3000:]
    assert [name for name in client("ecr").describe_repositories()["repositories"]
            if name["repositoryName"] == "jwt-pizza-qa-service"]
    removed = run_playbook("teardown.yml", *qa)
    assert removed.returncode == 0, removed.stdout[-3000:]
    assert "Nothing of jwt-pizza-qa is left" in removed.stdout, removed.stdout[-3000:]
    after = subprocess.run([sys.executable, str(ROOT / "tools/report.py"), "--json"],
                           capture_output=True, text=True, check=True, env=os.environ).stdout
    assert after == before
    again = run_playbook("site.yml", "-e", backend)
    assert again.returncode == 0 and changed_count(again.stdout) == 0, again.stdout[-3000:]
