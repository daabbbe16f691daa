# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.secretsmanager_app_secret against moto's in-process Secrets Manager."""

from __future__ import annotations

import datetime
import json

import boto3
import pytest
from botocore.exceptions import ClientError

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.modules import secretsmanager_app_secret

pytestmark = pytest.mark.usefixtures("moto_aws")

NAME = "jwt-pizza-dev/jwt-signing-key"
KNOWN = "known-value-5f3c9e1d7a"
TAGS = {"Project": "jwt-pizza", "Environment": "dev"}
WRITES = ("CreateSecret", "PutSecretValue", "UpdateSecret", "RestoreSecret", "DeleteSecret", "TagResource", "UntagResource")
READS_OF_THE_VALUE = ("GetSecretValue", "BatchGetSecretValue")


def writes(api_calls):
    return [name for name, _params in api_calls if name in WRITES]


def client():
    return boto3.client("secretsmanager")


def value():
    return client().get_secret_value(SecretId=NAME)["SecretString"]


def run(run_module, check_mode=False, **args):
    result, failed = run_module(secretsmanager_app_secret, {"name": NAME, **args}, check_mode=check_mode, diff=True)
    assert not failed, result
    return result


def test_creates_a_generated_value_once_then_changes_nothing(run_module, api_calls):
    first = run(run_module, description="JWT signing secret", tags=TAGS)
    assert first["changed"] and first["created"] and first["secret"]["arn"].startswith("arn:aws:secretsmanager:")
    assert first["secret"]["tags"] == TAGS and first["secret"]["description"] == "JWT signing secret"
    generated = value()
    assert len(generated) == 64 and generated.isalnum()
    assert [name for name, _params in api_calls if name == "GetRandomPassword"] == ["GetRandomPassword"]
    # The value is in no part of the result, the diff included.
    assert generated not in json.dumps(first)
    api_calls.clear()
    again = run(run_module, description="JWT signing secret", tags=TAGS)
    assert again["changed"] is False and writes(api_calls) == [] and again["secret"]["arn"] == first["secret"]["arn"]
    assert (again["created"], again["restored"]) == (False, False)


def test_an_existing_value_is_never_read_overwritten_or_returned(run_module, api_calls):
    client().create_secret(Name=NAME, SecretString=KNOWN)
    api_calls.clear()
    result = run(run_module, description="JWT signing secret", tags=TAGS)
    assert result["changed"] and not result["created"]
    called = [name for name, _params in api_calls]
    assert value() == KNOWN
    assert not set(called) & {"GetRandomPassword", "PutSecretValue", "CreateSecret", *READS_OF_THE_VALUE}, called
    assert KNOWN not in json.dumps(result)
    # UpdateSecret carries the description alone (a SecretString would make a new version; botocore adds the token).
    updates = [params for name, params in api_calls if name == "UpdateSecret"]
    assert updates and all(set(params) - {"ClientRequestToken"} == {"SecretId", "Description"} for params in updates)


def test_check_mode_creates_nothing(run_module, api_calls):
    planned = run(run_module, check_mode=True, tags=TAGS)
    assert planned["changed"] and planned["created"] and planned["secret"] == {}
    assert planned["diff"]["before"] == {} and planned["diff"]["after"]["secret"]["name"] == NAME
    assert writes(api_calls) == [] and "GetRandomPassword" not in [name for name, _params in api_calls]
    assert client().list_secrets()["SecretList"] == []


def test_tags_are_brought_to_the_requested_ones(run_module):
    run(run_module, tags={**TAGS, "Old": "x"})
    changed = run(run_module, tags=TAGS)
    assert changed["changed"] and changed["diff"]["after"]["tags"] == TAGS
    assert {t["Key"]: t["Value"] for t in client().describe_secret(SecretId=NAME)["Tags"]} == TAGS


