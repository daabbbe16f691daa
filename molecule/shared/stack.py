"""What the molecule verify tests need: the environment of inventories/local and clients on the emulator."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import boto3
import yaml

ROOT = Path(__file__).resolve().parents[2]
# Playbooks run with this checkout as the collection, never a copy installed elsewhere.
ANSIBLE_ENV = {
    "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
    "ANSIBLE_COLLECTIONS_PATH": f"{ROOT}/.venv/collections:{ROOT}/.venv/lib/python3.11/site-packages",
    "ANSIBLE_FORCE_COLOR": "0",
    "NO_COLOR": "1",
}


@cache
def env() -> dict:
    data = yaml.safe_load((ROOT / "inventories/local/group_vars/all.yml").read_text())
    prefix = f"{data['jwtpizza_project']}-{data['jwtpizza_environment']}"
    return {
        **data,
        "prefix": prefix,
        "frontend_host": f"pizza.{data['jwtpizza_domain']}",
        "backend_host": f"pizza-service.{data['jwtpizza_domain']}",
        "tags": {"Project": data["jwtpizza_project"], "Environment": data["jwtpizza_environment"], "ManagedBy": "jwtpizza.cloud"},
    }


RECAP = re.compile(r"^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)", re.MULTILINE)


def changed_count(stdout: str) -> int:
    """The changes of a run, over every host of its recap (site.yml and teardown.yml build the frontend and the
    backend on hosts of their own); fails when the run printed no recap."""
    hosts = RECAP.findall(stdout)
    assert hosts, stdout[-2000:]
    return sum(int(changed) for _host, changed, _failed in hosts)


def client(service: str, region: str | None = None):
    return boto3.client(
        service,
        region_name=region or env()["jwtpizza_region"],
        endpoint_url=f"http://127.0.0.1:{os.environ['EMULATOR_PORT']}",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def tag_dict(tags, key="Key", value="Value") -> dict:
    return {t[key]: t[value] for t in tags or []}


def zone_id() -> str:
    domain = env()["jwtpizza_domain"] + "."
    zones = [z for z in client("route53").list_hosted_zones()["HostedZones"] if z["Name"] == domain]
    assert len(zones) == 1, f"expected one hosted zone {domain}, found {len(zones)}"
    return zones[0]["Id"].split("/")[-1]


def records(name: str) -> dict:
    """Record sets of one name, by type."""
    name = name.rstrip(".") + "."
    sets = client("route53").list_resource_record_sets(HostedZoneId=zone_id())["ResourceRecordSets"]
    return {r["Type"]: r for r in sets if r["Name"] == name}


def run_playbook(playbook: str, *extra: str, env_vars: dict | None = None):
    """Run one of the project's playbooks against this scenario's emulator; returns the CompletedProcess."""
    import subprocess

    return subprocess.run(
        ["ansible-playbook", "-i", str(ROOT / "inventories/local"), str(ROOT / "playbooks" / playbook), *extra],
        capture_output=True, text=True, check=False,
        env={**os.environ, **ANSIBLE_ENV, **(env_vars or {})},
    )


def assert_rejected_before_any_write(playbook: str, variable: str, extra_vars: str):
    """Bad input fails the play in a check, naming the variable, with nothing changed."""
    run = run_playbook(playbook, "-e", extra_vars)
    assert run.returncode != 0, run.stdout[-2000:]
    assert variable in run.stdout, run.stdout[-2000:]
    assert changed_count(run.stdout) == 0, run.stdout[-2000:]
