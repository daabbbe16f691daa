"""execution-environment.yml (ansible-builder, for AWX) pins what requirements.txt (the lock) pins."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def test_every_pin_of_the_execution_environment_is_the_locked_one():
    ee = yaml.safe_load((ROOT / "execution-environment.yml").read_text())
    deps = ee["dependencies"]
    wanted = [*deps["python"], deps["ansible_core"]["package_pip"]]
    locked = lock()
    for requirement in wanted:
        name, _sep, version = requirement.partition("==")
        assert version, f"{requirement} is not pinned"
        assert locked.get(name.lower()) == version, f"{requirement}: the lock has {locked.get(name.lower())}"
    assert {"ansible", "ansible-core", "boto3", "botocore"} <= {r.partition("==")[0] for r in wanted}
