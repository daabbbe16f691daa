# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.cloudfront_origin_access_control against moto's in-process CloudFront."""

from __future__ import annotations

import boto3
import botocore.client
import botocore.exceptions
import pytest

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._cloudfront import delete_retrying
from ansible_collections.jwtpizza.cloud.plugins.modules import cloudfront_origin_access_control as oac_module

pytestmark = pytest.mark.usefixtures("moto_aws")
REGION = "us-east-1"
WRITES = {"CreateOriginAccessControl", "UpdateOriginAccessControl", "DeleteOriginAccessControl"}


@pytest.fixture
def run(module_exit):
    """run(check_mode=False, **args) -> the result of the origin access control "site-oac"; the run must succeed."""

    def run_oac(check_mode=False, **args):
        ended = module_exit(oac_module, dict({"name": "site-oac", "_ansible_diff": True}, **args), check_mode=check_mode)
        assert not ended.failed, ended.result
        return ended.result

    return run_oac


def writes(api_calls):
    return [name for name, _params in api_calls if name in WRITES]


def listed():
    client = boto3.client("cloudfront", region_name=REGION)
    return client.list_origin_access_controls()["OriginAccessControlList"].get("Items") or []


def test_create_then_rerun_changes_nothing(api_calls, run):
    first = run(description="frontend")
    assert first["changed"] is True
    oac = first["origin_access_control"]
    assert oac["id"] and oac["name"] == "site-oac" and oac["etag"]
    assert (oac["origin_type"], oac["signing_behavior"], oac["signing_protocol"]) == ("s3", "always", "sigv4")
    assert [x["Id"] for x in listed()] == [oac["id"]]

    api_calls.clear()
    second = run(description="frontend")
    assert second["changed"] is False
    assert second["origin_access_control"]["id"] == oac["id"]
    assert writes(api_calls) == []


def test_missing_description_in_read_is_not_drift(api_calls, run):
    # moto omits a description never set from its reads; the real API returns "".
    boto3.client("cloudfront", region_name=REGION).create_origin_access_control(
        OriginAccessControlConfig={
            "Name": "site-oac",
            "SigningProtocol": "sigv4",
            "SigningBehavior": "always",
            "OriginAccessControlOriginType": "s3",
        }
    )
    assert "Description" not in listed()[0]
    api_calls.clear()
    assert run(description="")["changed"] is False
    assert run()["changed"] is False
    assert writes(api_calls) == []


def test_single_field_change_updates_with_etag(api_calls, run):
    oac_id = run(description="frontend")["origin_access_control"]["id"]
    api_calls.clear()
    result = run(description="frontend", signing_behavior="no-override")
    assert result["changed"] is True
    assert result["diff"]["before"]["signing_behavior"] == "always"
    assert result["diff"]["after"]["signing_behavior"] == "no-override"
    changed_keys = {k for k in result["diff"]["after"] if result["diff"]["after"][k] != result["diff"]["before"][k]}
    assert changed_keys == {"signing_behavior"}
    updates = [params for name, params in api_calls if name == "UpdateOriginAccessControl"]
    assert len(updates) == 1
    assert updates[0]["Id"] == oac_id and updates[0]["IfMatch"]
    assert updates[0]["OriginAccessControlConfig"]["Description"] == "frontend"
    assert listed()[0]["SigningBehavior"] == "no-override"


def test_check_mode_writes_nothing(api_calls, run):
    result = run(check_mode=True, description="frontend")
    assert result["changed"] is True
    assert result["diff"]["after"]["name"] == "site-oac"
    assert writes(api_calls) == [] and listed() == []

    run(description="frontend")
    api_calls.clear()
    assert run(check_mode=True, description="changed")["changed"] is True
    assert run(check_mode=True, state="absent")["changed"] is True
    assert writes(api_calls) == []
    assert listed()[0]["Description"] == "frontend"


def test_absent_deletes_then_is_a_no_op(api_calls, run):
    run()
    api_calls.clear()
    assert run(state="absent")["changed"] is True
    deletes = [params for name, params in api_calls if name == "DeleteOriginAccessControl"]
    assert len(deletes) == 1 and deletes[0]["IfMatch"]
    assert listed() == []
    api_calls.clear()
    assert run(state="absent")["changed"] is False
    assert writes(api_calls) == []


def test_finds_by_name_among_others(run):
    client = boto3.client("cloudfront", region_name=REGION)
    for name in ("other-a", "other-b"):
        client.create_origin_access_control(
            OriginAccessControlConfig={
                "Name": name,
                "SigningProtocol": "sigv4",
                "SigningBehavior": "always",
                "OriginAccessControlOriginType": "s3",
            }
        )
    oac_id = run()["origin_access_control"]["id"]
    assert run()["origin_access_control"]["id"] == oac_id
    assert len(listed()) == 3


def test_a_create_refused_as_taken_after_its_first_try_reached_cloudfront_uses_that_control(monkeypatch, run):
    """botocore resends a create whose answer was lost; CloudFront then refuses the name (it is taken by the first
    try): the module reads that control instead of failing, and no second control is made."""
    original = oac_module.cf.create_origin_access_control

    def first_try_reached_cloudfront_then_the_retry_is_refused(client, config):
        original(client, config)
        error = botocore.exceptions.ClientError(
            {"Error": {"Code": "OriginAccessControlAlreadyExists", "Message": "taken"}}, "CreateOriginAccessControl")
        raise JwtPizzaAWSError(exception=error, message="Failed to create the origin access control")

    monkeypatch.setattr(oac_module.cf, "create_origin_access_control", first_try_reached_cloudfront_then_the_retry_is_refused)
    result = run(description="reached")
    assert result["changed"] is True and [item["Id"] for item in listed()] == [result["origin_access_control"]["id"]]
    assert result["origin_access_control"]["description"] == "reached"


