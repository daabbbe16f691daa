"""Existing callers against the patched emulator: what describe_services now returns must not look like drift."""

from __future__ import annotations

import time

import boto3
import pytest

from ansible_collections.jwtpizza.cloud.plugins.modules import ecs_fargate_service
from conftest import ROLLOUT

CLUSTER, NAME = "pizza", "pizza-service"
REPO = "pizza"
IMAGE = f"123456789012.dkr.ecr.us-east-1.amazonaws.com/{REPO}:v1"
ROLE = "arn:aws:iam::123456789012:role/pizza-exec"


@pytest.fixture
def stack(emulator, monkeypatch):
    """The patched emulator reached through AWS_ENDPOINT_URL, with a network, a cluster and a target group."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator)
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="tasks", Description="tasks", VpcId=vpc)["GroupId"]
    boto3.client("ecs").create_cluster(clusterName=CLUSTER)
    tg = boto3.client("elbv2").create_target_group(Name="pizza-tg", Protocol="HTTP", Port=80, VpcId=vpc,
                                                   TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    return {"subnets": [subnet], "security_groups": [sg], "target_group_arn": tg}


def test_fargate_service_rerun_changes_nothing(stack, module_exit):
    args = {"cluster": CLUSTER, "name": NAME, "container_name": "app", "image": IMAGE, "execution_role_arn": ROLE,
            "desired_count": 1, "assign_public_ip": True, "tags": {"Project": "pizza"}, **stack}
    first = module_exit(ecs_fargate_service, args)
    assert not first.failed and first.result["changed"], first.result
    time.sleep(ROLLOUT + 0.15)
    described = boto3.client("ecs").describe_services(cluster=CLUSTER, services=[NAME])["services"][0]
    assert described["deploymentConfiguration"]["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert described["healthCheckGracePeriodSeconds"] == 60 and described["runningCount"] == 1
    again = module_exit(ecs_fargate_service, args)
    assert not again.failed and not again.result["changed"], again.result["diff"]
    changed = module_exit(ecs_fargate_service, {**args, "health_check_grace_period": 90, "maximum_percent": 150,
                                                "_ansible_diff": True})
    assert changed.result["changed"] and set(changed.result["diff"]["after"]["service"]) == {
        "deploymentConfiguration", "healthCheckGracePeriodSeconds"}
    assert not module_exit(ecs_fargate_service, {**args, "health_check_grace_period": 90,
                                                 "maximum_percent": 150}).result["changed"]
