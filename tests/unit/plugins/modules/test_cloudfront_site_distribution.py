# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.cloudfront_site_distribution against moto's in-process CloudFront."""

from __future__ import annotations

import copy

import boto3
import botocore.client
import botocore.exceptions
import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _cloudfront as cf
from ansible_collections.jwtpizza.cloud.plugins.modules import cloudfront_site_distribution as dist_module

pytestmark = pytest.mark.usefixtures("moto_aws")
REGION = "us-east-1"
NAME = "jwtpizza-dev-frontend"
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
ARGS = {
    "name": NAME,
    "origin_bucket_domain": "pizza.example.com.s3.us-west-2.amazonaws.com",
    "origin_access_control_id": "E2QWRUHAPOMQZL",
    "aliases": ["pizza.example.com"],
    "certificate_arn": CERT,
    "tags": {"Project": "jwtpizza"},
}
WRITES = {
    "CreateDistribution",
    "CreateDistributionWithTags",
    "UpdateDistribution",
    "DeleteDistribution",
    "TagResource",
    "UntagResource",
}


class Killed(Exception):
    """The module process 'dies' right after a call succeeded."""


@pytest.fixture(autouse=True)
def sleeps(monkeypatch):
    """The module's waits, recorded instead of slept."""
    made = []
    monkeypatch.setattr(dist_module.SiteDistributionManager, "sleep", staticmethod(made.append))
    return made


@pytest.fixture
def run(module_exit):
    """run(check_mode=False, expect_failure=False, **args) -> the result of the distribution ARGS updated with args."""

    def run_distribution(check_mode=False, expect_failure=False, **args):
        ended = module_exit(dist_module, dict(copy.deepcopy(ARGS), _ansible_diff=True, **args), check_mode=check_mode)
        assert ended.failed is expect_failure, ended.result
        return ended.result

    return run_distribution


def writes(api_calls):
    return [name for name, _params in api_calls if name in WRITES]


def client():
    return boto3.client("cloudfront", region_name=REGION)


def distributions():
    return client().list_distributions()["DistributionList"].get("Items") or []


def test_create_sets_every_owned_field(api_calls, run):
    result = run()
    assert result["changed"] is True
    dist = result["distribution"]
    assert dist["comment"] == NAME and dist["aliases"] == ["pizza.example.com"]
    assert dist["hosted_zone_id"] == "Z2FDTNDATAQYW2" and dist["etag"]
    assert dist["caller_reference"] == "jwtpizza.cloud/" + NAME
    assert dist["tags"] == {"Name": NAME, "Project": "jwtpizza"}
    assert writes(api_calls) == ["CreateDistributionWithTags"]

    sent = next(p for n, p in api_calls if n == "CreateDistributionWithTags")["DistributionConfigWithTags"]
    config = sent["DistributionConfig"]
    assert config["Origins"]["Items"][0]["OriginAccessControlId"] == "E2QWRUHAPOMQZL"
    assert config["ViewerCertificate"] == {
        "CloudFrontDefaultCertificate": False,
        "ACMCertificateArn": CERT,
        "SSLSupportMethod": "sni-only",
        "MinimumProtocolVersion": "TLSv1.2_2021",
    }
    assert config["CustomErrorResponses"]["Items"] == [
        {"ErrorCode": 403, "ResponsePagePath": "/index.html", "ResponseCode": "200", "ErrorCachingMinTTL": 10},
        {"ErrorCode": 404, "ResponsePagePath": "/index.html", "ResponseCode": "200", "ErrorCachingMinTTL": 10},
    ]
    behavior = config["DefaultCacheBehavior"]
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https" and behavior["Compress"] is True
    assert behavior["AllowedMethods"]["Items"] == ["GET", "HEAD", "OPTIONS"]
    assert behavior["CachePolicyId"] == "658327ea-f89d-4fab-a63d-7e88639e58f6"
    assert behavior["ResponseHeadersPolicyId"] == "67f7725c-6f97-4210-82d7-5512b31e9d03"
    assert (config["PriceClass"], config["HttpVersion"], config["IsIPV6Enabled"]) == ("PriceClass_100", "http2and3", True)
    assert len(distributions()) == 1


def test_rerun_makes_no_write(api_calls, run):
    first = run()["distribution"]
    api_calls.clear()
    second = run()
    assert second["changed"] is False
    assert second["distribution"]["id"] == first["id"]
    assert writes(api_calls) == []


