# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.ecs_cluster against moto's in-process ECS."""

from __future__ import annotations

import sys
from pathlib import Path

import boto3
import botocore.client
import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args
from moto import mock_aws

try:
    from ansible_collections.jwtpizza.cloud.plugins.modules import ecs_cluster
except ImportError:  # plain pytest from the checkout: the collection is linked under .venv/collections
    sys.path.insert(0, str(Path(__file__).resolve().parents[4] / ".venv" / "collections"))
    from ansible_collections.jwtpizza.cloud.plugins.modules import ecs_cluster

REGION = "us-west-2"
NAME = "jwt-pizza-dev-cluster"
TAGS = {"Project": "jwt-pizza", "Environment": "dev"}
WRITES = {
    "CreateCluster",
    "UpdateCluster",
    "PutClusterCapacityProviders",
    "TagResource",
    "UntagResource",
    "DeleteCluster",
}


class Exit(Exception):
    def __init__(self, result, failed):
        super().__init__(result)
        self.result = result
        self.failed = failed


@pytest.fixture(autouse=True)
def aws(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)

    def exit_json(self, **kwargs):
        raise Exit(kwargs, failed=False)

    def fail_json(self, **kwargs):
        raise Exit(kwargs, failed=True)

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    with mock_aws():
        yield


@pytest.fixture
def calls(monkeypatch):
    """Every AWS operation the module makes, as (name, params)."""
    made = []
    original = botocore.client.BaseClient._make_api_call

    def record(self, operation, params):
        made.append((operation, params))
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", record)
    return made


def writes(calls):
    return [name for name, _params in calls if name in WRITES]


def run(check_mode=False, **args):
    args = {"name": NAME, "tags": dict(TAGS), **args}
    if check_mode:
        args["_ansible_check_mode"] = True
    with patch_module_args(args), pytest.raises(Exit) as exc:
        ecs_cluster.main()
    return exc.value


def read():
    clusters = boto3.client("ecs").describe_clusters(clusters=[NAME], include=["TAGS", "SETTINGS"])["clusters"]
    return clusters[0] if clusters and clusters[0]["status"] == "ACTIVE" else None


def test_create_sets_everything_in_one_call(calls):
    out = run()
    assert not out.failed, out.result
    assert out.result["changed"] is True
    assert writes(calls) == ["CreateCluster"]
    cluster = out.result["cluster"]
    assert out.result["cluster_arn"] == cluster["cluster_arn"] == read()["clusterArn"]
    assert cluster["capacity_providers"] == ["FARGATE", "FARGATE_SPOT"]
    assert cluster["default_capacity_provider_strategy"] == [{"capacity_provider": "FARGATE", "weight": 1, "base": 0}]
    assert cluster["container_insights"] == "disabled"
    assert cluster["tags"] == TAGS
    assert out.result["diff"]["before"] == {}


def test_rerun_writes_nothing(calls):
    first = run()
    del calls[:]
    second = run()
    assert not second.failed, second.result
    assert second.result["changed"] is False
    assert writes(calls) == []
    assert second.result["cluster_arn"] == first.result["cluster_arn"]


def test_rerun_of_cluster_without_capacity_providers_writes_nothing(calls):
    # The read omits capacityProviders and defaultCapacityProviderStrategy when they are empty.
    run(capacity_providers=[], default_capacity_provider_strategy=[], tags={})
    assert "capacityProviders" not in read()
    del calls[:]
    again = run(capacity_providers=[], default_capacity_provider_strategy=[], tags={})
    assert not again.failed, again.result
    assert again.result["changed"] is False
    assert writes(calls) == []


def test_settings_change_updates_only_what_differs(calls):
    run()
    del calls[:]
    strategy = [
        {"capacity_provider": "FARGATE_SPOT", "weight": 3},
        {"capacity_provider": "FARGATE", "weight": 1, "base": 1},
    ]
    out = run(container_insights="enabled", default_capacity_provider_strategy=strategy, tags={"Project": "jwt-pizza"})
    assert out.result["changed"] is True
    assert sorted(writes(calls)) == ["PutClusterCapacityProviders", "UntagResource", "UpdateCluster"]
    cluster = read()
    assert cluster["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert {i["capacityProvider"]: i.get("base", 0) for i in cluster["defaultCapacityProviderStrategy"]} == {
        "FARGATE": 1,
        "FARGATE_SPOT": 0,
    }
    assert cluster["tags"] == [{"key": "Project", "value": "jwt-pizza"}]
    diff = out.result["diff"]
    assert diff["before"]["container_insights"] == "disabled"
    assert diff["after"]["container_insights"] == "enabled"
    del calls[:]
    again = run(container_insights="enabled", default_capacity_provider_strategy=strategy, tags={"Project": "jwt-pizza"})
    assert again.result["changed"] is False
    assert writes(calls) == []


def test_check_mode_writes_nothing(calls):
    created = run(check_mode=True)
    assert created.result["changed"] is True
    assert created.result["diff"]["after"]["capacity_providers"] == ["FARGATE", "FARGATE_SPOT"]
    assert read() is None
    run()
    del calls[:]
    changed = run(check_mode=True, container_insights="enabled")
    assert changed.result["changed"] is True
    assert changed.result["cluster"]["container_insights"] == "enabled"
    deleted = run(check_mode=True, state="absent")
    assert deleted.result["changed"] is True
    assert writes(calls) == []
    assert read()["settings"] == [{"name": "containerInsights", "value": "disabled"}]


def test_strategy_naming_unlisted_provider_fails_before_any_write(calls):
    out = run(capacity_providers=["FARGATE"], default_capacity_provider_strategy=[{"capacity_provider": "FARGATE_SPOT"}])
    assert out.failed
    assert "FARGATE_SPOT" in out.result["msg"]
    assert writes(calls) == []


def test_delete_then_missing_is_unchanged(calls):
    run()
    out = run(state="absent")
    assert out.result["changed"] is True
    assert out.result["diff"]["before"]["tags"] == TAGS
    assert read() is None  # moto keeps it as INACTIVE: the module must treat that as gone
    del calls[:]
    again = run(state="absent")
    assert again.result["changed"] is False
    assert writes(calls) == []
    recreated = run()
    assert recreated.result["changed"] is True
    assert read()["status"] == "ACTIVE"


def test_delete_refuses_while_services_remain(calls):
    run()
    ecs = boto3.client("ecs")
    ecs.register_task_definition(
        family="svc", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}]
    )
    ecs.create_service(cluster=NAME, serviceName="jwt-pizza-dev-service", taskDefinition="svc", desiredCount=0)
    ecs.create_service(cluster=NAME, serviceName="old", taskDefinition="svc", desiredCount=0)
    ecs.delete_service(cluster=NAME, service="old")
    del calls[:]
    out = run(state="absent")
    assert out.failed
    assert "jwt-pizza-dev-service (ACTIVE)" in out.result["msg"]
    assert "old" not in out.result["msg"]
    assert writes(calls) == []
    ecs.delete_service(cluster=NAME, service="jwt-pizza-dev-service")
    assert run(state="absent").result["changed"] is True
