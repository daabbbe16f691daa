# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The network role's choice of the subnets' zones among those where Fargate runs, rendered by Ansible (no AWS call).

A tiny playbook gives the role's `fargate_zones` entry point the answer AWS documents for DescribeAvailabilityZones
(as amazon.aws.aws_az_info returns it: zone_name, zone_id, zone_type, state) and writes the subnets it would create.
Fargate runs only in usw1-az1 and usw1-az3 of us-west-1 and apne1-az1, apne1-az2 and apne1-az4 of ap-northeast-1
(AWS, "Supported Regions for Amazon ECS on AWS Fargate"); zone names map to other zone IDs in each account.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# This very tree as the collection: the checkout (linked by `make setup`), or tools/mutation.py's scratch copy.
IN_COPY = ROOT.parents[1].name == "ansible_collections"
COLLECTIONS = f"{ROOT.parents[2] if IN_COPY else ROOT / '.venv' / 'collections'}:{sysconfig.get_paths()['purelib']}"

PLAYBOOK = """
- name: Choose the subnets' zones
  hosts: localhost
  gather_facts: false
  roles:
    - role: jwtpizza.cloud.jwtpizza
  tasks:
    - name: Choose the zones
      ansible.builtin.include_role:
        name: jwtpizza.cloud.network
        tasks_from: fargate_zones
        public: true
    - name: Write the subnets
      ansible.builtin.copy:
        content: "{{ network__subnets | to_json }}"
        dest: "{{ out }}"
        mode: "0600"
"""


def zone(name, zone_id, zone_type="availability-zone"):
    return {"zone_name": name, "zone_id": zone_id, "zone_type": zone_type, "state": "available", "region_name": name[:-1]}


# An older account's us-west-1 (three zones, us-west-1a being usw1-az2) and ap-northeast-1 (apne1-az3 is 1b here).
US_WEST_1 = [zone("us-west-1a", "usw1-az2"), zone("us-west-1b", "usw1-az1"), zone("us-west-1c", "usw1-az3")]
AP_NORTHEAST_1 = [
    zone("ap-northeast-1a", "apne1-az4"),
    zone("ap-northeast-1b", "apne1-az3"),
    zone("ap-northeast-1c", "apne1-az1"),
    zone("ap-northeast-1d", "apne1-az2"),
]
US_WEST_2 = [zone("us-west-2a", "usw2-az1"), zone("us-west-2b", "usw2-az2"), zone("us-west-2-lax-1a", "usw2-lax1-az1", "local-zone")]


def choose(tmp_path, region, zones, **extra):
    playbook = tmp_path / "zones.yml"
    playbook.write_text(PLAYBOOK)
    out = tmp_path / "out.json"
    extra_vars = {
        "jwtpizza_project": "jwt-pizza", "jwtpizza_environment": "dev", "jwtpizza_domain": "jwtpizza.example.com",
        "jwtpizza_region": region, "network__zones": {"availability_zones": zones}, "out": str(out),
        "ansible_python_interpreter": sys.executable, **extra,
    }
    bin_dir = Path(sys.executable).parent
    run = subprocess.run(
        [str(bin_dir / "ansible-playbook"), "-i", "localhost,", "-c", "local", str(playbook), "-e", json.dumps(extra_vars)],
        capture_output=True, text=True, cwd=ROOT, check=False,
        env={**os.environ, "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS, "ANSIBLE_FORCE_COLOR": "0", "NO_COLOR": "1",
             **({"ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")} if (ROOT / "ansible.cfg").exists() else {})},
    )
    return run, (json.loads(out.read_text()) if run.returncode == 0 else None)


def test_zones_where_fargate_does_not_run_are_skipped(tmp_path):
    run, subnets = choose(tmp_path, "us-west-1", US_WEST_1)
    assert run.returncode == 0, run.stdout + run.stderr
    assert [s["availability_zone"] for s in subnets] == ["us-west-1b", "us-west-1c"]
    run, subnets = choose(tmp_path, "ap-northeast-1", AP_NORTHEAST_1, network_public_subnet_count=3)
    assert run.returncode == 0, run.stdout + run.stderr
    assert [s["availability_zone"] for s in subnets] == ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]


def test_every_availability_zone_counts_where_fargate_runs_in_all(tmp_path):
    run, subnets = choose(tmp_path, "us-west-2", US_WEST_2)
    assert run.returncode == 0, run.stdout + run.stderr
    assert subnets == [
        {"cidr": "10.42.0.0/24", "availability_zone": "us-west-2a"},
        {"cidr": "10.42.1.0/24", "availability_zone": "us-west-2b"},
    ]


def test_a_listed_zone_where_fargate_does_not_run_fails_naming_the_variable(tmp_path):
    run, subnets = choose(tmp_path, "us-west-1", US_WEST_1, network_availability_zones=["us-west-1a", "us-west-1b"])
    assert run.returncode != 0 and subnets is None
    assert 'network_availability_zones lists ["us-west-1a"], where Fargate does not run' in run.stdout


def test_fewer_than_two_zones_left_fails_naming_the_variable(tmp_path):
    run, subnets = choose(tmp_path, "us-west-1", US_WEST_1[:2])
    assert run.returncode != 0 and subnets is None
    assert "us-west-1 has fewer than two available zones where Fargate runs" in run.stdout
    assert "set network_availability_zones" in run.stdout
