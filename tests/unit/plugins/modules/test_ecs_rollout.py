# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.ecs_rollout: botocore Stubber clients answering sequences of DescribeServices in AWS's
documented shapes (IN_PROGRESS -> COMPLETED, FAILED, circuit-breaker rollback, timeout), and the writes asserted by
their expected parameters.  A call that was not queued fails the test, so a test that queues no write proves none
was made."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _ecs
from ansible_collections.jwtpizza.cloud.plugins.modules import ecs_rollout

REGION = "us-east-1"
ACCOUNT = "123456789012"
CLUSTER = "pizza-cluster"
NAME = "pizza-service"
REPO = "jwt-pizza-service"
URI = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{REPO}"
V1 = f"{URI}:v1"
V2 = f"{URI}:v2"
TD = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{NAME}"
TD1 = f"{TD}:1"
TD2 = f"{TD}:2"
SERVICE_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/{CLUSTER}/{NAME}"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/pizza-exec"
TAG = "jwtpizza.cloud:previous-task-definition"
LOG = {"logDriver": "awslogs", "options": {"awslogs-group": f"/ecs/{NAME}", "awslogs-region": REGION,
                                           "awslogs-stream-prefix": "ecs"}, "secretOptions": []}
TD_TAGS = [{"key": "Project", "value": "pizza"}]


def container(image, env=(("PORT", "80"),), name="app"):
    """A container definition as DescribeTaskDefinition returns it (with the defaults ECS fills in)."""
    return {"name": name, "image": image, "cpu": 0, "essential": True,
            "portMappings": [{"containerPort": 80, "hostPort": 80, "protocol": "tcp"}],
            "environment": [{"name": k, "value": v} for k, v in env], "mountPoints": [], "volumesFrom": [],
            "secrets": [{"name": "DB_PASSWORD", "valueFrom": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/pizza/db"}],
            "logConfiguration": LOG}


def task_definition(arn, *containers, status="ACTIVE"):
    """A DescribeTaskDefinition answer, read-only fields included."""
    return {"taskDefinition": {
        "taskDefinitionArn": arn, "family": NAME, "revision": int(arn.rsplit(":", 1)[1]), "status": status,
        "containerDefinitions": list(containers), "executionRoleArn": ROLE, "networkMode": "awsvpc",
        "volumes": [], "placementConstraints": [], "requiresCompatibilities": ["FARGATE"],
        "compatibilities": ["EC2", "FARGATE"], "requiresAttributes": [{"name": "ecs.capability.execution-role-awslogs"}],
        "cpu": "512", "memory": "1024", "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
        "registeredAt": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc), "registeredBy": ROLE,
    }, "tags": TD_TAGS}


def register_request(image, env=(("PORT", "80"),)):
    """What RegisterTaskDefinition must receive for a copy of task_definition(TD1, container(...)) with image/env."""
    return {"family": NAME, "containerDefinitions": [container(image, env)], "executionRoleArn": ROLE,
            "networkMode": "awsvpc", "volumes": [], "placementConstraints": [], "requiresCompatibilities": ["FARGATE"],
            "cpu": "512", "memory": "1024",
            "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"}, "tags": TD_TAGS}


def deployment(dep_id, status, td, rollout, running=1, desired=1, reason=None):
    return {"id": dep_id, "status": status, "taskDefinition": td, "desiredCount": desired, "runningCount": running,
            "pendingCount": desired - running, "launchType": "FARGATE", "rolloutState": rollout,
            "rolloutStateReason": reason or f"ECS deployment {dep_id} {rollout.lower()}."}


def service(td, deployments, running=1, desired=1, events=(), previous=None):
    tags = [{"key": "Project", "value": "pizza"}] + ([{"key": TAG, "value": previous}] if previous else [])
    return {"serviceName": NAME, "serviceArn": SERVICE_ARN, "status": "ACTIVE", "taskDefinition": td,
            "desiredCount": desired, "runningCount": running, "pendingCount": max(desired - running, 0),
            "deployments": deployments, "tags": tags,
            "events": [{"id": str(i), "message": m} for i, m in enumerate(events)]}


STEADY_V1 = service(TD1, [deployment("ecs-svc/1", "PRIMARY", TD1, "COMPLETED")])
ROLLING_V2 = service(TD2, [deployment("ecs-svc/2", "PRIMARY", TD2, "IN_PROGRESS", running=0),
                           deployment("ecs-svc/1", "ACTIVE", TD1, "COMPLETED")])
