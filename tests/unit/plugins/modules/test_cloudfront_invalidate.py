# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.cloudfront_invalidate: moto's in-process CloudFront, and Stubber sequences for waits."""

from __future__ import annotations

import datetime

import boto3
import pytest
from botocore.stub import ANY

from ansible_collections.jwtpizza.cloud.plugins.modules import cloudfront_invalidate

pytestmark = pytest.mark.usefixtures("shared_botocore_models")

REGION = "us-east-1"


@pytest.fixture
def distribution(moto_aws):
    """ID of a distribution whose comment is "jwtpizza-test" (and of a second, other one)."""
    client = boto3.client("cloudfront", region_name=REGION)

    def create(comment):
        config = {
            "CallerReference": comment,
            "Comment": comment,
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [{"Id": "o", "DomainName": "b.s3.amazonaws.com", "S3OriginConfig": {"OriginAccessIdentity": ""}}],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "o",
                "ViewerProtocolPolicy": "redirect-to-https",
                "MinTTL": 0,
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
            },
        }
        return client.create_distribution(DistributionConfig=config)["Distribution"]["Id"]

    create("other")
    return create("jwtpizza-test")


@pytest.fixture
def run(module_exit):
    def run_invalidate(check_mode=False, **args):
        ended = module_exit(
            cloudfront_invalidate, dict({"reference_seed": "build-1", "_ansible_diff": True}, **args), check_mode=check_mode
        )
        assert not ended.failed, ended.result
        return ended.result

    return run_invalidate


def created(api_calls):
    return [params for name, params in api_calls if name == "CreateInvalidation"]


def test_empty_paths_make_no_call(api_calls, module_exit, aws_env):
    result = module_exit(cloudfront_invalidate, {"distribution_name": "nowhere", "paths": [], "reference_seed": "x"}).result
    assert result["changed"] is False and result["invalidation"] == {} and result["path_count"] == 0
    assert api_calls == []


def test_invalidates_sorted_unique_paths_by_distribution_name(api_calls, run, distribution):
    result = run(distribution_name="jwtpizza-test", paths=["/index.html", "/", "index.html"])
    assert result["changed"] is True and result["distribution_id"] == distribution
    assert result["invalidation"]["paths"] == ["/", "/index.html"] and result["invalidation"]["id"]
    assert (result["path_count"], result["fell_back_to_wildcard"]) == (2, False)
    (sent,) = created(api_calls)
    assert sent["DistributionId"] == distribution
    assert sent["InvalidationBatch"]["Paths"] == {"Quantity": 2, "Items": ["/", "/index.html"]}
    listed = boto3.client("cloudfront", region_name=REGION).list_invalidations(DistributionId=distribution)["InvalidationList"]
    assert [item["Id"] for item in listed["Items"]] == [result["invalidation"]["id"]]


def test_more_than_max_paths_become_one_wildcard(api_calls, run, distribution):
    paths = [f"/page-{n}.html" for n in range(16)]
    result = run(distribution_id=distribution, paths=paths)
    assert (result["path_count"], result["fell_back_to_wildcard"], result["invalidation"]["paths"]) == (1, True, ["/*"])
    assert created(api_calls)[0]["InvalidationBatch"]["Paths"]["Items"] == ["/*"]
    assert run(distribution_id=distribution, paths=paths[:15])["path_count"] == 15
    assert run(distribution_id=distribution, paths=paths[:3], max_paths=2)["fell_back_to_wildcard"] is True


def test_a_retry_reuses_the_reference_and_another_deploy_does_not(api_calls, run, distribution):
    first = run(distribution_id=distribution, paths=["/", "/index.html"])
    retry = run(distribution_id=distribution, paths=["/index.html", "/"])
    later = run(distribution_id=distribution, paths=["/", "/index.html"], reference_seed="build-2")
    references = [params["InvalidationBatch"]["CallerReference"] for params in created(api_calls)]
    assert references[0] == references[1] != references[2]
    assert first["invalidation"]["caller_reference"] == references[0]
    assert later["invalidation"]["caller_reference"] == references[2]
    assert run(distribution_id=distribution, paths=["/"], caller_reference="mine")["invalidation"]["caller_reference"] == "mine"
    assert retry["changed"] is True


def test_wait_ends_when_completed_whatever_the_case(run, distribution):
    # moto 5.2.5 answers COMPLETED (upper case); AWS and the project's emulator say Completed.
    result = run(distribution_id=distribution, paths=["/"], wait=True, wait_timeout=5)
    assert result["invalidation"]["status"].lower() == "completed"


