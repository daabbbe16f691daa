# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.ecr_repository against moto's in-process ECR."""

from __future__ import annotations

import json

import boto3
import pytest

from ansible_collections.jwtpizza.cloud.plugins.modules import ecr_repository

pytestmark = pytest.mark.usefixtures("moto_aws")

NAME = "jwt-pizza-dev-service"
TAGS = {"Project": "jwt-pizza", "Environment": "dev", "ManagedBy": "jwtpizza.cloud"}
POLICY = {
    "rules": [
        {
            "rulePriority": 1,
            "description": "Expire untagged images 1 day(s) after push",
            "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1},
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 2,
            "description": "Keep the last 10 tagged images",
            "selection": {
                "tagStatus": "tagged",
                "tagPatternList": ["*"],
                "countType": "imageCountMoreThan",
                "countNumber": 10,
            },
            "action": {"type": "expire"},
        },
    ]
}
WRITES = {
    "CreateRepository",
    "PutImageTagMutability",
    "PutImageScanningConfiguration",
    "PutLifecyclePolicy",
    "DeleteLifecyclePolicy",
    "TagResource",
    "UntagResource",
    "DeleteRepository",
    "BatchDeleteImage",
}


def writes(api_calls):
    return [name for name, _params in api_calls if name in WRITES]


def args(**extra):
    return {
        "name": NAME,
        "image_tag_mutability": "MUTABLE",
        "scan_on_push": True,
        "lifecycle_policy": POLICY,
        "tags": dict(TAGS),
        **extra,
    }


def ecr():
    return boto3.client("ecr")


def read():
    """The repository as AWS holds it: (describe item, tags dict, parsed policy) or None."""
    try:
        repo = ecr().describe_repositories(repositoryNames=[NAME])["repositories"][0]
    except ecr().exceptions.RepositoryNotFoundException:
        return None
    tags = {t["Key"]: t["Value"] for t in ecr().list_tags_for_resource(resourceArn=repo["repositoryArn"])["tags"]}
    try:
        policy = json.loads(ecr().get_lifecycle_policy(repositoryName=NAME)["lifecyclePolicyText"])
    except ecr().exceptions.LifecyclePolicyNotFoundException:
        policy = None
    return repo, tags, policy


def push_image(tag="latest"):
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 7023,
            "digest": "sha256:" + "a" * 64,
        },
        "layers": [],
    }
    ecr().put_image(repositoryName=NAME, imageManifest=json.dumps(manifest), imageTag=tag)


def test_create_tags_the_repository_in_the_create_call(run_module, api_calls):
    result, failed = run_module(ecr_repository, args(), diff=True)
    assert not failed, result
    assert result["changed"] is True
    assert writes(api_calls) == ["CreateRepository", "PutLifecyclePolicy"]
    create_params = next(params for name, params in api_calls if name == "CreateRepository")
    assert {t["Key"]: t["Value"] for t in create_params["tags"]} == TAGS
    assert create_params["imageTagMutability"] == "MUTABLE"
    assert create_params["imageScanningConfiguration"] == {"scanOnPush": True}
    # The policy goes as canonical JSON (sorted keys): the same policy is always the same text.
    put_params = next(params for name, params in api_calls if name == "PutLifecyclePolicy")
    assert put_params["lifecyclePolicyText"] == json.dumps(POLICY, sort_keys=True)
    repo, tags, policy = read()
    assert tags == TAGS
    assert policy == POLICY
    assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
    out = result["repository"]
    assert out == {
        "name": NAME,
        "arn": repo["repositoryArn"],
        "uri": repo["repositoryUri"],
        "registry_id": repo["registryId"],
        "image_tag_mutability": "MUTABLE",
        "scan_on_push": True,
        "tags": TAGS,
    }
    assert out["uri"].endswith(f".dkr.ecr.us-east-1.amazonaws.com/{NAME}")
    assert result["lifecycle_policy"] == POLICY
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["tags"] == TAGS


