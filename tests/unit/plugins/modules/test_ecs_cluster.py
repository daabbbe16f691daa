# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.ecs_cluster against moto's in-process ECS."""

from __future__ import annotations

import time

import boto3
import pytest

from ansible_collections.jwtpizza.cloud.plugins.modules import ecs_cluster

pytestmark = pytest.mark.usefixtures("moto_aws")
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


@pytest.fixture
def aws_region():
    """These tests work in REGION, not in the conftest's default region."""
    return REGION


@pytest.fixture
def run(module_exit):
    """run(check_mode=False, **args) -> ModuleExit: the cluster NAME with TAGS, updated with args (and --diff)."""
    return lambda check_mode=False, **args: module_exit(
        ecs_cluster, {"name": NAME, "tags": dict(TAGS), "_ansible_diff": True, **args}, check_mode
    )


def writes(api_calls):
    return [name for name, _params in api_calls if name in WRITES]


def read():
    clusters = boto3.client("ecs").describe_clusters(clusters=[NAME], include=["TAGS", "SETTINGS"])["clusters"]
    return clusters[0] if clusters and clusters[0]["status"] == "ACTIVE" else None


def test_create_sets_everything_in_one_call(api_calls, run):
    out = run()
    assert not out.failed, out.result
    assert out.result["changed"] is True
    assert writes(api_calls) == ["CreateCluster"]
    cluster = out.result["cluster"]
    assert out.result["cluster_arn"] == cluster["cluster_arn"] == read()["clusterArn"]
    assert cluster["capacity_providers"] == ["FARGATE", "FARGATE_SPOT"]
    assert cluster["default_capacity_provider_strategy"] == [{"capacity_provider": "FARGATE", "weight": 1, "base": 0}]
    assert cluster["container_insights"] == "disabled"
    assert cluster["tags"] == TAGS
    assert out.result["diff"]["before"] == {}


def test_rerun_writes_nothing(api_calls, run):
    first = run()
    del api_calls[:]
    second = run()
    assert not second.failed, second.result
    assert second.result["changed"] is False
    assert writes(api_calls) == []
    assert second.result["cluster_arn"] == first.result["cluster_arn"]


def test_rerun_of_cluster_without_capacity_providers_writes_nothing(api_calls, run):
    # The read omits capacityProviders and defaultCapacityProviderStrategy when they are empty.
    run(capacity_providers=[], default_capacity_provider_strategy=[], tags={})
    assert "capacityProviders" not in read()
    del api_calls[:]
    again = run(capacity_providers=[], default_capacity_provider_strategy=[], tags={})
    assert not again.failed, again.result
    assert again.result["changed"] is False
    assert writes(api_calls) == []


def test_settings_change_updates_only_what_differs(api_calls, run):
    run()
    del api_calls[:]
    strategy = [
        {"capacity_provider": "FARGATE_SPOT", "weight": 3},
        {"capacity_provider": "FARGATE", "weight": 1, "base": 1},
    ]
    out = run(container_insights="enabled", default_capacity_provider_strategy=strategy, tags={"Project": "jwt-pizza"})
    assert out.result["changed"] is True
    assert sorted(writes(api_calls)) == ["PutClusterCapacityProviders", "UntagResource", "UpdateCluster"]
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
    del api_calls[:]
    again = run(container_insights="enabled", default_capacity_provider_strategy=strategy, tags={"Project": "jwt-pizza"})
    assert again.result["changed"] is False
    assert writes(api_calls) == []


def test_check_mode_writes_nothing(api_calls, run):
    created = run(check_mode=True)
    assert created.result["changed"] is True
    assert created.result["diff"]["after"]["capacity_providers"] == ["FARGATE", "FARGATE_SPOT"]
    assert read() is None
    run()
    del api_calls[:]
    changed = run(check_mode=True, container_insights="enabled")
    assert changed.result["changed"] is True
    assert changed.result["cluster"]["container_insights"] == "enabled"
    deleted = run(check_mode=True, state="absent")
    assert deleted.result["changed"] is True
    assert writes(api_calls) == []
    assert read()["settings"] == [{"name": "containerInsights", "value": "disabled"}]


def test_strategy_naming_unlisted_provider_fails_before_any_write(api_calls, run):
    out = run(capacity_providers=["FARGATE"], default_capacity_provider_strategy=[{"capacity_provider": "FARGATE_SPOT"}])
    assert out.failed
    assert "FARGATE_SPOT" in out.result["msg"]
    assert writes(api_calls) == []


