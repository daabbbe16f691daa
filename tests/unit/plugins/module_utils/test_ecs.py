"""Unit tests of the ECS helpers (plugins/module_utils/_ecs*.py): the rollout verdict against stubbed describe_services answers."""

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _ecs
from ansible_collections.jwtpizza.cloud.plugins.module_utils import _ecs_rollout
from ansible_collections.jwtpizza.cloud.plugins.module_utils import _ecs_service
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaTimeout

CLUSTER = "pizza"
NAME = "pizza-service"
OLD = "arn:aws:ecs:us-east-1:123456789012:task-definition/pizza-service:1"
NEW = "arn:aws:ecs:us-east-1:123456789012:task-definition/pizza-service:2"


def deployment(dep_id, status, task_definition, rollout=None, running=1, desired=1, reason=None):
    """A deployment as DescribeServices documents it."""
    item = {
        "id": dep_id,
        "status": status,
        "taskDefinition": task_definition,
        "desiredCount": desired,
        "runningCount": running,
        "pendingCount": desired - running,
        "launchType": "FARGATE",
    }
    if rollout:
        item["rolloutState"] = rollout
        item["rolloutStateReason"] = reason or f"ECS deployment {dep_id} {rollout.lower()}."
    return item


def service(task_definition, deployments, running=1, desired=1, events=()):
    return {
        "serviceName": NAME,
        "serviceArn": f"arn:aws:ecs:us-east-1:123456789012:service/{CLUSTER}/{NAME}",
        "status": "ACTIVE",
        "taskDefinition": task_definition,
        "desiredCount": desired,
        "runningCount": running,
        "pendingCount": desired - running,
        "deployments": deployments,
        "events": [{"id": str(i), "message": m} for i, m in enumerate(events)],
    }


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


@pytest.fixture
def ecs(aws_env):
    client = boto3.client("ecs")
    with Stubber(client) as stubber:
        yield client, stubber


def answer(stubber, *services):
    for item in services:
        stubber.add_response(
            "describe_services",
            {"services": [item], "failures": []},
            {"cluster": CLUSTER, "services": [NAME], "include": ["TAGS"]},
        )


def wait(client, deployment_id="ecs-svc/2", timeout=60):
    clock = Clock()
    found = _ecs_rollout.wait_rollout(client, CLUSTER, NAME, NEW, deployment_id, timeout, delay=10, sleep=clock.sleep, clock=clock)
    return found, clock


def test_in_progress_then_completed(ecs):
    client, stubber = ecs
    rolling = service(NEW, [deployment("ecs-svc/2", "PRIMARY", NEW, "IN_PROGRESS", running=0),
                            deployment("ecs-svc/1", "ACTIVE", OLD, "COMPLETED")], running=1)
    running_not_healthy = service(NEW, [deployment("ecs-svc/2", "PRIMARY", NEW, "IN_PROGRESS"),
                                        deployment("ecs-svc/1", "ACTIVE", OLD, "COMPLETED")], running=2, desired=1)
    done = service(NEW, [deployment("ecs-svc/2", "PRIMARY", NEW, "COMPLETED")])
    answer(stubber, rolling, running_not_healthy, done)
    found, clock = wait(client)
    assert found["deployments"][0]["rolloutState"] == "COMPLETED"
    assert clock.now == 20
    stubber.assert_no_pending_responses()


def test_running_count_alone_is_not_done_while_the_rollout_is_in_progress():
    """runningCount counts tasks before they pass the health checks: only COMPLETED is done."""
    rolling = service(NEW, [deployment("ecs-svc/2", "PRIMARY", NEW, "IN_PROGRESS")], running=1, desired=1)
    assert _ecs_rollout.rollout_verdict(rolling, NEW, "ecs-svc/2") is False


def test_completed_needs_running_equal_desired():
    short = service(NEW, [deployment("ecs-svc/2", "PRIMARY", NEW, "COMPLETED")], running=1, desired=2)
    assert _ecs_rollout.rollout_verdict(short, NEW, "ecs-svc/2") is False
    assert _ecs_rollout.rollout_verdict(service(NEW, [deployment("ecs-svc/2", "PRIMARY", NEW, "COMPLETED")]), NEW) is True


def test_failed_rollout_fails_naming_the_events(ecs):
    client, stubber = ecs
    rolling = service(NEW, [deployment("ecs-svc/2", "PRIMARY", NEW, "IN_PROGRESS", running=0),
                            deployment("ecs-svc/1", "ACTIVE", OLD, "COMPLETED")])
    failed = service(NEW, [deployment("ecs-svc/2", "PRIMARY", NEW, "FAILED", running=0,
                                      reason="ECS deployment circuit breaker: tasks failed to start.")],
                     events=["(service pizza-service) deployment ecs-svc/2 deployment failed: tasks failed to start.",
                             "(service pizza-service) has started 1 tasks."])
    answer(stubber, rolling, failed)
    with pytest.raises(JwtPizzaAWSError) as raised:
        wait(client)
    message = raised.value.message
    assert f"Rollout of {NEW} to service {NAME} FAILED (ECS deployment circuit breaker: tasks failed to start.)" in message
    assert "latest events: (service pizza-service) deployment ecs-svc/2 deployment failed" in message
    assert "has started 1 tasks" in message


