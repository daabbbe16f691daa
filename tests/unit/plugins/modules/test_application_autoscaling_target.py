# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.application_autoscaling_target against moto's in-process ECS and Auto Scaling."""

from __future__ import annotations

import boto3
import pytest

from ansible_collections.jwtpizza.cloud.plugins.modules import application_autoscaling_target

REGION = "us-east-1"
RESOURCE = "service/pizza-cluster/pizza-service"
LABEL = "app/pizza-alb/0123456789abcdef/targetgroup/pizza-tg/fedcba9876543210"
WRITES = {"RegisterScalableTarget", "DeregisterScalableTarget", "PutScalingPolicy", "DeleteScalingPolicy"}
POLICIES = [
    {"name": "cpu", "predefined_metric_type": "ECSServiceAverageCPUUtilization", "target_value": 60,
     "scale_in_cooldown": 300, "scale_out_cooldown": 60},
    {"name": "requests", "predefined_metric_type": "ALBRequestCountPerTarget", "resource_label": LABEL,
     "target_value": 500},
]


@pytest.fixture(autouse=True)
def ecs_service(moto_aws):
    """The ECS service pizza-cluster/pizza-service that the scalable target scales, in moto."""
    ecs = boto3.client("ecs")
    ecs.create_cluster(clusterName="pizza-cluster")
    ecs.register_task_definition(family="pizza", containerDefinitions=[{"name": "a", "image": "a", "memory": 128}])
    ecs.create_service(cluster="pizza-cluster", serviceName="pizza-service", taskDefinition="pizza", desiredCount=1)


@pytest.fixture
def run(module_exit):
    """run(**args) -> ModuleExit: application_autoscaling_target run with args (and --diff), on RESOURCE unless they name another."""
    return lambda **args: module_exit(application_autoscaling_target, {"resource_id": RESOURCE, "_ansible_diff": True, **args})


@pytest.fixture
def present(run):
    """present(**extra) -> ModuleExit: the target (1 to 4 tasks) with POLICIES, updated with extra."""
    return lambda **extra: run(**{"min_capacity": 1, "max_capacity": 4, "target_tracking_policies": POLICIES, **extra})


def writes(api_calls):
    return [name for name, _params in api_calls if name in WRITES]


def policies():
    client = boto3.client("application-autoscaling")
    return {p["PolicyName"]: p for p in client.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]}


def targets():
    return boto3.client("application-autoscaling").describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]


def test_registers_target_and_policies(api_calls, present):
    out = present()
    assert not out.failed, out.result
    assert out.result["changed"] is True
    assert out.result["target"] == {
        "resource_id": RESOURCE,
        "service_namespace": "ecs",
        "scalable_dimension": "ecs:service:DesiredCount",
        "min_capacity": 1,
        "max_capacity": 4,
    }
    assert sorted(out.result["policies"]) == ["cpu", "requests"]
    found = policies()
    assert found["requests"]["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"] == {
        "PredefinedMetricType": "ALBRequestCountPerTarget", "ResourceLabel": LABEL}
    assert found["cpu"]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 60.0
    assert writes(api_calls) == ["RegisterScalableTarget", "PutScalingPolicy", "PutScalingPolicy"]


def test_second_run_writes_nothing(api_calls, present):
    present()
    del api_calls[:]
    out = present()
    assert out.result["changed"] is False
    assert writes(api_calls) == []


def test_changes_only_what_differs(api_calls, present):
    present()
    del api_calls[:]
    out = present(min_capacity=0, target_tracking_policies=[POLICIES[0], {**POLICIES[1], "target_value": 800}])
    assert out.result["changed"] is True
    assert writes(api_calls) == ["RegisterScalableTarget", "PutScalingPolicy"]
    assert targets()[0]["MinCapacity"] == 0
    assert out.result["diff"]["after"]["policies"]["requests"]["TargetValue"] == 800.0


def test_unlisted_policies_are_purged(present):
    present()
    out = present(target_tracking_policies=POLICIES[:1])
    assert out.result["changed"] is True and out.result["policies"] == ["cpu"]
    assert sorted(policies()) == ["cpu"]


def test_check_mode_writes_nothing(api_calls, present):
    out = present(_ansible_check_mode=True)
    assert out.result["changed"] is True
    assert writes(api_calls) == [] and targets() == []


def test_min_above_max_fails_before_any_call(api_calls, present):
    out = present(min_capacity=5, max_capacity=2)
    assert out.failed and out.result["msg"] == "min_capacity 5 is above max_capacity 2"
    assert api_calls == []


def test_absent_deletes_policies_then_target(api_calls, run, present):
    present()
    del api_calls[:]
    out = run(state="absent")
    assert out.result["changed"] is True
    assert writes(api_calls) == ["DeleteScalingPolicy", "DeleteScalingPolicy", "DeregisterScalableTarget"]
    assert targets() == [] and policies() == {}
    del api_calls[:]
    again = run(state="absent")
    assert again.result["changed"] is False and writes(api_calls) == []


def test_a_read_without_disable_scale_in_means_false():
    wanted = {"TargetValue": 60.0, "PredefinedMetricSpecification": {"PredefinedMetricType": "X"}, "DisableScaleIn": False}
    read = {"TargetValue": 60, "PredefinedMetricSpecification": {"PredefinedMetricType": "X", "ResourceLabel": ""}}
    assert application_autoscaling_target.normalise(read, wanted) == wanted
