"""Unit tests of _ecs_task_definition.register_once: RegisterTaskDefinition (no idempotency token) retried after a lost
answer leaves one revision, against moto's in-process ECS."""

import boto3
import pytest

from ansible_collections.jwtpizza.cloud.plugins.module_utils._ecs_task_definition import register_once

FAMILY = "pizza-service"
TAGS = ({"key": "Project", "value": "pizza"},)


def request(image="repo:v1", tags=TAGS):
    return {"family": FAMILY, "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
            "containerDefinitions": [{"name": "app", "image": image, "essential": True}], "tags": list(tags)}


def revisions(status="ACTIVE"):
    arns = boto3.client("ecs").list_task_definitions(familyPrefix=FAMILY, status=status)["taskDefinitionArns"]
    return sorted(int(arn.rsplit(":", 1)[1]) for arn in arns)


@pytest.fixture
def ecs(moto_aws):
    return boto3.client("ecs")


def test_a_register_retried_twice_keeps_the_first_revision_and_deletes_the_others(ecs, lost_answers, api_calls):
    lost_answers("RegisterTaskDefinition", lost=2)
    arn = register_once(ecs, request())
    assert arn.endswith(f"task-definition/{FAMILY}:1")
    assert revisions() == [1]
    assert revisions("INACTIVE") == []
    deregistered = [params["taskDefinition"].rsplit(":", 1)[1] for name, params in api_calls if name == "DeregisterTaskDefinition"]
    assert deregistered == ["2", "3"]
    deleted = [params["taskDefinitions"] for name, params in api_calls if name == "DeleteTaskDefinitions"]
    assert [sorted(d.rsplit(":", 1)[1] for d in batch) for batch in deleted] == [["2", "3"]]


def test_a_register_answered_at_once_reads_the_family_once(ecs, api_calls):
    arn = register_once(ecs, request())
    assert [name for name, _params in api_calls] == ["RegisterTaskDefinition", "ListTaskDefinitions"]
    assert arn.endswith(":1") and revisions() == [1]


def test_the_revision_compared_with_is_never_described(ecs, api_calls):
    ecs.register_task_definition(**request("repo:v1"))
    api_calls.clear()
    arn = register_once(ecs, request("repo:v2"), older=1)
    assert [name for name, _params in api_calls] == ["RegisterTaskDefinition", "ListTaskDefinitions"]
    assert arn.endswith(":2") and revisions() == [1, 2]


@pytest.mark.parametrize("older_image, older_tags", [("repo:v1", [{"key": "Project", "value": "other"}]), ("repo:v0", TAGS)])
def test_an_older_revision_that_differs_in_fields_or_tags_is_no_copy(ecs, api_calls, older_image, older_tags):
    ecs.register_task_definition(**request(older_image, older_tags))
    api_calls.clear()
    arn = register_once(ecs, request("repo:v1"))
    assert [name for name, _params in api_calls] == ["RegisterTaskDefinition", "ListTaskDefinitions", "DescribeTaskDefinition"]
    assert arn.endswith(":2") and revisions() == [1, 2]