def test_rollback_to_the_previous_task_definition_fails(ecs):
    """The circuit breaker replaced the failed deployment by the last COMPLETED one: the service runs OLD again."""
    client, stubber = ecs
    rolling = service(NEW, [deployment("ecs-svc/2", "PRIMARY", NEW, "IN_PROGRESS", running=0),
                            deployment("ecs-svc/1", "ACTIVE", OLD, "COMPLETED")])
    rolled_back = service(OLD, [deployment("ecs-svc/3", "PRIMARY", OLD, "COMPLETED")],
                          events=["(service pizza-service) rolling back to deployment ecs-svc/1."])
    answer(stubber, rolling, rolled_back)
    with pytest.raises(JwtPizzaAWSError) as raised:
        wait(client)
    message = raised.value.message
    assert f"Service {NAME} went back to task definition {OLD} instead of {NEW} (circuit-breaker rollback)" in message
    assert "rolling back to deployment ecs-svc/1" in message


def test_timeout_names_the_deployments_and_events(ecs):
    client, stubber = ecs
    rolling = service(NEW, [deployment("ecs-svc/2", "PRIMARY", NEW, "IN_PROGRESS", running=0)], running=0,
                      events=["(service pizza-service) was unable to place a task."])
    answer(stubber, *[rolling] * 4)
    with pytest.raises(JwtPizzaTimeout) as raised:
        wait(client, timeout=30)
    message = raised.value.message
    assert message.startswith(f"Timed out after 30s waiting for service {NAME} to finish the rollout of {NEW}")
    assert "running 0 of 1" in message
    assert "ecs-svc/2 PRIMARY" in message and "rollout IN_PROGRESS" in message
    assert "was unable to place a task" in message
    stubber.assert_no_pending_responses()


def test_without_deployment_id_the_primary_of_the_registered_definition_counts():
    old_primary = service(NEW, [deployment("ecs-svc/1", "PRIMARY", OLD, "COMPLETED")])
    assert _ecs_rollout.rollout_verdict(old_primary, NEW) is False
    ours = service(NEW, [deployment("ecs-svc/2", "PRIMARY", NEW, "COMPLETED"), deployment("ecs-svc/1", "ACTIVE", OLD, "COMPLETED")])
    assert _ecs_rollout.rollout_verdict(ours, NEW) is True


def test_without_rollout_state_one_deployment_and_running_equal_desired():
    """Older APIs and the emulator report no rolloutState: one deployment left and running == desired."""
    two = service(NEW, [deployment("a", "PRIMARY", NEW), deployment("b", "ACTIVE", OLD)])
    assert _ecs_rollout.rollout_verdict(two, NEW) is False
    short = service(NEW, [deployment("a", "PRIMARY", NEW)], running=0, desired=1)
    assert _ecs_rollout.rollout_verdict(short, NEW) is False
    more = service(NEW, [deployment("a", "PRIMARY", NEW)], running=2, desired=1)
    assert _ecs_rollout.rollout_verdict(more, NEW) is False
    assert _ecs_rollout.rollout_verdict(service(NEW, [deployment("a", "PRIMARY", NEW)]), NEW) is True


def test_a_service_that_disappears_fails(ecs):
    client, stubber = ecs
    stubber.add_response("describe_services", {"services": [], "failures": [{"arn": NAME, "reason": "MISSING"}]})
    with pytest.raises(JwtPizzaAWSError, match="disappeared during its rollout"):
        wait(client)


def test_found_raises_on_failures_other_than_missing():
    with pytest.raises(JwtPizzaAWSError, match="Failed to describe service x: arn:1: ACCESS_DENIED"):
        _ecs.found({"services": [], "failures": [{"arn": "arn:1", "reason": "ACCESS_DENIED"}]}, "services", "service x")
    assert _ecs.found({"services": [], "failures": [{"arn": "arn:1", "reason": "MISSING"}]}, "services", "service x") == []


def test_list_task_definitions_keeps_exactly_the_family_by_revision(ecs):
    client, stubber = ecs
    arns = [NEW.replace(":2", ":10"), OLD, NEW, "arn:aws:ecs:us-east-1:123456789012:task-definition/pizza-service-2:7"]
    stubber.add_response("list_task_definitions", {"taskDefinitionArns": arns})
    assert _ecs.list_task_definitions(client, "pizza-service") == [OLD, NEW, NEW.replace(":2", ":10")]


