# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.application_autoscaling_target against moto's in-process ECS and Auto Scaling."""

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
    from ansible_collections.jwtpizza.cloud.plugins.modules import application_autoscaling_target
except ImportError:  # plain pytest from the checkout: the collection is linked under .venv/collections
    sys.path.insert(0, str(Path(__file__).resolve().parents[4] / ".venv" / "collections"))
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


class Exit(Exception):
    def __init__(self, result, failed):
        super().__init__(result)
        self.result = result
        self.failed = failed


@pytest.fixture(autouse=True)
def aws(monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", lambda self, **kw: (x for x in ()).throw(Exit(kw, False)))
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", lambda self, **kw: (x for x in ()).throw(Exit(kw, True)))
    with mock_aws():
        ecs = boto3.client("ecs")
        ecs.create_cluster(clusterName="pizza-cluster")
        ecs.register_task_definition(family="pizza", containerDefinitions=[{"name": "a", "image": "a", "memory": 128}])
        ecs.create_service(cluster="pizza-cluster", serviceName="pizza-service", taskDefinition="pizza", desiredCount=1)
        yield


@pytest.fixture
def calls(monkeypatch):
    made = []
    original = botocore.client.BaseClient._make_api_call

    def record(self, operation, params):
        made.append((operation, params))
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", record)
    return made


def writes(calls):
    return [name for name, _params in calls if name in WRITES]


def run(**args):
    args.setdefault("resource_id", RESOURCE)
    with patch_module_args(args), pytest.raises(Exit) as exc:
        application_autoscaling_target.main()
    return exc.value


def present(**extra):
    args = {"min_capacity": 1, "max_capacity": 4, "target_tracking_policies": POLICIES}
    args.update(extra)
    return run(**args)


def policies():
    client = boto3.client("application-autoscaling")
    return {p["PolicyName"]: p for p in client.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]}


def targets():
    return boto3.client("application-autoscaling").describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]


def test_registers_target_and_policies(calls):
    out = present()
    assert not out.failed, out.result
    assert out.result["changed"] is True
    assert out.result["target"]["min_capacity"] == 1 and out.result["target"]["max_capacity"] == 4
    assert sorted(out.result["policies"]) == ["cpu", "requests"]
    found = policies()
    assert found["requests"]["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"] == {
        "PredefinedMetricType": "ALBRequestCountPerTarget", "ResourceLabel": LABEL}
    assert found["cpu"]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 60.0
    assert writes(calls) == ["RegisterScalableTarget", "PutScalingPolicy", "PutScalingPolicy"]


def test_second_run_writes_nothing(calls):
    present()
    del calls[:]
    out = present()
    assert out.result["changed"] is False
    assert writes(calls) == []


def test_changes_only_what_differs(calls):
    present()
    del calls[:]
    out = present(min_capacity=0, target_tracking_policies=[POLICIES[0], {**POLICIES[1], "target_value": 800}])
    assert out.result["changed"] is True
    assert writes(calls) == ["RegisterScalableTarget", "PutScalingPolicy"]
    assert targets()[0]["MinCapacity"] == 0
    assert out.result["diff"]["after"]["policies"]["requests"]["TargetValue"] == 800.0


def test_unlisted_policies_are_purged():
    present()
    out = present(target_tracking_policies=POLICIES[:1])
    assert out.result["changed"] is True and out.result["policies"] == ["cpu"]
    assert sorted(policies()) == ["cpu"]


def test_check_mode_writes_nothing(calls):
    out = present(_ansible_check_mode=True)
    assert out.result["changed"] is True
    assert writes(calls) == [] and targets() == []


def test_min_above_max_fails_before_any_call(calls):
    out = present(min_capacity=5, max_capacity=2)
    assert out.failed and "min_capacity" in out.result["msg"]
    assert calls == []


def test_absent_deletes_policies_then_target(calls):
    present()
    del calls[:]
    out = run(state="absent")
    assert out.result["changed"] is True
    assert writes(calls) == ["DeleteScalingPolicy", "DeleteScalingPolicy", "DeregisterScalableTarget"]
    assert targets() == [] and policies() == {}
    del calls[:]
    again = run(state="absent")
    assert again.result["changed"] is False and writes(calls) == []
