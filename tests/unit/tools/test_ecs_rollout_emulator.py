"""jwtpizza.cloud.ecs_rollout against the patched emulator in this process: a deploy, a deploy that the circuit
breaker rolls back, and a rollback to the recorded revision, end to end over HTTP."""

from __future__ import annotations

import hashlib
import json
import time
import urllib.request

import boto3
import pytest


from ansible_collections.jwtpizza.cloud.plugins.modules import ecs_rollout

from conftest import ROLLOUT

CLUSTER, NAME, REPO = "pizza", "pizza-service", "pizza"
URI = f"123456789012.dkr.ecr.us-east-1.amazonaws.com/{REPO}"
TAG = "jwtpizza.cloud:previous-task-definition"


@pytest.fixture
def server(emulator_server):
    """The patched emulator of tests/unit/tools/conftest.py."""
    return emulator_server


@pytest.fixture
def stack(server, aws_env, monkeypatch):
    """An emptied emulator with images v1, v2 and fail-1, and the service running v1 (COMPLETED); the ECS client."""
    monkeypatch.setenv("EMULATOR_ECS_ROLLOUT_SECONDS", str(ROLLOUT))
    monkeypatch.delenv("EMULATOR_ECS_FAIL_IMAGE", raising=False)
    urllib.request.urlopen(urllib.request.Request(f"{server}/moto-api/reset", method="POST"), timeout=10).close()
    ecr = boto3.client("ecr", endpoint_url=server)
    ecr.create_repository(repositoryName=REPO)
    for tag in ("v1", "v2", "fail-1"):
        manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                               "layers": [], "annotations": {"tag": tag}})
        ecr.put_image(repositoryName=REPO, imageManifest=manifest, imageTag=tag,
                      imageDigest="sha256:" + hashlib.sha256(manifest.encode()).hexdigest())
    ecs = boto3.client("ecs", endpoint_url=server)
    ecs.create_cluster(clusterName=CLUSTER)
    td = ecs.register_task_definition(
        family=NAME, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="512", memory="1024",
        containerDefinitions=[{"name": "app", "image": f"{URI}:v1", "essential": True,
                               "environment": [{"name": "PORT", "value": "80"}]}],
        tags=[{"key": "Project", "value": "pizza"}])["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(cluster=CLUSTER, serviceName=NAME, taskDefinition=td, desiredCount=1, launchType="FARGATE",
                       deploymentConfiguration={"maximumPercent": 200, "minimumHealthyPercent": 100,
                                                "deploymentCircuitBreaker": {"enable": True, "rollback": True}})
    time.sleep(ROLLOUT + 0.15)
    return ecs


def tags(ecs):
    arn = ecs.describe_services(cluster=CLUSTER, services=[NAME])["services"][0]["serviceArn"]
    return {t["key"]: t["value"] for t in ecs.list_tags_for_resource(resourceArn=arn)["tags"]}


def test_deploy_failed_deploy_and_rollback(stack, server, run_module):
    ecs = stack
    base = {"cluster": CLUSTER, "service": NAME, "endpoint_url": server, "delay": 1, "wait_timeout": 30}
    v1 = ecs.describe_services(cluster=CLUSTER, services=[NAME])["services"][0]["taskDefinition"]

    deployed, failed = run_module(ecs_rollout, dict(base, image=f"{URI}:v2"))
    assert not failed, deployed
    assert (deployed["rollout_state"], deployed["previous_task_definition_arn"]) == ("COMPLETED", v1)
    v2 = deployed["task_definition_arn"]
    assert v2.endswith(f"{NAME}:2") and tags(ecs)[TAG] == v1
    copied = ecs.describe_task_definition(taskDefinition=v2, include=["TAGS"])
    assert copied["taskDefinition"]["containerDefinitions"][0]["environment"] == [{"name": "PORT", "value": "80"}]
    assert copied["tags"] == [{"key": "Project", "value": "pizza"}]

    again, failed = run_module(ecs_rollout, dict(base, image=f"{URI}:v2"))
    assert not failed and again["changed"] is False

    broken, failed = run_module(ecs_rollout, dict(base, image=f"{URI}:fail-1"))
    assert failed
    assert "deployment failed: tasks failed to start." in broken["msg"]
    assert tags(ecs)[TAG] == v1  # a failed rollout records nothing
    time.sleep(ROLLOUT + 0.15)  # the circuit breaker's rollback to v2 completes
    assert ecs.describe_services(cluster=CLUSTER, services=[NAME])["services"][0]["taskDefinition"] == v2

    back, failed = run_module(ecs_rollout, dict(base, rollback=True))
    assert not failed, back
    assert (back["task_definition_arn"], back["previous_task_definition_arn"]) == (v1, v2)
    assert back["image"] == f"{URI}:v1" and back["rollout_state"] == "COMPLETED"
    assert tags(ecs)[TAG] == v2
