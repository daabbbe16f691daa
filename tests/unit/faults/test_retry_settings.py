"""The retry settings live in one place (docs/real-aws.md "Retries and throttling"): the jwtpizza role publishes
AWS_RETRY_MODE/AWS_MAX_ATTEMPTS, every role applies them to its modules, and botocore honours them in the clients
of this collection's modules (no client sets retries of its own)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from ansible.module_utils.testing import patch_module_args
from botocore.exceptions import ClientError
from botocore.retries import standard

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests/faults"))

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _aws  # noqa: E402
from fault_proxy import FaultProxy  # noqa: E402


def blocks(tasks):
    for task in tasks or []:
        yield task
        for key in ("block", "rescue", "always"):
            yield from blocks(task.get(key))


def test_every_role_gives_its_modules_the_published_aws_environment():
    checked = 0
    for path in sorted(ROOT.glob("roles/*/tasks/*.yml")):
        for task in blocks(yaml.safe_load(path.read_text())):
            if "group/jwtpizza.cloud.aws" in (task.get("module_defaults") or {}):
                assert task.get("environment") == "{{ jwtpizza__aws_environment }}", f"{path.relative_to(ROOT)}: {task.get('name')}"
                checked += 1
    assert checked >= 10


def test_the_environment_role_publishes_the_retry_settings():
    tasks = yaml.safe_load((ROOT / "roles/jwtpizza/tasks/main.yml").read_text())
    published = next(t for t in tasks if "jwtpizza__aws_environment" in t.get("ansible.builtin.set_fact", {}))
    environment = published["ansible.builtin.set_fact"]["jwtpizza__aws_environment"]
    assert environment["AWS_RETRY_MODE"] == "{{ jwtpizza_aws_retry_mode }}"
    assert environment["AWS_MAX_ATTEMPTS"] == "{{ jwtpizza_aws_max_attempts | string }}"
    defaults = yaml.safe_load((ROOT / "roles/jwtpizza/defaults/main.yml").read_text())
    assert defaults["jwtpizza_aws_retry_mode"] == "standard" and defaults["jwtpizza_aws_max_attempts"] >= 10


def test_no_module_sets_botocore_retries_of_its_own():
    pattern = re.compile(r"retries\s*=\s*\{|max_attempts|retry_mode")
    offenders = [str(p.relative_to(ROOT)) for p in ROOT.glob("plugins/**/*.py") if pattern.search(p.read_text())]
    assert offenders == []


@pytest.mark.parametrize("attempts", [2, 5])
def test_module_clients_make_the_attempts_of_the_environment(monkeypatch, attempts):
    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", str(attempts))
    proxy = FaultProxy("http://127.0.0.1:9", rate=1.0, kinds=["throttle"]).start()
    try:
        args = {"endpoint_url": proxy.url, "access_key": "testing", "secret_key": "testing", "region": "us-west-2"}
        with patch_module_args(args):
            module = _aws.JwtPizzaModule(argument_spec={})
        with pytest.raises(ClientError):
            module.client("ecs").list_clusters()
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert proxy.counts.as_dict()["requests"] == attempts
