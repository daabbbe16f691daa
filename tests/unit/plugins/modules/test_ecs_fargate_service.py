# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.ecs_fargate_service: moto in-process, and botocore Stubber for what moto drops."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import boto3
import botocore.client
import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args
from botocore.stub import Stubber
from moto import mock_aws

try:
    from ansible_collections.jwtpizza.cloud.plugins.modules import ecs_fargate_service
except ImportError:  # plain pytest from the checkout: the collection is linked under .venv/collections
    sys.path.insert(0, str(Path(__file__).resolve().parents[4] / ".venv" / "collections"))
    from ansible_collections.jwtpizza.cloud.plugins.modules import ecs_fargate_service

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule

REGION = "us-east-1"
CLUSTER = "pizza-cluster"
NAME = "pizza-service"
REPO = "pizza-repo"
IMAGE = f"123456789012.dkr.ecr.{REGION}.amazonaws.com/{REPO}:latest"
ROLE = "arn:aws:iam::123456789012:role/pizza-exec"
SECRET = f"arn:aws:ssm:{REGION}:123456789012:parameter/pizza/db-password"
WRITES = {"RegisterTaskDefinition", "DeregisterTaskDefinition", "CreateService", "UpdateService", "DeleteService",
          "TagResource", "UntagResource"}


class Exit(Exception):
    def __init__(self, result, failed):
        super().__init__(result)
        self.result = result
        self.failed = failed


