# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.logs_log_group against moto's in-process CloudWatch Logs."""

from __future__ import annotations

import boto3
import pytest

from ansible_collections.jwtpizza.cloud.plugins.modules import logs_log_group

pytestmark = pytest.mark.usefixtures("moto_aws")

NAME = "/ecs/jwt-pizza-dev-service"
WRITES = ("CreateLogGroup", "PutRetentionPolicy", "TagLogGroup", "UntagLogGroup", "DeleteLogGroup")


def writes(api_calls):
    return [name for name, _params in api_calls if name in WRITES]


def group():
    return next(iter(boto3.client("logs").describe_log_groups(logGroupNamePrefix=NAME)["logGroups"]), None)


def run(run_module, check_mode=False, **args):
    result, failed = run_module(logs_log_group, {"name": NAME, **args}, check_mode=check_mode, diff=True)
    assert not failed, result
    return result


def test_create_then_nothing_to_do(run_module, api_calls):
    first = run(run_module, retention=30, tags={"Project": "jwt-pizza"})
    assert first["changed"] and first["log_group"]["retention"] == 30 and first["log_group"]["tags"] == {"Project": "jwt-pizza"}
    api_calls.clear()
    again = run(run_module, retention=30, tags={"Project": "jwt-pizza"})
    assert again["changed"] is False and writes(api_calls) == []


def test_check_mode_writes_nothing_and_shows_the_new_retention(run_module, api_calls):
    run(run_module, retention=30)
    api_calls.clear()
    planned = run(run_module, check_mode=True, retention=14)
    assert planned["changed"] is True and writes(api_calls) == []
    assert planned["diff"]["before"]["retention"] == 30 and planned["diff"]["after"]["retention"] == 14
    assert group()["retentionInDays"] == 30


def test_a_changed_retention_and_tags_are_applied(run_module):
    run(run_module, retention=30, tags={"Project": "jwt-pizza", "Old": "x"})
    changed = run(run_module, retention=14, tags={"Project": "jwt-pizza"})
    assert changed["changed"] and group()["retentionInDays"] == 14
    assert changed["diff"]["before"]["tags"] == {"Project": "jwt-pizza", "Old": "x"}
    assert changed["diff"]["after"]["tags"] == {"Project": "jwt-pizza"}
    assert boto3.client("logs").list_tags_log_group(logGroupName=NAME)["tags"] == {"Project": "jwt-pizza"}


def test_absent_deletes_and_a_second_absent_changes_nothing(run_module, api_calls):
    run(run_module, retention=30)
    assert run(run_module, state="absent")["changed"] is True and group() is None
    api_calls.clear()
    assert run(run_module, state="absent")["changed"] is False and writes(api_calls) == []


def test_a_retention_logs_does_not_accept_fails_before_any_call(run_module, api_calls):
    result, failed = run_module(logs_log_group, {"name": NAME, "retention": 31})
    assert failed and result["msg"].startswith("retention must be one of 1, 3, 5")
    assert writes(api_calls) == []


# The values PutRetentionPolicy accepts (CloudWatch Logs API reference, PutRetentionPolicy, retentionInDays).
DOCUMENTED_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
                             3288, 3653)


@pytest.mark.parametrize("days", DOCUMENTED_RETENTION_DAYS)
def test_every_retention_cloudwatch_documents_is_accepted(run_module, days):
    assert run(run_module, check_mode=True, retention=days)["diff"]["after"]["log_group"]["retention"] == days


def test_the_delete_helper_says_whether_it_deleted():
    client = boto3.client("logs")
    client.create_log_group(logGroupName=NAME)
    assert logs_log_group.delete_log_group(client, NAME) is True
    assert logs_log_group.delete_log_group(client, NAME) is False


def test_a_tag_change_alone_is_a_change(run_module, api_calls):
    run(run_module, retention=30, tags={"Project": "jwt-pizza"})
    api_calls.clear()
    changed = run(run_module, retention=30, tags={"Project": "jwt-pizza", "Owner": "team"})
    assert changed["changed"] is True and writes(api_calls) == ["TagLogGroup"]
    assert changed["log_group"]["tags"] == {"Project": "jwt-pizza", "Owner": "team"}


def test_a_create_refused_as_taken_after_a_lost_answer_counts_as_the_create(run_module, api_calls, lost_answers):
    """The first CreateLogGroup reached AWS, its answer was lost and botocore sent it again: the group exists."""
    answered = lost_answers("CreateLogGroup")
    result = run(run_module, retention=30, tags={"Project": "jwt-pizza"})
    assert answered == ["ResourceAlreadyExistsException"]
    assert result["changed"] is True and result["log_group"]["retention"] == 30
    assert writes(api_calls) == ["CreateLogGroup", "CreateLogGroup", "PutRetentionPolicy"]
    assert boto3.client("logs").list_tags_log_group(logGroupName=NAME)["tags"] == {"Project": "jwt-pizza"}


def test_a_group_made_meanwhile_by_another_run_gets_the_retention_and_tags(run_module, lost_answers):
    other = {"logGroupName": NAME, "tags": {"Project": "other", "Old": "x"}}
    answered = lost_answers("CreateLogGroup", lost=0, before=lambda: boto3.client("logs").create_log_group(**other))
    result = run(run_module, retention=14, tags={"Project": "jwt-pizza"})
    assert answered == ["ResourceAlreadyExistsException"] and result["changed"] is True
    assert group()["retentionInDays"] == 14
    # The diff is the one of a create (nothing before): the other run's tags were never this run's to show.
    assert result["diff"]["before"] == {"log_group": {}}
    assert result["diff"]["after"] == {"log_group": {"name": NAME, "retention": 14, "tags": {"Project": "jwt-pizza"}}}
    assert boto3.client("logs").list_tags_log_group(logGroupName=NAME)["tags"] == {"Project": "jwt-pizza"}