def test_single_field_change_is_detected_and_patched(api_calls, run):
    run()
    api_calls.clear()
    result = run(price_class="PriceClass_All")
    assert result["changed"] is True
    before, after = result["diff"]["before"], result["diff"]["after"]
    assert {k for k in after if after[k] != before.get(k)} == {"price_class"}
    assert (before["price_class"], after["price_class"]) == ("PriceClass_100", "PriceClass_All")
    updates = [p for n, p in api_calls if n == "UpdateDistribution"]
    assert writes(api_calls) == ["UpdateDistribution"]
    config = updates[0]["DistributionConfig"]
    assert updates[0]["IfMatch"]
    assert config["PriceClass"] == "PriceClass_All"
    # The patched full config is what the real API accepts: OAC re-sent, no legacy cache settings,
    # no default certificate beside the ACM ARN, the caller reference kept.
    assert config["Origins"]["Items"][0]["OriginAccessControlId"] == "E2QWRUHAPOMQZL"
    assert config["Origins"]["Items"][0]["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    assert not set(cf.LEGACY_CACHE_KEYS) & set(config["DefaultCacheBehavior"])
    assert config["ViewerCertificate"]["CloudFrontDefaultCertificate"] is False
    assert config["CallerReference"] == "jwtpizza.cloud/" + NAME
    assert distributions()[0]["PriceClass"] == "PriceClass_All"
    api_calls.clear()
    assert run(price_class="PriceClass_All")["changed"] is False
    assert writes(api_calls) == []


@pytest.mark.parametrize(
    "change",
    [
        {"aliases": ["pizza.example.com", "www.pizza.example.com"]},
        {"origin_bucket_domain": "other.s3.us-west-2.amazonaws.com"},
        {"response_headers_policy_id": "eaab4381-ed33-4a86-88ca-d9558dc6cd63"},
        {"error_caching_ttl": 60},
        {"spa_error_responses": [404]},
        {"minimum_protocol_version": "TLSv1.2_2019"},
        {"enabled": False},
    ],
)
def test_other_owned_fields_are_compared(change, api_calls, run):
    run()
    api_calls.clear()
    assert run(**change)["changed"] is True
    assert writes(api_calls) == ["UpdateDistribution"]


def test_tags_are_reconciled_without_touching_the_config(api_calls, run):
    run()
    api_calls.clear()
    result = run(tags={"Project": "jwtpizza", "Owner": "team"})
    assert result["changed"] is True
    assert writes(api_calls) == ["TagResource"]
    assert result["distribution"]["tags"] == {"Name": NAME, "Project": "jwtpizza", "Owner": "team"}


def test_moto_read_shape_is_normalised():
    desired = cf.desired_view(dict(dist_module_defaults(), **ARGS))
    written = cf.build_config(desired, "ref")
    # What moto reads back: no OriginAccessControlId/S3OriginConfig, default certificate beside the ARN,
    # ForwardedValues and TTLs added, deprecated certificate fields, lists in another order.
    read = copy.deepcopy(written)
    origin = read["Origins"]["Items"][0]
    del origin["OriginAccessControlId"], origin["S3OriginConfig"]
    origin.update({"CustomHeaders": {"Quantity": 0, "Items": []}, "ConnectionAttempts": 3})
    read["ViewerCertificate"].update(
        {"CloudFrontDefaultCertificate": True, "IAMCertificateId": "", "Certificate": "", "CertificateSource": "cloudfront"}
    )
    behavior = read["DefaultCacheBehavior"]
    behavior.update({"ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}}, "MinTTL": 0, "MaxTTL": 0})
    behavior["AllowedMethods"]["Items"] = ["OPTIONS", "HEAD", "GET"]
    read["CustomErrorResponses"]["Items"].reverse()
    assert cf.owned_view(read, desired) == desired
    # The real API reports a missing OAC as "" and a legacy OAI as a value: both are drift.
    real = copy.deepcopy(written)
    real["Origins"]["Items"][0]["OriginAccessControlId"] = ""
    assert cf.owned_view(real, desired)["origin"] != desired["origin"]
    # moto drops the OAC, so a changed OAC is only visible where the read returns it (the real API).
    real["Origins"]["Items"][0]["OriginAccessControlId"] = "EOTHEROAC"
    assert cf.owned_view(real, desired)["origin"]["origin_access_control_id"] == "EOTHEROAC"
    real["Origins"]["Items"][0]["OriginAccessControlId"] = desired["origin"]["origin_access_control_id"]
    assert cf.owned_view(real, desired) == desired
    real["Origins"]["Items"][0]["S3OriginConfig"]["OriginAccessIdentity"] = "origin-access-identity/cloudfront/E1"
    assert cf.owned_view(real, desired)["origin"] != desired["origin"]


def dist_module_defaults():
    return {
        "enabled": True,
        "default_root_object": "index.html",
        "spa_error_responses": [403, 404],
        "error_caching_ttl": 10,
        "cache_policy_id": "658327ea-f89d-4fab-a63d-7e88639e58f6",
        "response_headers_policy_id": "67f7725c-6f97-4210-82d7-5512b31e9d03",
        "price_class": "PriceClass_100",
        "http_version": "http2and3",
        "ipv6": True,
        "minimum_protocol_version": "TLSv1.2_2021",
    }


def test_killed_after_create_is_found_again(monkeypatch, api_calls, run):
    original = cf.create_distribution

    def create_then_die(*args, **kwargs):
        original(*args, **kwargs)
        raise Killed()

    monkeypatch.setattr(cf, "create_distribution", create_then_die)
    with patch_module_args(dict(ARGS)), pytest.raises(Killed):
        dist_module.main()
    monkeypatch.setattr(cf, "create_distribution", original)
    assert len(distributions()) == 1
    api_calls.clear()
    result = run()
    assert result["changed"] is False
    assert writes(api_calls) == []
    assert result["distribution"]["id"] == distributions()[0]["Id"]


def test_create_clash_with_our_reference_adopts_it(monkeypatch, api_calls, run):
    """The listing missed a distribution created by an interrupted run: CreateDistribution names it."""
    run()
    monkeypatch.setattr(cf, "list_distributions", lambda _client: [])
    api_calls.clear()
    result = run()
    assert writes(api_calls) == ["CreateDistributionWithTags"]  # refused: same caller reference
    assert result["distribution"]["id"] == distributions()[0]["Id"]
    assert len(distributions()) == 1


def test_create_clash_with_a_foreign_distribution_uses_next_reference(run):
    config = cf.build_config(cf.desired_view(dict(dist_module_defaults(), **ARGS, comment="x")), cf.caller_reference(NAME))
    config["Comment"] = "someone else"
    client().create_distribution(DistributionConfig=config)
    result = run()
    assert result["changed"] is True
    assert result["distribution"]["caller_reference"] == cf.caller_reference(NAME, 2)
    assert len(distributions()) == 2


def test_create_after_every_numbered_reference_was_refused_uses_a_time_based_one(api_calls, run, monkeypatch):
    """Teardown/rebuild cycles may use up the numbered references: the create still succeeds."""
    monkeypatch.setattr(dist_module.time, "time_ns", lambda: 1_790_000_000_123_456_789)
    for attempt in range(1, dist_module.MAX_REFERENCE_ATTEMPTS + 1):
        config = cf.build_config(cf.desired_view(dict(dist_module_defaults(), **ARGS, comment="x")),
                                 cf.caller_reference(NAME, attempt))
        config["Comment"] = f"someone else {attempt}"
        client().create_distribution(DistributionConfig=config)
    result = run()
    assert result["changed"] is True
    reference = result["distribution"]["caller_reference"]
    assert reference == cf.caller_reference(NAME, 1_790_000_000_123_456_789)
    assert reference not in [cf.caller_reference(NAME, a) for a in range(1, dist_module.MAX_REFERENCE_ATTEMPTS + 1)]
    tried = [p["DistributionConfigWithTags"]["DistributionConfig"]["CallerReference"] for n, p in api_calls
             if n == "CreateDistributionWithTags"]
    assert tried == [cf.caller_reference(NAME, a) for a in range(1, 6)] + [reference]


def test_check_mode_writes_nothing(api_calls, run):
    result = run(check_mode=True)
    assert result["changed"] is True and result["diff"]["after"]["price_class"] == "PriceClass_100"
    assert writes(api_calls) == [] and distributions() == []
    run()
    api_calls.clear()
    result = run(check_mode=True, price_class="PriceClass_200")
    assert result["changed"] is True
    assert writes(api_calls) == []
    assert run(check_mode=True, state="absent")["changed"] is True
    assert writes(api_calls) == []
    assert distributions()[0]["PriceClass"] == "PriceClass_100"


def test_absent_disables_waits_then_deletes(monkeypatch, api_calls, sleeps, run):
    run()
    original = cf.get_distribution
    polls = []

    def in_progress_twice(client_, dist_id):
        read = original(client_, dist_id)
        polls.append(dist_id)
        if read is not None and len(polls) <= 2:
            read["Distribution"]["Status"] = "InProgress"
        return read

    monkeypatch.setattr(cf, "get_distribution", in_progress_twice)
    api_calls.clear()
    result = run(state="absent")
    assert result["changed"] is True
    assert writes(api_calls) == ["UpdateDistribution", "DeleteDistribution"]
    update = next(p for n, p in api_calls if n == "UpdateDistribution")
    assert update["DistributionConfig"]["Enabled"] is False
    names = [call[0] for call in api_calls]
    assert names.index("UpdateDistribution") < names.index("GetDistribution") < names.index("DeleteDistribution")
    assert names.count("GetDistribution") == 3 and len(sleeps) == 2  # two InProgress polls, two sleeps
    assert next(p for n, p in api_calls if n == "DeleteDistribution")["IfMatch"]
    assert distributions() == []
    api_calls.clear()
    assert run(state="absent")["changed"] is False
    assert writes(api_calls) == []


def test_absent_resumes_when_already_disabled(api_calls, run):
    run(enabled=False)
    api_calls.clear()
    assert run(state="absent")["changed"] is True
    assert writes(api_calls) == ["DeleteDistribution"]
    assert distributions() == []


def test_wait_timeout_names_the_status(monkeypatch, run):
    run()
    original = cf.get_distribution

    def never_deployed(client_, dist_id):
        read = original(client_, dist_id)
        read["Distribution"]["Status"] = "InProgress"
        return read

    monkeypatch.setattr(cf, "get_distribution", never_deployed)
    result = run(state="absent", wait_timeout=0, expect_failure=True)
    assert "to be Deployed" in result["msg"] and "InProgress" in result["msg"]
    assert len(distributions()) == 1


def test_present_requires_aliases(run):
    result = run(aliases=[], expect_failure=True)
    assert "aliases" in result["msg"]


def test_empty_dependencies_fail_a_real_run_but_not_check_mode(api_calls, run):
    missing = {"certificate_arn": "", "origin_access_control_id": ""}
    result = run(expect_failure=True, **missing)
    assert "certificate_arn" in result["msg"] and "origin_access_control_id" in result["msg"]
    assert run(check_mode=True, **missing)["changed"] is True
    assert writes(api_calls) == []


def test_error_responses_read_without_ttl_or_page_path_get_their_defaults():
    config = {"CustomErrorResponses": {"Items": [{"ErrorCode": 404}, {"ErrorCode": 403, "ResponseCode": 200}]}}
    assert cf.owned_view(config)["custom_error_responses"] == [
        {"error_code": 403, "response_page_path": "", "response_code": "200", "error_caching_min_ttl": 0},
        {"error_code": 404, "response_page_path": "", "response_code": "", "error_caching_min_ttl": 0},
    ]


def test_a_config_written_back_drops_what_the_real_api_rejects():
    """moto reads CloudFrontDefaultCertificate=true beside the ARN, legacy TTLs and deprecated certificate fields."""
    desired = cf.desired_view(dict(dist_module_defaults(), **ARGS))
    read = cf.build_config(desired, "ref")
    assert read["ViewerCertificate"]["CloudFrontDefaultCertificate"] is False  # what a create sends
    read["ViewerCertificate"].update(
        {"CloudFrontDefaultCertificate": True, "IAMCertificateId": "", "Certificate": "x", "CertificateSource": "acm"}
    )
    read["DefaultCacheBehavior"].update({"ForwardedValues": {"QueryString": False}, "MinTTL": 0})
    clean = cf.clean_for_write(read)
    assert clean["ViewerCertificate"] == {
        "CloudFrontDefaultCertificate": False,
        "ACMCertificateArn": desired["certificate_arn"],
        "SSLSupportMethod": "sni-only",
        "MinimumProtocolVersion": desired["minimum_protocol_version"],
    }
    assert "ForwardedValues" not in clean["DefaultCacheBehavior"] and "MinTTL" not in clean["DefaultCacheBehavior"]
    assert read["ViewerCertificate"]["CloudFrontDefaultCertificate"] is True  # the read itself is left alone


def test_purge_tags_removes_foreign_tags_and_false_keeps_them(api_calls, run):
    arn = run()["distribution"]["arn"]
    client().tag_resource(Resource=arn, Tags={"Items": [{"Key": "Foreign", "Value": "x"}]})
    kept = run(purge_tags=False)
    assert kept["changed"] is False and kept["distribution"]["tags"]["Foreign"] == "x"
    api_calls.clear()
    purged = run()
    assert purged["changed"] is True
    assert writes(api_calls) == ["UntagResource"]
    assert "Foreign" not in purged["distribution"]["tags"]


def refuse(monkeypatch, operation, answers):
    """Make ``operation`` answer the error codes of ``answers`` in turn (AWS's documented 409/412), then reach moto.

    Returns the list of (operation, params) refused or passed on, for that operation only."""
    statuses = {"DistributionNotDisabled": 409, "PreconditionFailed": 412, "AccessDenied": 403}
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


def test_absent_retries_a_delete_refused_just_after_deployed_with_a_fresh_etag(monkeypatch, api_calls, sleeps, run):
    """AWS can answer DistributionNotDisabled to a distribution read as disabled and Deployed, and PreconditionFailed
    when the ETag moved meanwhile (hashicorp/terraform-provider-aws#3034, #27147): both are retried."""
    run(enabled=False)
    api_calls.clear()
    deletes = refuse(monkeypatch, "DeleteDistribution", ["DistributionNotDisabled", "PreconditionFailed"])
    result = run(state="absent")
    assert result["changed"] is True
    assert len(deletes) == 3 and distributions() == []
    names = [name for name, _params in api_calls]
    # Each refusal is followed by a GetDistribution that reads the ETag again.
    assert names.count("GetDistribution") == 3
    assert sleeps == [15, 15]


def test_absent_gives_up_on_a_refused_delete_after_wait_timeout_naming_the_answer(monkeypatch, run):
    run(enabled=False)
    refuse(monkeypatch, "DeleteDistribution", ["DistributionNotDisabled"] * 50)
    result = run(state="absent", wait_timeout=0, expect_failure=True)
    assert "to accept the delete" in result["msg"] and "DistributionNotDisabled" in result["msg"]
    assert len(distributions()) == 1


def test_absent_does_not_retry_other_delete_errors(monkeypatch, sleeps, run):
    run(enabled=False)
    deletes = refuse(monkeypatch, "DeleteDistribution", ["AccessDenied"])
    result = run(state="absent", expect_failure=True)
    assert "delete CloudFront distribution" in result["msg"]
    assert len(deletes) == 1 and sleeps == []


def test_a_behavior_read_without_compress_does_not_compress():
    """The module always wants compression: a cache behavior whose answer has no Compress field is drift."""
    desired = cf.desired_view(dict(dist_module_defaults(), **ARGS))
    read = cf.build_config(desired, "ref")
    del read["DefaultCacheBehavior"]["Compress"]
    assert cf.owned_view(read, desired)["compress"] is False
    assert cf.owned_view(read, desired) != desired


def test_a_patched_config_keeps_what_it_does_not_own_of_its_origin_and_every_other_origin():
    desired = cf.desired_view(dict(dist_module_defaults(), **ARGS))
    read = cf.build_config(desired, "ref")
    ours = read["Origins"]["Items"][0]
    ours.update({"ConnectionAttempts": 2, "OriginShield": {"Enabled": False}, "DomainName": "old.s3.amazonaws.com"})
    other = {"Id": "api", "DomainName": "api.example.com", "ConnectionAttempts": 1,
             "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}}
    read["Origins"] = {"Quantity": 2, "Items": [other, ours]}
    patched = cf.patch_config(read, desired)["Origins"]
    assert patched["Quantity"] == 2
    first, second = patched["Items"]
    assert (first["Id"], first["DomainName"], first["ConnectionAttempts"], first["OriginShield"]) == (
        cf.ORIGIN_ID, ARGS["origin_bucket_domain"], 2, {"Enabled": False})
    assert second == other


def test_a_distribution_deleted_by_someone_else_during_the_wait_ends_the_teardown(monkeypatch, api_calls, sleeps, run):
    run()
    original = cf.get_distribution

    def gone_after_the_disable(client_, dist_id):
        disabled = any(name == "UpdateDistribution" for name, _params in api_calls)
        return None if disabled else original(client_, dist_id)

    monkeypatch.setattr(cf, "get_distribution", gone_after_the_disable)
    api_calls.clear()
    result = run(state="absent")
    assert result["changed"] is True
    assert writes(api_calls) == ["UpdateDistribution"]  # disabled, then found gone: nothing left to delete