@pytest.fixture(autouse=True)
def exits(monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", lambda self, **kw: (x for x in ()).throw(Exit(kw, False)))
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", lambda self, **kw: (x for x in ()).throw(Exit(kw, True)))


@pytest.fixture
def aws(monkeypatch):
    monkeypatch.setenv("MOTO_ECS_SERVICE_RUNNING", "1")
    with mock_aws():
        ec2 = boto3.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        sg = ec2.create_security_group(GroupName="tasks", Description="tasks", VpcId=vpc)["GroupId"]
        boto3.client("ecs").create_cluster(clusterName=CLUSTER)
        boto3.client("ecr").create_repository(repositoryName=REPO)
        yield {"subnets": [subnet], "security_groups": [sg]}


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


def push_image():
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json", "layers": []})
    boto3.client("ecr").put_image(repositoryName=REPO, imageManifest=manifest, imageTag="latest",
                                  imageDigest="sha256:" + hashlib.sha256(manifest.encode()).hexdigest())


def run(**args):
    with patch_module_args(args), pytest.raises(Exit) as exc:
        ecs_fargate_service.main()
    return exc.value


def present(net, **extra):
    args = {"cluster": CLUSTER, "name": NAME, "container_name": "app", "image": IMAGE, "execution_role_arn": ROLE,
            "environment": {"PORT": 80}, "secrets": {"DB_PASSWORD": SECRET}, "log_group": f"/ecs/{NAME}",
            "subnets": net["subnets"], "security_groups": net["security_groups"], "assign_public_ip": True,
            "bootstrap_without_image": True, "scaling_bounds": {"min": 1, "max": 4}, "desired_count": 2,
            "tags": {"Project": "pizza"}}
    args.update(extra)
    return run(**args)


def service():
    return boto3.client("ecs").describe_services(cluster=CLUSTER, services=[NAME])["services"][0]


def test_bootstrap_runs_zero_tasks_until_the_image_exists(aws):
    first = present(aws)
    assert not first.failed, first.result
    assert first.result["changed"] and first.result["image_available"] is False
    assert service()["desiredCount"] == 0
    push_image()
    second = present(aws)
    assert second.result["changed"] and second.result["image_available"] is True
    assert second.result["task_definition_registered"] is False
    assert service()["desiredCount"] == 2


def test_task_definition_holds_secret_arns_and_logs(aws):
    push_image()
    out = present(aws)
    td = boto3.client("ecs").describe_task_definition(taskDefinition=NAME)["taskDefinition"]
    [container] = td["containerDefinitions"]
    assert container["secrets"] == [{"name": "DB_PASSWORD", "valueFrom": SECRET}]
    assert container["environment"] == [{"name": "PORT", "value": "80"}]
    assert container["logConfiguration"]["options"]["awslogs-stream-prefix"] == "ecs"
    assert td["runtimePlatform"]["cpuArchitecture"] == "ARM64"
    assert (td["cpu"], td["memory"], td["requiresCompatibilities"]) == ("512", "1024", ["FARGATE"])
    assert out.result["task_definition_arn"].endswith(f"{NAME}:1")


def test_second_run_writes_nothing(aws, calls):
    push_image()
    present(aws)
    del calls[:]
    again = present(aws)
    assert again.result["changed"] is False
    assert writes(calls) == []


def test_only_a_changed_container_registers_a_revision(aws, calls):
    push_image()
    present(aws)
    del calls[:]
    out = present(aws, environment={"PORT": 80, "LOG": "debug"})
    assert out.result["task_definition_registered"] is True
    assert writes(calls) == ["RegisterTaskDefinition", "UpdateService"]
    [update] = [p for n, p in calls if n == "UpdateService"]
    assert set(update) == {"cluster", "service", "taskDefinition"}
    assert service()["taskDefinition"].endswith(f"{NAME}:2")


def test_scaled_count_within_bounds_is_kept(aws):
    push_image()
    present(aws)
    boto3.client("ecs").update_service(cluster=CLUSTER, service=NAME, desiredCount=3)
    out = present(aws)
    assert out.result["changed"] is False and out.result["desired_count"] == 3
    present(aws, scaling_bounds={"min": 1, "max": 2})
    assert service()["desiredCount"] == 2


def test_check_mode_writes_nothing(aws, calls):
    out = present(aws, _ansible_check_mode=True)
    assert out.result["changed"] is True
    assert writes(calls) == []
    assert boto3.client("ecs").list_task_definitions()["taskDefinitionArns"] == []


def test_absent_deletes_service_and_every_revision(aws, calls):
    push_image()
    present(aws)
    present(aws, environment={"A": "1"})
    out = run(cluster=CLUSTER, name=NAME, state="absent")
    assert out.result["changed"] is True
    assert len(out.result["deregistered_task_definitions"]) == 2
    assert service()["status"] == "INACTIVE"
    assert boto3.client("ecs").list_task_definitions(status="ACTIVE")["taskDefinitionArns"] == []
    del calls[:]
    again = run(cluster=CLUSTER, name=NAME, state="absent")
    assert again.result["changed"] is False and writes(calls) == []


def test_absent_without_cluster_is_no_change(aws):
    out = run(cluster="no-such-cluster", name=NAME, state="absent")
    assert not out.failed and out.result["changed"] is False


def test_create_request_carries_what_moto_drops(monkeypatch):
    """moto stores no deploymentConfiguration nor grace period: prove the request carries them."""
    ecs = boto3.client("ecs", region_name=REGION)
    ecr = boto3.client("ecr", region_name=REGION)
    stubs = {"ecs": Stubber(ecs), "ecr": Stubber(ecr)}
    monkeypatch.setattr(JwtPizzaModule, "client", lambda self, name, **kw: {"ecs": ecs, "ecr": ecr}[name])
    tg = f"arn:aws:elasticloadbalancing:{REGION}:123456789012:targetgroup/pizza-tg/0123456789abcdef"
    td_arn = f"arn:aws:ecs:{REGION}:123456789012:task-definition/{NAME}:1"
    stubs["ecs"].add_client_error("describe_task_definition", "ClientException", "Unable to describe task definition.")
    stubs["ecs"].add_response("register_task_definition", {"taskDefinition": {"taskDefinitionArn": td_arn}})
    stubs["ecs"].add_response("describe_services", {"services": [], "failures": []})
    stubs["ecr"].add_response("describe_images", {"imageDetails": [{"imageTags": ["latest"]}]})
    stubs["ecs"].add_response("create_service", {"service": {"serviceArn": f"arn:aws:ecs:{REGION}:1:service/{NAME}"}}, {
        "cluster": CLUSTER, "serviceName": NAME, "taskDefinition": td_arn, "desiredCount": 2, "launchType": "FARGATE",
        "schedulingStrategy": "REPLICA",
        "deploymentConfiguration": {"maximumPercent": 200, "minimumHealthyPercent": 100,
                                    "deploymentCircuitBreaker": {"enable": True, "rollback": True}},
        "healthCheckGracePeriodSeconds": 45,
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": ["sg-1"],
                                                         "assignPublicIp": "ENABLED"}},
        "loadBalancers": [{"targetGroupArn": tg, "containerName": "app", "containerPort": 80}],
        "propagateTags": "SERVICE", "enableECSManagedTags": True, "tags": [{"key": "Project", "value": "pizza"}],
    })
    for stub in stubs.values():
        stub.activate()
    out = present({"subnets": ["subnet-1"], "security_groups": ["sg-1"]}, target_group_arn=tg,
                  health_check_grace_period=45)
    assert not out.failed, out.result
    for stub in stubs.values():
        stub.assert_no_pending_responses()


def test_read_without_deployment_configuration_is_not_drift():
    read = {"taskDefinition": "td:1", "desiredCount": 1, "propagateTags": "SERVICE",
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["b", "a"], "securityGroups": ["sg"]}}}
    normal = ecs_fargate_service.normalise_service(read)
    assert normal["deploymentConfiguration"] is None and normal["healthCheckGracePeriodSeconds"] is None
    assert normal["networkConfiguration"]["awsvpcConfiguration"] == {
        "subnets": ["a", "b"], "securityGroups": ["sg"], "assignPublicIp": "DISABLED"}