DONE_V2 = service(TD2, [deployment("ecs-svc/2", "PRIMARY", TD2, "COMPLETED")],
                  events=[f"(service {NAME}) has reached a steady state.",
                          f"(service {NAME}) (deployment ecs-svc/2) deployment completed."])


@pytest.fixture
def stubs(stubbed_clients):
    stubs = stubbed_clients("ecs", "ecr")
    yield stubs
    for stub in stubs.values():
        stub.assert_no_pending_responses()


@pytest.fixture
def run(run_module):
    """run(check_mode=False, diff=False, **args) -> (result, failed) of ecs_rollout on CLUSTER/NAME, polling at once."""

    def run_rollout(check_mode=False, diff=False, **args):
        return run_module(ecs_rollout, {"cluster": CLUSTER, "service": NAME, "delay": 0, **args}, check_mode, diff)

    return run_rollout


def describe(stubs, *services):
    for item in services:
        stubs["ecs"].add_response("describe_services", {"services": [item], "failures": []},
                                  {"cluster": CLUSTER, "services": [NAME], "include": ["TAGS"]})


def reads(stubs, current=None, definition=None, image_tag="v2"):
    """The reads before any write: the service, its task definition and (for an ECR image) DescribeImages."""
    current = current or STEADY_V1
    describe(stubs, current)
    stubs["ecs"].add_response("describe_task_definition", definition or task_definition(TD1, container(V1)),
                              {"taskDefinition": current["taskDefinition"], "include": ["TAGS"]})
    if image_tag:
        stubs["ecr"].add_response("describe_images", {"imageDetails": [{"imageTags": [image_tag]}]},
                                  {"registryId": ACCOUNT, "repositoryName": REPO, "imageIds": [{"imageTag": image_tag}]})


def register_and_update(stubs, image=V2, env=(("PORT", "80"),), update=None, answer=None):
    stubs["ecs"].add_response("register_task_definition", {"taskDefinition": {"taskDefinitionArn": TD2, "family": NAME, "revision": 2}},
                              register_request(image, env))
    # The copies a retried register may have left: none above TD1, the revision compared with.
    stubs["ecs"].add_response("list_task_definitions", {"taskDefinitionArns": [TD1, TD2]}, {"familyPrefix": NAME, "status": "ACTIVE"})
    stubs["ecs"].add_response("update_service", {"service": answer or ROLLING_V2},
                              update or {"cluster": CLUSTER, "service": NAME, "taskDefinition": TD2})


def tag(stubs, value):
    stubs["ecs"].add_response("tag_resource", {}, {"resourceArn": SERVICE_ARN, "tags": [{"key": TAG, "value": value}]})


def stopped_tasks(stubs, *tasks):
    arns = [t["taskArn"] for t in tasks]
    stubs["ecs"].add_response("list_tasks", {"taskArns": arns},
                              {"cluster": CLUSTER, "serviceName": NAME, "desiredStatus": "STOPPED", "maxResults": 100})
    if arns:
        stubs["ecs"].add_response("describe_tasks", {"tasks": list(tasks), "failures": []},
                                  {"cluster": CLUSTER, "tasks": arns})


def stopped_task(task_id, td, reason, container_reason):
    return {"taskArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/{CLUSTER}/{task_id}", "taskDefinitionArn": td,
            "lastStatus": "STOPPED", "stoppedReason": reason,
            "stoppedAt": datetime.datetime(2026, 1, 1, 12, int(task_id[-1]), tzinfo=datetime.timezone.utc),
            "containers": [{"name": "app", "reason": container_reason, "exitCode": 1}]}


def test_in_progress_then_completed_succeeds_and_records_the_previous_revision(stubs, run):
    reads(stubs)
    register_and_update(stubs)
    describe(stubs, ROLLING_V2, DONE_V2)
    tag(stubs, TD1)
    result, failed = run(image=V2)
    assert not failed, result
    assert result["changed"] is True
    assert (result["deployment_id"], result["rollout_state"]) == ("ecs-svc/2", "COMPLETED")
    assert (result["task_definition_arn"], result["previous_task_definition_arn"]) == (TD2, TD1)
    assert (result["image"], result["desired_count"], result["running_count"]) == (V2, 1, 1)
    assert result["events"][0] == f"(service {NAME}) has reached a steady state."
    assert isinstance(result["duration"], float)