def test_delete_then_missing_is_unchanged(api_calls, run):
    run()
    out = run(state="absent")
    assert out.result["changed"] is True
    assert out.result["diff"]["before"]["tags"] == TAGS
    assert read() is None  # moto keeps it as INACTIVE: the module must treat that as gone
    del api_calls[:]
    again = run(state="absent")
    assert again.result["changed"] is False
    assert writes(api_calls) == []
    recreated = run()
    assert recreated.result["changed"] is True
    assert read()["status"] == "ACTIVE"


def test_delete_refuses_while_services_remain(api_calls, run):
    run()
    ecs = boto3.client("ecs")
    ecs.register_task_definition(
        family="svc", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}]
    )
    ecs.create_service(cluster=NAME, serviceName="jwt-pizza-dev-service", taskDefinition="svc", desiredCount=0)
    ecs.create_service(cluster=NAME, serviceName="old", taskDefinition="svc", desiredCount=0)
    ecs.delete_service(cluster=NAME, service="old")
    del api_calls[:]
    # A check run of teardown.yml has not removed the services it would remove first: it reports the delete.
    checked = run(check_mode=True, state="absent")
    assert not checked.failed and checked.result["changed"] is True
    assert writes(api_calls) == []
    out = run(state="absent")
    assert out.failed
    assert "jwt-pizza-dev-service (ACTIVE)" in out.result["msg"]
    assert "old" not in out.result["msg"]
    assert writes(api_calls) == []
    ecs.delete_service(cluster=NAME, service="jwt-pizza-dev-service")
    assert run(state="absent").result["changed"] is True


def test_one_base_above_zero_is_allowed_two_are_not(api_calls, run):
    strategy = [
        {"capacity_provider": "FARGATE", "weight": 1, "base": 1},
        {"capacity_provider": "FARGATE_SPOT", "weight": 3, "base": 0},
    ]
    out = run(default_capacity_provider_strategy=strategy)
    assert not out.failed, out.result
    strategy[1]["base"] = 2
    out = run(default_capacity_provider_strategy=strategy)
    assert out.failed
    assert out.result["msg"] == "default_capacity_provider_strategy: only one item may set base above 0"


def test_services_are_described_ten_at_a_time(stubbed_clients, module_exit):
    """DescribeServices takes at most ten services: eleven need two calls, and every active one is named."""
    stubs = stubbed_clients("ecs")
    arn = f"arn:aws:ecs:{REGION}:123456789012:cluster/{NAME}"
    stubs["ecs"].add_response("describe_clusters", {"clusters": [{"clusterName": NAME, "clusterArn": arn, "status": "ACTIVE"}]})
    services = [f"arn:aws:ecs:{REGION}:123456789012:service/{NAME}/s{i}" for i in range(11)]
    stubs["ecs"].add_response("list_services", {"serviceArns": services})
    for batch in (services[:10], services[10:]):
        described = [{"serviceName": a.rsplit("/", 1)[1], "status": "ACTIVE"} for a in batch]
        stubs["ecs"].add_response("describe_services", {"services": described, "failures": []}, {"cluster": NAME, "services": batch})
    out = module_exit(ecs_cluster, {"name": NAME, "state": "absent"})
    assert out.failed
    assert "s0 (ACTIVE)" in out.result["msg"] and "s10 (ACTIVE)" in out.result["msg"]
    stubs["ecs"].assert_no_pending_responses()


def test_a_read_without_settings_or_providers_gets_the_defaults():
    raw = {"clusterName": NAME, "clusterArn": "arn:1", "status": "ACTIVE"}
    assert ecs_cluster.normalise(raw) == {
        "cluster_name": NAME,
        "cluster_arn": "arn:1",
        "status": "ACTIVE",
        "capacity_providers": [],
        "default_capacity_provider_strategy": [],
        "container_insights": "disabled",
        "tags": {},
    }
    assert ecs_cluster.normalise(dict(raw, status="INACTIVE")) is None


# ---- first ECS use in an account: the service-linked role AWSServiceRoleForECS

ARN = f"arn:aws:ecs:{REGION}:123456789012:cluster/{NAME}"
# AWS's answers (IAM API reference CreateServiceLinkedRole; ECS CreateCluster in an account that never used ECS).
ROLE_TAKEN = "Service role name AWSServiceRoleForECS has been taken in this account, please try a different suffix."
ROLE_NOT_READY = "Unable to assume the service linked role. Please verify that the ECS service linked role exists."


