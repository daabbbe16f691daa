# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.cloudfront_origin_access_control against moto's in-process CloudFront."""

from __future__ import annotations

import sys
from pathlib import Path

import boto3
import botocore.client
import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args
from moto import mock_aws

try:
    from ansible_collections.jwtpizza.cloud.plugins.modules import cloudfront_origin_access_control as oac_module
except ImportError:  # plain pytest from the checkout: the collection is linked under .venv/collections
    sys.path.insert(0, str(Path(__file__).resolve().parents[4] / ".venv" / "collections"))
    from ansible_collections.jwtpizza.cloud.plugins.modules import cloudfront_origin_access_control as oac_module

REGION = "us-east-1"
WRITES = {"CreateOriginAccessControl", "UpdateOriginAccessControl", "DeleteOriginAccessControl"}


class Exit(Exception):
    def __init__(self, result, failed):
        super().__init__(result)
        self.result = result
        self.failed = failed


@pytest.fixture(autouse=True)
def aws(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)

    def exit_json(self, **kwargs):
        raise Exit(kwargs, failed=False)

    def fail_json(self, **kwargs):
        raise Exit(kwargs, failed=True)

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    with mock_aws():
        yield


@pytest.fixture
def calls(monkeypatch):
    """Every AWS operation the module makes, as (name, params)."""
    made = []
    original = botocore.client.BaseClient._make_api_call

    def record(self, operation, params):
        made.append((operation, params))
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", record)
    return made


def run(check_mode=False, **args):
    args = dict({"name": "site-oac"}, **args)
    if check_mode:
        args["_ansible_check_mode"] = True
    with patch_module_args(args), pytest.raises(Exit) as exc:
        oac_module.main()
    assert not exc.value.failed, exc.value.result
    return exc.value.result


def writes(calls):
    return [call[0] for call in calls if call[0] in WRITES]


def listed():
    client = boto3.client("cloudfront", region_name=REGION)
    return client.list_origin_access_controls()["OriginAccessControlList"].get("Items") or []


def test_create_then_rerun_changes_nothing(calls):
    first = run(description="frontend")
    assert first["changed"] is True
    oac = first["origin_access_control"]
    assert oac["id"] and oac["name"] == "site-oac" and oac["etag"]
    assert (oac["origin_type"], oac["signing_behavior"], oac["signing_protocol"]) == ("s3", "always", "sigv4")
    assert [x["Id"] for x in listed()] == [oac["id"]]

    calls.clear()
    second = run(description="frontend")
    assert second["changed"] is False
    assert second["origin_access_control"]["id"] == oac["id"]
    assert writes(calls) == []


def test_missing_description_in_read_is_not_drift(calls):
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
    calls.clear()
    assert run(description="")["changed"] is False
    assert run()["changed"] is False
    assert writes(calls) == []


def test_single_field_change_updates_with_etag(calls):
    oac_id = run(description="frontend")["origin_access_control"]["id"]
    calls.clear()
    result = run(description="frontend", signing_behavior="no-override")
    assert result["changed"] is True
    assert result["diff"]["before"]["signing_behavior"] == "always"
    assert result["diff"]["after"]["signing_behavior"] == "no-override"
    changed_keys = {k for k in result["diff"]["after"] if result["diff"]["after"][k] != result["diff"]["before"][k]}
    assert changed_keys == {"signing_behavior"}
    updates = [params for name, params in calls if name == "UpdateOriginAccessControl"]
    assert len(updates) == 1
    assert updates[0]["Id"] == oac_id and updates[0]["IfMatch"]
    assert updates[0]["OriginAccessControlConfig"]["Description"] == "frontend"
    assert listed()[0]["SigningBehavior"] == "no-override"


def test_check_mode_writes_nothing(calls):
    result = run(check_mode=True, description="frontend")
    assert result["changed"] is True
    assert result["diff"]["after"]["name"] == "site-oac"
    assert writes(calls) == [] and listed() == []

    run(description="frontend")
    calls.clear()
    assert run(check_mode=True, description="changed")["changed"] is True
    assert run(check_mode=True, state="absent")["changed"] is True
    assert writes(calls) == []
    assert listed()[0]["Description"] == "frontend"


def test_absent_deletes_then_is_a_no_op(calls):
    run()
    calls.clear()
    assert run(state="absent")["changed"] is True
    deletes = [params for name, params in calls if name == "DeleteOriginAccessControl"]
    assert len(deletes) == 1 and deletes[0]["IfMatch"]
    assert listed() == []
    calls.clear()
    assert run(state="absent")["changed"] is False
    assert writes(calls) == []


def test_finds_by_name_among_others():
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