def test_absent_schedules_the_deletion_and_a_second_absent_changes_nothing(run_module, api_calls):
    run(run_module, tags=TAGS)
    api_calls.clear()
    deleted = run(run_module, state="absent", recovery_window_days=9)
    assert deleted["changed"] and deleted["secret"]["deletion_date"]
    assert (deleted["created"], deleted["restored"]) == (False, False)
    assert [params for name, params in api_calls if name == "DeleteSecret"] == [
        {"SecretId": deleted["secret"]["arn"], "RecoveryWindowInDays": 9}
    ]
    assert "DeletedDate" in client().describe_secret(SecretId=NAME)
    api_calls.clear()
    again = run(run_module, state="absent")
    assert again["changed"] is False and writes(api_calls) == []
    assert (again["created"], again["restored"]) == (False, False)


def test_absent_in_check_mode_reports_the_deletion_and_deletes_nothing(run_module, api_calls):
    run(run_module, tags=TAGS)
    api_calls.clear()
    planned = run(run_module, check_mode=True, state="absent")
    assert planned["changed"] is True and writes(api_calls) == []
    assert planned["diff"]["before"]["secret"]["name"] == NAME and "secret" not in planned["diff"]["after"]
    assert "DeletedDate" not in client().describe_secret(SecretId=NAME)


def test_force_delete_deletes_without_recovery_even_when_scheduled(run_module, api_calls):
    run(run_module)
    run(run_module, state="absent")
    api_calls.clear()
    forced = run(run_module, state="absent", force_delete=True)
    assert forced["changed"]
    assert [params.get("ForceDeleteWithoutRecovery") for name, params in api_calls if name == "DeleteSecret"] == [True]


def test_absent_of_a_missing_secret_changes_nothing(run_module, api_calls):
    assert run(run_module, state="absent")["changed"] is False and writes(api_calls) == []


def test_present_restores_a_secret_scheduled_for_deletion_with_its_old_value(run_module, api_calls):
    client().create_secret(Name=NAME, SecretString=KNOWN)
    run(run_module, state="absent")
    planned = run(run_module, check_mode=True)
    assert planned["changed"] and planned["restored"] and planned["diff"]["after"]["deletion_date"] == ""
    assert "DeletedDate" in client().describe_secret(SecretId=NAME)
    api_calls.clear()
    restored = run(run_module)
    assert restored["changed"] and restored["restored"] and not restored["created"]
    assert writes(api_calls) == ["RestoreSecret"] and restored["secret"]["deletion_date"] == ""
    assert value() == KNOWN


def test_restore_false_fails_naming_the_deletion(run_module, api_calls):
    run(run_module)
    run(run_module, state="absent")
    api_calls.clear()
    result, failed = run_module(secretsmanager_app_secret, {"name": NAME, "restore": False})
    assert failed and "scheduled for deletion" in result["msg"] and "restore=true" in result["msg"]
    assert writes(api_calls) == []


@pytest.mark.parametrize("args, message", [
    ({"state": "absent", "recovery_window_days": 6}, "recovery_window_days must be 7-30"),
    ({"state": "absent", "recovery_window_days": 31}, "recovery_window_days must be 7-30"),
    ({"length": 0}, "length must be 1-4096"),
])
def test_bad_input_fails_before_any_call(run_module, api_calls, args, message):
    result, failed = run_module(secretsmanager_app_secret, {"name": NAME, **args})
    assert failed and result["msg"].startswith(message)
    assert api_calls == []


def test_a_create_whose_first_answer_was_lost_counts_as_existing(stubbed_clients, run_module):
    """CreateSecret answers ResourceExistsException when the secret exists already (a retry after a lost answer)."""
    sm = stubbed_clients("secretsmanager")["secretsmanager"]
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + NAME + "-AbCdEf"
    sm.add_client_error("describe_secret", "ResourceNotFoundException", expected_params={"SecretId": NAME})
    sm.add_response("get_random_password", {"RandomPassword": KNOWN}, {"PasswordLength": 64, "ExcludePunctuation": True})
    sm.add_client_error("create_secret", "ResourceExistsException")
    sm.add_response("describe_secret", {"ARN": arn, "Name": NAME}, {"SecretId": NAME})
    result, failed = run_module(secretsmanager_app_secret, {"name": NAME})
    sm.assert_no_pending_responses()
    assert not failed and result["changed"] is False and result["created"] is False and result["secret"]["arn"] == arn
    assert KNOWN not in json.dumps(result)