def test_a_failed_deployment_fails_naming_the_events_and_the_stopped_tasks(stubs, run):
    reads(stubs)
    register_and_update(stubs)
    failed_v2 = service(TD2, [deployment("ecs-svc/2", "PRIMARY", TD2, "FAILED", running=0,
                                         reason="tasks failed to start"),
                              deployment("ecs-svc/1", "ACTIVE", TD1, "COMPLETED")],
                        events=[f"(service {NAME}) (deployment ecs-svc/2) deployment failed: tasks failed to start."])
    describe(stubs, ROLLING_V2, failed_v2)
    stopped_tasks(stubs, stopped_task("t1", TD2, "Essential container in task exited", "CannotPullContainerError: pull"),
                  stopped_task("t2", TD1, "Scaling activity initiated by deployment ecs-svc/1", "old task"))
    result, failed = run(image=V2)
    assert failed
    msg = result["msg"]
    assert f"Rollout of {TD2} to service {NAME} FAILED (tasks failed to start)" in msg
    assert "deployment failed: tasks failed to start." in msg
    assert "task t1: Essential container in task exited; container app: CannotPullContainerError: pull (exit code 1)" in msg
    assert "old task" not in msg  # a task of another revision is not this rollout's


def test_a_circuit_breaker_rollback_fails_naming_the_rollback(stubs, run):
    reads(stubs)
    register_and_update(stubs)
    rolled_back = service(TD1, [deployment("ecs-svc/3", "PRIMARY", TD1, "IN_PROGRESS")],
                          events=[f"(service {NAME}) rolling back to deployment ecs-svc/1."])
    describe(stubs, ROLLING_V2, rolled_back)
    stopped_tasks(stubs)
    result, failed = run(image=V2)
    assert failed
    assert f"went back to task definition {TD1} instead of {TD2} (circuit-breaker rollback)" in result["msg"]
    assert "rolling back to deployment ecs-svc/1." in result["msg"]
    assert result["msg"].endswith("stopped tasks: none")


def test_a_timeout_names_the_deployment_state(stubs, run):
    reads(stubs)
    register_and_update(stubs)
    describe(stubs, ROLLING_V2)
    stopped_tasks(stubs)
    result, failed = run(image=V2, wait_timeout=0)
    assert failed
    assert result["msg"].startswith(f"Timed out after 0s waiting for service {NAME} to finish the rollout of {TD2}")
    assert "ecs-svc/2 PRIMARY" in result["msg"] and "rollout IN_PROGRESS" in result["msg"]


def test_a_missing_image_tag_fails_before_any_write(stubs, run):
    reads(stubs, image_tag=None)
    stubs["ecr"].add_client_error("describe_images", "ImageNotFoundException", "not found")
    result, failed = run(image=f"{URI}:nope")
    assert failed
    assert result["msg"] == f"Cannot deploy {URI}:nope: ECR repository {REPO} has no image nope"


def test_a_missing_repository_is_named(stubs, run):
    reads(stubs, image_tag=None)
    stubs["ecr"].add_client_error("describe_images", "RepositoryNotFoundException", "no repo")
    result, failed = run(image=V2)
    assert failed and f"ECR repository {REPO} of registry {ACCOUNT} does not exist" in result["msg"]


def test_check_mode_shows_the_diff_and_writes_nothing(stubs, run):
    reads(stubs, current=service(TD1, [deployment("ecs-svc/1", "PRIMARY", TD1, "COMPLETED", 0, 0)], 0, 0))
    result, failed = run(check_mode=True, diff=True, image=V2, environment={"LOG": "debug"}, minimum_desired_count=2)
    assert not failed and result["changed"] is True
    assert result["diff"]["before"] == {"image": V1, "environment": {"PORT": "80"}, "task_definition": TD1,
                                        "desired_count": 0}
    assert result["diff"]["after"] == {"image": V2, "environment": {"PORT": "80", "LOG": "debug"},
                                       "task_definition": f"{NAME}:2", "desired_count": 2}
    assert (result["task_definition_arn"], result["desired_count"]) == (TD1, 2)


def test_the_image_and_environment_already_running_change_nothing(stubs, run):
    reads(stubs, image_tag="v1")
    result, failed = run(image=V1, environment={"PORT": 80})
    assert not failed and result["changed"] is False
    assert (result["task_definition_arn"], result["deployment_id"], result["rollout_state"]) == (TD1, "ecs-svc/1", "COMPLETED")