def test_another_create_error_is_not_read_as_taken(monkeypatch, module_exit):
    def refused(client, config):
        error = botocore.exceptions.ClientError({"Error": {"Code": "TooManyOriginAccessControls", "Message": "m"}}, "Create")
        raise JwtPizzaAWSError(exception=error, message="Failed to create the origin access control")

    monkeypatch.setattr(oac_module.cf, "create_origin_access_control", refused)
    ended = module_exit(oac_module, {"name": "site-oac"})
    assert ended.failed and "TooManyOriginAccessControls" in str(ended.result) and listed() == []


def test_two_controls_of_the_name_fail_naming_both_before_any_write(module_exit, api_calls):
    """Names are the key of an origin access control: two of one name (an earlier tool's) are not guessed between."""
    client = boto3.client("cloudfront", region_name=REGION)
    config = {"Name": "site-oac", "SigningProtocol": "sigv4", "SigningBehavior": "always", "OriginAccessControlOriginType": "s3"}
    ids = [client.create_origin_access_control(OriginAccessControlConfig=config)["OriginAccessControl"]["Id"] for _attempt in range(2)]
    api_calls.clear()
    ended = module_exit(oac_module, {"name": "site-oac"})
    assert ended.failed and ended.result["msg"] == f"Several origin access controls are named 'site-oac': {', '.join(ids)}"
    assert writes(api_calls) == []


@pytest.fixture
def sleeps(monkeypatch):
    """The module's waits, recorded instead of slept."""
    made = []
    monkeypatch.setattr(oac_module.OriginAccessControlManager, "sleep", staticmethod(made.append), raising=False)
    return made


def refuse(monkeypatch, operation, answers):
    """Make ``operation`` answer the error codes of ``answers`` in turn (AWS's documented 409/412), then reach moto."""
    statuses = {"OriginAccessControlInUse": 409, "PreconditionFailed": 412, "AccessDenied": 403}
    original, pending, seen = botocore.client.BaseClient._make_api_call, list(answers), []

    def answer(self, name, params):
        if name == operation:
            seen.append(params)
            if pending:
                code = pending.pop(0)
                error = {"Error": {"Code": code, "Message": f"{code} (stubbed)"}, "ResponseMetadata": {"HTTPStatusCode": statuses[code]}}
                raise botocore.exceptions.ClientError(error, name)
        return original(self, name, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", answer)
    return seen


def test_absent_retries_while_cloudfront_still_counts_a_deleted_distribution(monkeypatch, api_calls, sleeps, run):
    """Just after its distribution is deleted, AWS still answers OriginAccessControlInUse for a while
    (hashicorp/terraform-provider-aws#28595); a moved ETag answers PreconditionFailed. Both are retried."""
    run()
    api_calls.clear()
    deletes = refuse(monkeypatch, "DeleteOriginAccessControl", ["OriginAccessControlInUse", "PreconditionFailed"])
    assert run(state="absent")["changed"] is True
    assert len(deletes) == 3 and listed() == []
    assert [name for name, _params in api_calls].count("GetOriginAccessControl") == 3  # the ETag read before each try
    assert sleeps == [15, 15]


def test_absent_gives_up_after_wait_timeout_naming_the_answer(monkeypatch, module_exit, sleeps):
    run_args = {"name": "site-oac"}
    assert not module_exit(oac_module, run_args).failed
    refuse(monkeypatch, "DeleteOriginAccessControl", ["OriginAccessControlInUse"] * 50)
    ended = module_exit(oac_module, dict(run_args, state="absent", wait_timeout=0))
    assert ended.failed and "OriginAccessControlInUse" in ended.result["msg"]
    assert len(listed()) == 1


def test_absent_does_not_retry_other_errors(monkeypatch, module_exit, sleeps):
    assert not module_exit(oac_module, {"name": "site-oac"}).failed
    deletes = refuse(monkeypatch, "DeleteOriginAccessControl", ["AccessDenied"])
    ended = module_exit(oac_module, {"name": "site-oac", "state": "absent"})
    assert ended.failed and len(deletes) == 1 and sleeps == []


def test_a_resource_gone_while_its_delete_was_refused_is_not_reported_as_deleted_by_this_call():
    """delete_retrying's promise: False when the resource was already gone, also when it went between two attempts."""
    refusal = botocore.exceptions.ClientError({"Error": {"Code": "OriginAccessControlInUse", "Message": "in use"}}, "Delete")

    def delete(_etag):
        raise JwtPizzaAWSError(message="Failed to delete", exception=refusal)

    gone = delete_retrying(lambda: None, delete, ("OriginAccessControlInUse",), timeout=10, delay=1, what="site-oac",
                           etag="E1", sleep=lambda _s: None, clock=lambda: 0)
    assert gone is False
    assert delete_retrying(lambda: "E2", lambda etag: etag == "E2", (), timeout=10, delay=1, what="site-oac") is True


def test_a_name_of_64_characters_is_accepted_and_65_refused(module_exit, api_calls):
    """CloudFront's limit for an origin access control's name (API reference, OriginAccessControlConfig: Name)."""
    assert not module_exit(oac_module, {"name": "n" * 64}).failed
    api_calls.clear()
    ended = module_exit(oac_module, {"name": "n" * 65})
    assert ended.failed and ended.result["msg"] == "name must be at most 64 characters" and api_calls == []
