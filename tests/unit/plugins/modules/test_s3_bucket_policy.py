# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.s3_bucket_policy against moto's in-process S3."""

from __future__ import annotations

import json

import boto3
import pytest

from ansible_collections.jwtpizza.cloud.plugins.modules import s3_bucket_policy

pytestmark = pytest.mark.usefixtures("moto_aws")

BUCKET = "jwt-pizza-dev-frontend"
DISTRIBUTION = "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE"
WRITES = ("PutBucketPolicy", "DeleteBucketPolicy")


def policy(*distributions):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowCloudFrontOriginAccessControl",
                "Effect": "Allow",
                "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/*",
                "Condition": {"StringEquals": {"AWS:SourceArn": list(distributions) or [DISTRIBUTION]}},
            }
        ],
    }


def stored():
    try:
        return json.loads(boto3.client("s3").get_bucket_policy(Bucket=BUCKET)["Policy"])
    except boto3.client("s3").exceptions.from_code("NoSuchBucketPolicy"):
        return {}


def writes(api_calls):
    return [name for name, _params in api_calls if name in WRITES]


@pytest.fixture
def bucket(moto_aws):
    boto3.client("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})


def run(run_module, check_mode=False, **args):
    result, failed = run_module(s3_bucket_policy, {"bucket": BUCKET, **args}, check_mode=check_mode, diff=True)
    assert not failed, result
    return result


@pytest.mark.usefixtures("bucket")
def test_set_then_a_rerun_reads_once_and_writes_nothing(run_module, api_calls):
    first = run(run_module, policy=policy())
    assert first["changed"] is True and first["policy"] == policy() and stored() == policy()
    assert first["diff"] == {"before": {"policy": {}}, "after": {"policy": policy()}}
    api_calls.clear()
    again = run(run_module, policy=policy())
    assert again["changed"] is False and "diff" not in again
    assert [name for name, _params in api_calls] == ["GetBucketPolicy"]


@pytest.mark.usefixtures("bucket")
def test_the_same_policy_written_otherwise_is_no_change(run_module, api_calls):
    run(run_module, policy=policy())
    same = policy()
    same["Statement"][0]["Condition"]["StringEquals"]["AWS:SourceArn"] = DISTRIBUTION  # one value, not a one-item list
    same["Statement"][0] = dict(reversed(list(same["Statement"][0].items())))
    api_calls.clear()
    assert run(run_module, policy=json.dumps(same))["changed"] is False and writes(api_calls) == []


@pytest.mark.usefixtures("bucket")
def test_a_new_distribution_is_written_and_shown(run_module):
    run(run_module, policy=policy())
    other = "arn:aws:cloudfront::123456789012:distribution/E3OTHER"
    changed = run(run_module, policy=policy(DISTRIBUTION, other))
    assert changed["changed"] is True and stored() == policy(DISTRIBUTION, other)
    assert changed["diff"]["before"]["policy"] == policy() and changed["diff"]["after"]["policy"] == policy(DISTRIBUTION, other)


@pytest.mark.usefixtures("bucket")
def test_check_mode_shows_the_change_and_writes_nothing(run_module, api_calls):
    run(run_module, policy=policy())
    other = "arn:aws:cloudfront::123456789012:distribution/E3OTHER"
    api_calls.clear()
    planned = run(run_module, check_mode=True, policy=policy(other))
    assert planned["changed"] is True and planned["policy"] == policy(other)
    assert planned["diff"]["after"]["policy"] == policy(other)
    assert writes(api_calls) == [] and stored() == policy()


def test_check_mode_on_a_bucket_still_to_be_created_reports_the_policy(run_module, api_calls):
    planned = run(run_module, check_mode=True, policy=policy())
    assert planned["changed"] is True and planned["diff"]["before"]["policy"] == {}
    assert writes(api_calls) == []


def test_a_missing_bucket_fails_naming_it(run_module, api_calls):
    result, failed = run_module(s3_bucket_policy, {"bucket": BUCKET, "policy": policy()})
    assert failed and result["msg"] == f"bucket {BUCKET} does not exist: create it before its policy"
    assert writes(api_calls) == []


def test_present_without_a_policy_fails_naming_the_option(run_module, api_calls):
    result, failed = run_module(s3_bucket_policy, {"bucket": BUCKET})
    assert failed and "policy" in result["msg"] and "state is present" in result["msg"]
    assert api_calls == []


@pytest.mark.usefixtures("bucket")
def test_absent_deletes_and_a_second_absent_changes_nothing(run_module, api_calls):
    run(run_module, policy=policy())
    planned = run(run_module, check_mode=True, state="absent")
    assert planned["changed"] is True and stored() == policy()
    removed = run(run_module, state="absent")
    assert removed["changed"] is True and removed["diff"] == {"before": {"policy": policy()}, "after": {"policy": {}}}
    assert stored() == {}
    api_calls.clear()
    assert run(run_module, state="absent")["changed"] is False and writes(api_calls) == []


def test_absent_on_a_missing_bucket_changes_nothing(run_module, api_calls):
    assert run(run_module, state="absent") == {"changed": False, "policy": {}}
    assert writes(api_calls) == []


def test_a_bucket_deleted_between_the_read_and_the_delete_is_no_change(stubbed_clients, run_module):
    stub = stubbed_clients("s3")["s3"]
    stub.add_response("get_bucket_policy", {"Policy": json.dumps(policy())}, {"Bucket": BUCKET})
    stub.add_client_error("delete_bucket_policy", "NoSuchBucket", "The specified bucket does not exist", 404,
                          expected_params={"Bucket": BUCKET})
    result = run(run_module, state="absent")
    assert result["changed"] is False and result["policy"] == {}
    stub.assert_no_pending_responses()