def test_a_service_scaled_to_zero_reports_zero_tasks(stubs, run):
    reads(stubs, current=service(TD1, [deployment("ecs-svc/1", "PRIMARY", TD1, "COMPLETED", 0, 0)], 0, 0), image_tag="v1")
    result, failed = run(image=V1, environment={"PORT": 80})
    assert not failed and result["changed"] is False
    assert (result["desired_count"], result["running_count"]) == (0, 0)


def test_force_new_deployment_redeploys_the_running_revision(stubs, run):
    reads(stubs, image_tag=None)
    rolling = service(TD1, [deployment("ecs-svc/9", "PRIMARY", TD1, "IN_PROGRESS", running=0),
                            deployment("ecs-svc/1", "ACTIVE", TD1, "COMPLETED")])
    stubs["ecs"].add_response("update_service", {"service": rolling},
                              {"cluster": CLUSTER, "service": NAME, "taskDefinition": TD1, "forceNewDeployment": True})
    # ecs-svc/1 is COMPLETED and runs TD1 too: only the new deployment, by id, counts.
    describe(stubs, rolling, service(TD1, [deployment("ecs-svc/9", "PRIMARY", TD1, "COMPLETED")]))
    result, failed = run(force_new_deployment=True)
    assert not failed, result
    assert (result["changed"], result["deployment_id"], result["task_definition_arn"]) == (True, "ecs-svc/9", TD1)
    assert result["previous_task_definition_arn"] == ""


def test_register_request_holds_only_the_fields_register_accepts(stubs, run, monkeypatch):
    """A field DescribeTaskDefinition may add one day (read-only) is never sent: the request follows botocore's model."""
    real = _ecs.describe_task_definition

    def with_new_fields(client, arn):
        answer = real(client, arn)
        answer["taskDefinition"]["someFutureReadOnlyField"] = {"x": 1}
        answer["taskDefinition"]["containerDefinitions"][0]["anotherReadOnlyField"] = "y"
        return answer

    monkeypatch.setattr(_ecs, "describe_task_definition", with_new_fields)
    reads(stubs)
    register_and_update(stubs)  # the Stubber asserts register_request(V2) exactly
    tag(stubs, TD1)
    result, failed = run(image=V2, wait=False)
    assert not failed, result
    assert result["rollout_state"] == "IN_PROGRESS"


def test_without_wait_the_previous_revision_is_recorded_at_once(stubs, run):
    reads(stubs)
    register_and_update(stubs, env=(("LOG", "debug"), ("PORT", "80")))
    tag(stubs, TD1)
    result, failed = run(image=V2, environment={"LOG": "debug"}, wait=False)
    assert not failed and result["previous_task_definition_arn"] == TD1


def test_rollback_uses_the_recorded_revision_and_swaps_the_tag(stubs, run):
    steady = service(TD2, [deployment("ecs-svc/2", "PRIMARY", TD2, "COMPLETED")], previous=TD1)
    reads(stubs, current=steady, definition=task_definition(TD2, container(V2)), image_tag=None)
    stubs["ecs"].add_response("describe_task_definition", task_definition(TD1, container(V1)),
                              {"taskDefinition": TD1, "include": ["TAGS"]})
    rolling = service(TD1, [deployment("ecs-svc/3", "PRIMARY", TD1, "IN_PROGRESS", running=0),
                            deployment("ecs-svc/2", "ACTIVE", TD2, "COMPLETED")], previous=TD1)
    stubs["ecs"].add_response("update_service", {"service": rolling},
                              {"cluster": CLUSTER, "service": NAME, "taskDefinition": TD1})
    describe(stubs, service(TD1, [deployment("ecs-svc/3", "PRIMARY", TD1, "COMPLETED")], previous=TD1))
    tag(stubs, TD2)
    result, failed = run(rollback=True)
    assert not failed, result
    assert (result["task_definition_arn"], result["previous_task_definition_arn"], result["image"]) == (TD1, TD2, V1)


def test_rollback_without_a_recorded_revision_fails_clearly(stubs, run):
    reads(stubs, image_tag=None)
    result, failed = run(rollback=True)
    assert failed
    assert result["msg"].startswith(f"Service {NAME} has no tag {TAG}")


def test_rollback_to_a_deregistered_revision_fails_clearly(stubs, run):
    steady = service(TD2, [deployment("ecs-svc/2", "PRIMARY", TD2, "COMPLETED")], previous=TD1)
    reads(stubs, current=steady, definition=task_definition(TD2, container(V2)), image_tag=None)
    stubs["ecs"].add_response("describe_task_definition", task_definition(TD1, container(V1), status="INACTIVE"))
    result, failed = run(rollback=True)
    assert failed and result["msg"] == f"Cannot roll back service {NAME} to {TD1}: it is INACTIVE"