def test_rerun_writes_nothing_and_reads_three_times(run_module, api_calls):
    first, failed = run_module(ecr_repository, args())
    assert not failed, first
    api_calls.clear()
    # The same policy as a JSON string with other key order and spacing is no change.
    text = json.dumps({"rules": list(reversed(POLICY["rules"]))}, indent=4, sort_keys=True)
    second, failed = run_module(ecr_repository, args(lifecycle_policy=text))
    assert not failed, second
    assert second["changed"] is False
    assert writes(api_calls) == []
    assert [name for name, _params in api_calls] == [
        "DescribeRepositories",
        "ListTagsForResource",
        "GetLifecyclePolicy",
    ]
    assert second["repository"] == first["repository"]
    assert second["lifecycle_policy"] == POLICY


@pytest.mark.parametrize(
    "change, expected_writes",
    [
        ({"image_tag_mutability": "IMMUTABLE"}, ["PutImageTagMutability"]),
        ({"scan_on_push": False}, ["PutImageScanningConfiguration"]),
        ({"lifecycle_policy": {"rules": POLICY["rules"][:1]}}, ["PutLifecyclePolicy"]),
        ({"lifecycle_policy": {}}, ["DeleteLifecyclePolicy"]),
        ({"tags": {**TAGS, "Environment": "prod"}}, ["TagResource"]),
        ({"tags": {"Project": "jwt-pizza"}}, ["UntagResource"]),
    ],
)
def test_each_change_is_detected_and_applied_alone(run_module, api_calls, change, expected_writes):
    run_module(ecr_repository, args())
    api_calls.clear()
    result, failed = run_module(ecr_repository, args(**change), diff=True)
    assert not failed, result
    assert result["changed"] is True
    assert writes(api_calls) == expected_writes
    ((key, value),) = change.items()
    assert result["diff"]["after"][key] == value
    assert result["diff"]["before"][key] != value
    repo, tags, policy = read()
    now = {
        "image_tag_mutability": repo["imageTagMutability"],
        "scan_on_push": repo["imageScanningConfiguration"]["scanOnPush"],
        "lifecycle_policy": policy or {},
        "tags": tags,
    }
    assert now[key] == value
    api_calls.clear()
    again, failed = run_module(ecr_repository, args(**change))
    assert again["changed"] is False
    assert writes(api_calls) == []


def test_unset_options_leave_the_repository_as_it_is(run_module, api_calls):
    run_module(ecr_repository, args(image_tag_mutability="IMMUTABLE"))
    api_calls.clear()
    result, failed = run_module(ecr_repository, {"name": NAME})
    assert not failed and result["changed"] is False
    assert writes(api_calls) == []
    assert result["repository"]["image_tag_mutability"] == "IMMUTABLE"
    assert result["repository"]["tags"] == TAGS


def test_check_mode_writes_nothing_on_create(run_module, api_calls):
    result, failed = run_module(ecr_repository, args(), check_mode=True, diff=True)
    assert not failed, result
    assert result["changed"] is True
    assert result["repository"] == {}
    assert result["diff"]["after"]["lifecycle_policy"] == POLICY
    assert result["diff"]["after"]["tags"] == TAGS
    assert writes(api_calls) == []
    assert read() is None


def test_check_mode_writes_nothing_on_change_nor_delete(run_module, api_calls):
    run_module(ecr_repository, args())
    api_calls.clear()
    changed, failed = run_module(
        ecr_repository,
        args(image_tag_mutability="IMMUTABLE", scan_on_push=False, lifecycle_policy={}, tags={"Project": "x"}),
        check_mode=True,
    )
    assert not failed, changed
    assert changed["changed"] is True
    assert changed["repository"]["image_tag_mutability"] == "IMMUTABLE"
    assert changed["repository"]["tags"] == {"Project": "x"}
    deleted, failed = run_module(ecr_repository, {"name": NAME, "state": "absent"}, check_mode=True)
    assert deleted["changed"] is True
    assert writes(api_calls) == []
    repo, tags, policy = read()
    assert (repo["imageTagMutability"], tags, policy) == ("MUTABLE", TAGS, POLICY)