def test_create_makes_sure_the_service_linked_role_exists_and_absent_keeps_it(api_calls, run):
    out = run()
    assert not out.failed, out.result
    names = [name for name, _params in api_calls]
    assert names.index("CreateServiceLinkedRole") < names.index("CreateCluster")
    assert dict(api_calls)["CreateServiceLinkedRole"] == {"AWSServiceName": "ecs.amazonaws.com"}
    assert run(state="absent").result["changed"] is True
    # The role is the account's, shared by every cluster: teardown leaves it.
    # (moto spells the name AWSServiceRoleForecs; the path is AWS's.)
    assert len(boto3.client("iam").list_roles(PathPrefix="/aws-service-role/ecs.amazonaws.com/")["Roles"]) == 1
    del api_calls[:]
    run()
    assert not [name for name, _params in api_calls if name.startswith("Delete")]


def stub_first_use(stubbed_clients, iam_error="InvalidInput", iam_message=ROLE_TAKEN):
    stubs = stubbed_clients("ecs", "iam")
    stubs["ecs"].add_response("describe_clusters", {"clusters": [], "failures": [{"arn": NAME, "reason": "MISSING"}]})
    if iam_error:
        stubs["iam"].add_client_error("create_service_linked_role", iam_error, iam_message, 400, {"AWSServiceName": "ecs.amazonaws.com"})
    else:
        role = {
            "Path": "/aws-service-role/ecs.amazonaws.com/",
            "RoleName": "AWSServiceRoleForECS",
            "RoleId": "AROAEXAMPLE0000000001",
            "Arn": "arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS",
            "CreateDate": "2026-12-02T00:00:00Z",
        }
        stubs["iam"].add_response("create_service_linked_role", {"Role": role}, {"AWSServiceName": "ecs.amazonaws.com"})
    return stubs


def test_role_that_has_been_taken_exists_and_not_ready_create_is_retried(stubbed_clients, module_exit, monkeypatch):
    """IAM's "has been taken" means the role exists; CreateCluster's "Unable to assume" is retried until it works."""
    slept = []
    monkeypatch.setattr(time, "sleep", slept.append)
    stubs = stub_first_use(stubbed_clients)
    stubs["ecs"].add_client_error("create_cluster", "InvalidParameterException", ROLE_NOT_READY, 400)
    stubs["ecs"].add_response("create_cluster", {"cluster": {"clusterName": NAME, "clusterArn": ARN, "status": "ACTIVE"}})
    stubs["ecs"].add_response("describe_clusters", {"clusters": [{"clusterName": NAME, "clusterArn": ARN, "status": "ACTIVE"}]})
    out = module_exit(ecs_cluster, {"name": NAME})
    assert not out.failed, out.result
    assert out.result["cluster_arn"] == ARN
    assert slept == [ecs_cluster.ROLE_WAIT_DELAY]
    for stub in stubs.values():
        stub.assert_no_pending_responses()


def test_role_never_usable_fails_naming_it_after_the_bounded_wait(stubbed_clients, module_exit, monkeypatch):
    monkeypatch.setattr(ecs_cluster, "ROLE_WAIT_TIMEOUT", 0)
    stubs = stub_first_use(stubbed_clients, iam_error=None)
    stubs["ecs"].add_client_error("create_cluster", "InvalidParameterException", ROLE_NOT_READY, 400)
    out = module_exit(ecs_cluster, {"name": NAME})
    assert out.failed
    assert "AWSServiceRoleForECS to be usable (create cluster)" in out.result["msg"]
    assert "Unable to assume the service linked role" in out.result["msg"]


def test_other_invalid_parameters_are_not_retried(stubbed_clients, module_exit, monkeypatch):
    monkeypatch.setattr(time, "sleep", lambda s: pytest.fail("slept"))
    stubs = stub_first_use(stubbed_clients)
    stubs["ecs"].add_client_error("create_cluster", "InvalidParameterException", "Weight must be positive.", 400)
    out = module_exit(ecs_cluster, {"name": NAME})
    assert out.failed and "Weight must be positive." in out.result["msg"]


def test_no_iam_permission_warns_and_relies_on_the_retry(stubbed_clients, module_exit):
    stubs = stub_first_use(stubbed_clients, iam_error="AccessDenied", iam_message="not authorized to perform: iam:CreateServiceLinkedRole")
    stubs["ecs"].add_response("create_cluster", {"cluster": {"clusterName": NAME, "clusterArn": ARN, "status": "ACTIVE"}})
    stubs["ecs"].add_response("describe_clusters", {"clusters": [{"clusterName": NAME, "clusterArn": ARN, "status": "ACTIVE"}]})
    out = module_exit(ecs_cluster, {"name": NAME})
    assert not out.failed, out.result
    assert any("AWSServiceRoleForECS" in w for w in out.result.get("warnings", []))