def test_deleted_date_is_reported_as_iso_text():
    when = datetime.datetime(2026, 12, 9, 3, 0, tzinfo=datetime.timezone.utc)
    shown = secretsmanager_app_secret.view({"ARN": "arn", "Name": NAME, "DeletedDate": when})
    assert shown["deletion_date"] == "2026-12-09T03:00:00+00:00"


SECOND = "jwt-pizza-dev/factory-api-key"


def run_both(run_module, check_mode=False, **args):
    listed = [{"name": NAME, "description": "JWT signing secret"}, {"name": SECOND, "description": "factory key"}]
    result, failed = run_module(secretsmanager_app_secret, {"secrets": listed, **args}, check_mode=check_mode, diff=True)
    assert not failed, result
    return result


def test_several_secrets_in_one_call_each_with_its_own_result(run_module, api_calls):
    first = run_both(run_module, tags=TAGS)
    assert first["changed"] and [item["created"] for item in first["secrets"]] == [True, True]
    assert [item["secret"]["name"] for item in first["secrets"]] == [NAME, SECOND]
    assert [item["secret"]["description"] for item in first["secrets"]] == ["JWT signing secret", "factory key"]
    assert set(first["diff"]["after"]) == {NAME, SECOND} and first["diff"]["before"] == {}
    assert "secret" not in first and "created" not in first
    api_calls.clear()
    again = run_both(run_module, tags=TAGS)
    assert not again["changed"] and writes(api_calls) == [] and [item["changed"] for item in again["secrets"]] == [False, False]
    assert [name for name, _params in api_calls] == ["DescribeSecret", "DescribeSecret"]


def test_one_changed_secret_of_several_changes_the_call_and_names_it_in_the_diff(run_module):
    run_both(run_module, tags=TAGS)
    client().update_secret(SecretId=SECOND, Description="edited by hand")
    result = run_both(run_module, tags=TAGS)
    assert result["changed"] and [item["changed"] for item in result["secrets"]] == [False, True]
    assert set(result["diff"]["after"]) == {SECOND}
    assert result["diff"]["after"][SECOND] == {"description": "factory key"}


def test_several_secrets_scheduled_for_deletion_in_one_call(run_module):
    run_both(run_module)
    removed = run_both(run_module, state="absent")
    assert removed["changed"] and all(item["secret"]["deletion_date"] for item in removed["secrets"])
    assert not run_both(run_module, state="absent")["changed"]


def test_name_and_secrets_are_exclusive(run_module, api_calls):
    result, failed = run_module(secretsmanager_app_secret, {"name": NAME, "secrets": [{"name": SECOND}]})
    assert failed and "mutually exclusive" in result["msg"] and "name|secrets" in result["msg"] and api_calls == []


def test_a_delete_sent_again_after_a_lost_answer_counts_as_done(run_module, lost_answers):
    run(run_module, tags=TAGS)
    answered = lost_answers("DeleteSecret")
    deleted = run(run_module, state="absent")
    assert answered == ["InvalidRequestException"]
    assert deleted["changed"] is True and deleted["secret"]["deletion_date"]
    assert "DeletedDate" in client().describe_secret(SecretId=NAME)


def test_a_refused_delete_of_a_secret_not_marked_deleted_fails(run_module, monkeypatch):
    """InvalidRequestException on a secret that DescribeSecret shows alive is a real refusal: the module fails with it."""
    run(run_module, tags=TAGS)
    refusal = ClientError({"Error": {"Code": "InvalidRequestException", "Message": "not now"}}, "DeleteSecret")

    def refuse(*_args):
        raise JwtPizzaAWSError(message="Failed to delete the secret: not now", exception=refusal)

    monkeypatch.setattr(secretsmanager_app_secret, "delete_secret", refuse)
    result, failed = run_module(secretsmanager_app_secret, {"name": NAME, "state": "absent"})
    assert failed and result["msg"].startswith("Failed to delete the secret: not now"), result
    assert "InvalidRequestException" in result["msg"]
    assert "DeletedDate" not in client().describe_secret(SecretId=NAME)