def test_invalid_policy_fails_before_any_call(run_module, api_calls):
    result, failed = run_module(ecr_repository, args(lifecycle_policy="{not json"))
    assert failed
    assert "lifecycle_policy" in result["msg"]
    assert api_calls == []


def test_absent_with_images_needs_force_then_is_unchanged(run_module, api_calls):
    run_module(ecr_repository, args())
    push_image()
    refused, failed = run_module(ecr_repository, {"name": NAME, "state": "absent"})
    assert failed
    assert "force_delete" in refused["msg"]
    assert read() is not None
    deleted, failed = run_module(ecr_repository, {"name": NAME, "state": "absent", "force_delete": True}, diff=True)
    assert not failed, deleted
    assert deleted["changed"] is True
    assert deleted["diff"]["before"]["tags"] == TAGS
    assert deleted["repository"] == {}
    assert read() is None
    api_calls.clear()
    again, failed = run_module(ecr_repository, {"name": NAME, "state": "absent", "force_delete": True})
    assert not failed and again["changed"] is False
    assert writes(api_calls) == []


def test_a_read_without_scanning_configuration_does_not_scan_on_push():
    """DescribeRepositories may omit imageScanningConfiguration: no scanning, so scan_on_push=true is drift."""
    raw = {"repositoryName": "pizza", "repositoryArn": "arn:aws:ecr:us-east-1:123456789012:repository/pizza"}
    found = ecr_repository.normalise(raw, [], None)
    assert (found["scan_on_push"], found["image_tag_mutability"], found["uri"]) == (False, "MUTABLE", "")


@pytest.mark.parametrize("priorities", [[1, None], [2, 2], [1, "2"]], ids=["missing", "repeated", "text"])
def test_a_rule_without_a_unique_integer_priority_fails_before_any_call(run_module, api_calls, priorities):
    rules = [dict(rule, rulePriority=p) for rule, p in zip(POLICY["rules"], priorities, strict=True)]
    rules = [{k: v for k, v in rule.items() if v is not None} for rule in rules]
    result, failed = run_module(ecr_repository, args(lifecycle_policy={"rules": rules}))
    assert failed and result["msg"].startswith("lifecycle_policy: every rule needs a unique integer rulePriority; got ")
    assert api_calls == []


@pytest.mark.parametrize("policy", [POLICY, None])
def test_a_create_refused_as_taken_after_a_lost_answer_uses_the_repository(run_module, api_calls, lost_answers, policy):
    """The first CreateRepository reached ECR, its answer was lost and botocore sent it again: ECR refuses the name.
    The repository is this run's own, so the run reports a change even when nothing else is left to do."""
    answered = lost_answers("CreateRepository")
    result, failed = run_module(ecr_repository, args(lifecycle_policy=policy))
    assert not failed, result
    assert answered == ["RepositoryAlreadyExistsException"]
    assert result["changed"] is True
    repo, tags, read_policy = read()
    assert result["repository"]["arn"] == repo["repositoryArn"]
    assert (tags, read_policy) == (TAGS, policy)  # the policy, put after a create, is put by the update instead
    assert writes(api_calls) == ["CreateRepository", "CreateRepository"] + ["PutLifecyclePolicy"] * bool(policy)


def test_a_repository_taken_by_another_writer_is_brought_to_the_settings(run_module, lost_answers):
    answered = lost_answers("CreateRepository", lost=0, before=lambda: ecr().create_repository(repositoryName=NAME))
    result, failed = run_module(ecr_repository, args())
    assert not failed and result["changed"] is True, result
    assert answered == ["RepositoryAlreadyExistsException"]
    repo, tags, policy = read()
    assert (repo["imageScanningConfiguration"], tags, policy) == ({"scanOnPush": True}, TAGS, POLICY)