def test_check_mode_reports_and_creates_nothing(api_calls, run, distribution):
    result = run(check_mode=True, distribution_name="jwtpizza-test", paths=["/index.html", "/"])
    assert result["changed"] is True and result["invalidation"]["id"] == ""
    assert result["invalidation"]["paths"] == ["/", "/index.html"]
    assert result["diff"] == {"before": {}, "after": {"paths": ["/", "/index.html"]}}
    assert created(api_calls) == []


def test_unknown_distribution_name_fails(module_exit, distribution):
    ended = module_exit(cloudfront_invalidate, {"distribution_name": "nope", "paths": ["/"], "reference_seed": "x"})
    assert ended.failed and "distribution_name" in ended.result["msg"] and "found none" in ended.result["msg"]


def test_a_reference_or_its_seed_is_required(module_exit, aws_env):
    ended = module_exit(cloudfront_invalidate, {"distribution_id": "E1", "paths": ["/"]})
    assert ended.failed and "caller_reference" in ended.result["msg"] and "reference_seed" in ended.result["msg"]


def invalidation(status):
    return {
        "Invalidation": {
            "Id": "I1",
            "Status": status,
            "CreateTime": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
            "InvalidationBatch": {"Paths": {"Quantity": 1, "Items": ["/"]}, "CallerReference": "r"},
        }
    }


def test_wait_polls_in_progress_until_completed(stubbed_clients, run, monkeypatch):
    monkeypatch.setattr(cloudfront_invalidate, "POLL_DELAY", 0)
    stub = stubbed_clients("cloudfront")["cloudfront"]
    stub.add_response(
        "create_invalidation", dict(invalidation("InProgress"), Location="l"), {"DistributionId": "E1", "InvalidationBatch": ANY}
    )
    stub.add_response("get_invalidation", invalidation("InProgress"), {"DistributionId": "E1", "Id": "I1"})
    stub.add_response("get_invalidation", invalidation("Completed"), {"DistributionId": "E1", "Id": "I1"})
    result = run(distribution_id="E1", paths=["/"], wait=True)
    assert result["invalidation"] == {"id": "I1", "status": "Completed", "paths": ["/"], "caller_reference": ANY}
    stub.assert_no_pending_responses()


def test_wait_timeout_names_the_invalidation_and_its_status(stubbed_clients, module_exit, monkeypatch):
    monkeypatch.setattr(cloudfront_invalidate, "POLL_DELAY", 0)
    stub = stubbed_clients("cloudfront")["cloudfront"]
    stub.add_response(
        "create_invalidation", dict(invalidation("InProgress"), Location="l"), {"DistributionId": "E1", "InvalidationBatch": ANY}
    )
    stub.add_response("get_invalidation", invalidation("InProgress"), {"DistributionId": "E1", "Id": "I1"})
    ended = module_exit(
        cloudfront_invalidate, {"distribution_id": "E1", "paths": ["/"], "reference_seed": "x", "wait": True, "wait_timeout": 0}
    )
    assert ended.failed
    assert "Timed out after 0s waiting for invalidation I1 of distribution E1 to be Completed" in ended.result["msg"]
    assert "'InProgress'" in ended.result["msg"]


def test_a_wildcard_among_the_paths_is_sent_alone_and_is_no_fallback(api_calls, run, distribution):
    result = run(distribution_id=distribution, paths=["/index.html", "/*", "assets/a.js"])
    assert (result["path_count"], result["fell_back_to_wildcard"], result["invalidation"]["paths"]) == (1, False, ["/*"])
    assert created(api_calls)[0]["InvalidationBatch"]["Paths"] == {"Quantity": 1, "Items": ["/*"]}


def test_the_reference_of_a_seed_and_paths_stays_the_same_across_versions():
    """A run killed after CreateInvalidation is found again by a later run, also of a newer collection: the reference of
    a seed and a set of paths is fixed (prefix, then the first 32 hex digits of the sha256 of the seed and sorted paths)."""
    reference = cloudfront_invalidate.default_reference("deploy-123", ["/b", "/a"])
    assert reference == "jwtpizza.cloud/5195ead07c9d9c5eaeda97e01b426e9c"
    assert cloudfront_invalidate.default_reference("deploy-123", ["/a", "/b"]) == reference