def test_minimum_desired_count_raises_a_bootstrapped_service(stubs, run):
    bootstrapped = service(TD1, [deployment("ecs-svc/1", "PRIMARY", TD1, "COMPLETED", 0, 0)], 0, 0)
    reads(stubs, current=bootstrapped)
    rolling = service(TD2, [deployment("ecs-svc/2", "PRIMARY", TD2, "IN_PROGRESS", 0, 2)], 0, 2)
    register_and_update(stubs, update={"cluster": CLUSTER, "service": NAME, "taskDefinition": TD2, "desiredCount": 2},
                        answer=rolling)
    describe(stubs, service(TD2, [deployment("ecs-svc/2", "PRIMARY", TD2, "COMPLETED", 2, 2)], 2, 2))
    tag(stubs, TD1)
    result, failed = run(image=V2, minimum_desired_count=2)
    assert not failed, result
    assert (result["desired_count"], result["running_count"]) == (2, 2)


def test_minimum_desired_count_never_lowers_the_count(stubs, run):
    reads(stubs, current=service(TD1, [deployment("ecs-svc/1", "PRIMARY", TD1, "COMPLETED", 3, 3)], 3, 3), image_tag="v1")
    result, failed = run(image=V1, minimum_desired_count=1)
    assert not failed and result["changed"] is False and result["desired_count"] == 3


def test_several_containers_need_container_name(stubs, run):
    reads(stubs, definition=task_definition(TD1, container(V1), container("envoy:1", name="proxy")), image_tag=None)
    result, failed = run(image=V2)
    assert failed and result["msg"] == f"Task definition {TD1} has several containers (app, proxy): set container_name"


@pytest.mark.parametrize("args", [{}, {"image": V2, "rollback": True}, {"force_new_deployment": True, "rollback": True}])
def test_exactly_one_of_image_force_and_rollback(stubs, run, args):
    result, failed = run(**args)
    assert failed and result["msg"].startswith("exactly one of image, force_new_deployment=true and rollback=true")


def test_a_missing_service_fails_naming_it(stubs, run):
    stubs["ecs"].add_response("describe_services", {"services": [], "failures": [{"arn": SERVICE_ARN, "reason": "MISSING"}]})
    result, failed = run(image=V2)
    assert failed and result["msg"].startswith(f"Service {NAME} of cluster {CLUSTER} does not exist")


def test_check_mode_rollback_names_the_revision_and_image_it_would_restore_and_writes_nothing(stubs, run):
    steady = service(TD2, [deployment("ecs-svc/2", "PRIMARY", TD2, "COMPLETED")], previous=TD1)
    reads(stubs, current=steady, definition=task_definition(TD2, container(V2)), image_tag=None)
    stubs["ecs"].add_response("describe_task_definition", task_definition(TD1, container(V1)),
                              {"taskDefinition": TD1, "include": ["TAGS"]})
    result, failed = run(check_mode=True, diff=True, rollback=True)
    assert not failed, result
    assert (result["changed"], result["image"], result["previous_task_definition_arn"]) == (True, V1, TD2)
    assert (result["diff"]["before"]["task_definition"], result["diff"]["after"]["task_definition"]) == (TD2, TD1)
    for stub in stubs.values():
        stub.assert_no_pending_responses()  # no write was queued, and none was made


def test_the_duration_is_reported_in_tenths_of_a_second(stubs, run, monkeypatch):
    ticks = iter([100.0, 112.34])
    monkeypatch.setattr(ecs_rollout.time, "monotonic", lambda: next(ticks, 112.34))
    reads(stubs)
    register_and_update(stubs)
    describe(stubs, DONE_V2)
    tag(stubs, TD1)
    result, failed = run(image=V2)
    assert not failed, result
    assert result["duration"] == 12.3


def test_rollback_of_a_service_already_on_the_recorded_revision_changes_nothing(stubs, run):
    # A rollback repeated after it completed: the service runs the recorded revision; nothing to do, nothing written.
    at_previous = service(TD1, [deployment("ecs-svc/3", "PRIMARY", TD1, "COMPLETED")], previous=TD1)
    reads(stubs, current=at_previous, definition=task_definition(TD1, container(V1)), image_tag=None)
    result, failed = run(rollback=True)
    assert not failed, result
    assert result["changed"] is False and result["task_definition_arn"] == TD1