def test_primary_deployment_id():
    assert _ecs_rollout.primary_deployment_id(service(NEW, [deployment("b", "ACTIVE", OLD), deployment("a", "PRIMARY", NEW)])) == "a"
    assert _ecs_rollout.primary_deployment_id({}) is None


def test_load_balancers_compare_by_target_group_container_and_port_in_any_order():
    a = {"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/a/1", "containerName": "app", "containerPort": 80}
    b = {"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/b/2", "containerName": "app", "containerPort": 81}
    assert _ecs_service.normalise_load_balancers([{**b, "loadBalancerName": None}, a]) == [a, b]
    assert _ecs_service.normalise_load_balancers([{**a, "containerPort": 8080}]) != _ecs_service.normalise_load_balancers([a])
    assert _ecs_service.normalise_load_balancers(None) == []
    assert _ecs_service.normalise_service({"loadBalancers": [b, a]})["loadBalancers"] == [a, b]


def test_inactive_revisions_are_deleted_ten_per_call_each_once():
    """DeleteTaskDefinitions takes at most 10 task definitions (ECS API reference); 23 need 3 calls, none repeated."""
    client = boto3.client("ecs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    arns = [f"arn:aws:ecs:us-east-1:123456789012:task-definition/pizza-service:{n}" for n in range(1, 24)]
    with Stubber(client) as stub:
        for start in (0, 10, 20):
            batch = arns[start:start + 10]
            stub.add_response("delete_task_definitions", {"taskDefinitions": [], "failures": []}, {"taskDefinitions": batch})
        _ecs.delete_task_definitions(client, arns)
        stub.assert_no_pending_responses()


def test_a_revision_deleted_already_is_no_failure_but_others_are():
    """A DeleteTaskDefinitions retried after its answer was lost finds the revisions gone: that is done; a revision
    that cannot be deleted for another reason fails, naming it and the reason."""
    client = boto3.client("ecs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    arns = [f"arn:aws:ecs:us-east-1:123456789012:task-definition/pizza-service:{n}" for n in (1, 2, 3)]
    gone = "The specified task definition does not exist. Specify a valid account, family, revision and try again."
    with Stubber(client) as stub:
        failures = [{"arn": arns[0], "reason": gone}, {"arn": arns[1], "reason": "MISSING"}]
        stub.add_response("delete_task_definitions", {"taskDefinitions": [], "failures": failures}, {"taskDefinitions": arns})
        _ecs.delete_task_definitions(client, arns)
        failures = [{"arn": arns[2], "reason": "The task definition is in use.", "detail": "ACTIVE"}]
        stub.add_response("delete_task_definitions", {"taskDefinitions": [], "failures": failures}, {"taskDefinitions": arns})
        with pytest.raises(JwtPizzaAWSError, match=r"pizza-service:3: The task definition is in use. ACTIVE"):
            _ecs.delete_task_definitions(client, arns)


def test_a_failure_shows_the_five_newest_service_events():
    """ECS lists events newest first; a failure or timeout message quotes the first five of them, no more."""
    service = {"events": [{"message": f"event {n}"} for n in range(7)]}
    assert _ecs_rollout.latest_events(service) == "event 0; event 1; event 2; event 3; event 4"
    assert _ecs_rollout.latest_events({}) == "none"


def test_the_reasons_are_those_of_the_newest_stopped_tasks_of_the_task_definition():
    """Of the stopped tasks, only the new task definition's count, newest first, three at most."""
    client = boto3.client("ecs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    td = "arn:aws:ecs:us-east-1:123456789012:task-definition/pizza-service:7"
    other = "arn:aws:ecs:us-east-1:123456789012:task-definition/pizza-service:6"
    stopped = [
        {"taskArn": f"arn:aws:ecs:us-east-1:123456789012:task/c/t{n}", "taskDefinitionArn": td if n != 9 else other,
         "stoppedAt": f"2026-12-07T00:0{n}:00Z", "stoppedReason": f"reason {n}"}
        for n in (1, 4, 2, 9, 3)
    ]
    arns = [t["taskArn"] for t in stopped]
    with Stubber(client) as stub:
        stub.add_response("list_tasks", {"taskArns": arns},
                          {"cluster": "c", "serviceName": "s", "desiredStatus": "STOPPED", "maxResults": 100})
        stub.add_response("describe_tasks", {"tasks": stopped, "failures": []}, {"cluster": "c", "tasks": arns})
        reasons = _ecs_rollout.stopped_task_reasons(client, "c", "s", td)
    assert reasons == "task t4: reason 4 | task t3: reason 3 | task t2: reason 2"
