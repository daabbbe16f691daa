# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.acm_certificate against moto's in-process ACM and Route 53."""

from __future__ import annotations

import sys

import boto3
import botocore.client
import botocore.exceptions
import pytest
from moto import settings as moto_settings
from moto.acm.models import acm_backends

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.modules import acm_certificate

pytestmark = pytest.mark.usefixtures("moto_aws")
REGION = "us-east-1"
DOMAIN = "pizza.example.com"
TAGS = {"Project": "jwt-pizza", "Environment": "dev", "Owner": "team"}
LB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/pizza/0123456789abcdef"
WRITES = {
    "RequestCertificate",
    "DeleteCertificate",
    "AddTagsToCertificate",
    "RemoveTagsFromCertificate",
    "ChangeResourceRecordSets",
}


@pytest.fixture
def zone_id(moto_aws):
    zone = boto3.client("route53").create_hosted_zone(Name="example.com", CallerReference="unit")
    return zone["HostedZone"]["Id"].split("/")[-1]


@pytest.fixture
def run(module_exit):
    """run(check_mode=False, **args) -> ModuleExit: acm_certificate run with exactly these arguments."""
    return lambda check_mode=False, **args: module_exit(acm_certificate, args, check_mode)


@pytest.fixture
def present(run):
    """present(zone_id, **extra) -> ModuleExit: the certificate of DOMAIN validated in zone_id, TAGS unless extra says otherwise."""
    return lambda zone_id, **extra: run(**{"domain_name": DOMAIN, "hosted_zone_id": zone_id, "tags": dict(TAGS), **extra})


def writes(api_calls):
    return [name for name, _params in api_calls if name in WRITES]


def zone_cnames(zone_id):
    sets = boto3.client("route53").list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    return {s["Name"]: [r["Value"] for r in s["ResourceRecords"]] for s in sets if s["Type"] == "CNAME"}


def certificates():
    return boto3.client("acm").list_certificates()["CertificateSummaryList"]


def test_new_request_writes_tags_token_and_records(zone_id, api_calls, present):
    out = present(zone_id)
    assert not out.failed, out.result
    cert = out.result["certificate"]
    assert out.result["changed"] is True
    assert cert["status"] == "PENDING_VALIDATION"
    assert cert["tags"] == {**TAGS, "ManagedBy": "jwtpizza.cloud"}
    requests = [params for name, params in api_calls if name == "RequestCertificate"]
    assert len(requests) == 1
    assert requests[0]["ValidationMethod"] == "DNS"
    assert {t["Key"]: t["Value"] for t in requests[0]["Tags"]}["ManagedBy"] == "jwtpizza.cloud"
    token = requests[0]["IdempotencyToken"]
    assert token.isalnum() and len(token) <= 32
    [record] = cert["validation_records"]
    assert zone_cnames(zone_id) == {record["name"]: [record["value"]]}


def test_second_run_reuses_certificate_and_writes_nothing(zone_id, api_calls, present):
    first = present(zone_id, subject_alternative_names=["www.pizza.example.com"])
    del api_calls[:]
    second = present(zone_id, subject_alternative_names=["www.pizza.example.com", DOMAIN])
    assert second.result["changed"] is False
    assert second.result["certificate"]["arn"] == first.result["certificate"]["arn"]
    assert writes(api_calls) == []
    assert len(certificates()) == 1


def test_wildcard_and_apex_share_one_record(zone_id, api_calls, present):
    out = present(zone_id, domain_name="example.com", subject_alternative_names=["*.example.com"])
    assert len(out.result["certificate"]["validation_records"]) == 1
    [change] = [params for name, params in api_calls if name == "ChangeResourceRecordSets"]
    assert len(change["ChangeBatch"]["Changes"]) == 1


def test_other_environment_is_another_certificate(zone_id, present):
    first = present(zone_id)
    other = present(zone_id, tags={**TAGS, "Environment": "prod"})
    assert other.result["changed"] is True
    assert other.result["certificate"]["arn"] != first.result["certificate"]["arn"]
    assert len(certificates()) == 2


def test_tag_drift_is_corrected_without_new_request(zone_id, api_calls, present):
    first = present(zone_id)
    del api_calls[:]
    out = present(zone_id, tags={**TAGS, "Owner": "other"})
    assert out.result["changed"] is True
    assert out.result["certificate"]["arn"] == first.result["certificate"]["arn"]
    assert out.result["certificate"]["tags"]["Owner"] == "other"
    assert writes(api_calls) == ["RemoveTagsFromCertificate", "AddTagsToCertificate"] or writes(api_calls) == [
        "AddTagsToCertificate"
    ]
    assert "RequestCertificate" not in writes(api_calls)


def test_killed_run_does_not_duplicate(zone_id, monkeypatch, present):
    first = present(zone_id)
    # The next run does not see the certificate (as if the first died before ACM listed it):
    # the idempotency token still brings back the same one.
    monkeypatch.setattr(acm_certificate.CertificateManager, "find", lambda self, usable_only: [])
    again = present(zone_id)
    assert again.result["certificate"]["arn"] == first.result["certificate"]["arn"]
    assert len(certificates()) == 1


def test_existing_record_with_other_value_is_replaced(zone_id, present):
    out = present(zone_id)
    record = out.result["certificate"]["validation_records"][0]
    boto3.client("route53").change_resource_record_sets(
        HostedZoneId=zone_id,
        ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
            "Name": record["name"], "Type": "CNAME", "TTL": 60, "ResourceRecords": [{"Value": "stale.example.net."}]}}]},
    )
    again = present(zone_id)
    assert again.result["changed"] is True
    assert zone_cnames(zone_id)[record["name"]] == [record["value"]]


def test_wait_until_issued(zone_id, monkeypatch, present):
    monkeypatch.setattr(moto_settings, "ACM_VALIDATION_WAIT", 0)
    monkeypatch.setattr(acm_certificate.CertificateManager, "sleep", staticmethod(lambda seconds: None))
    out = present(zone_id, wait=True)
    assert not out.failed, out.result
    assert out.result["certificate"]["status"] == "ISSUED"


def test_the_validation_wait_polls_often_for_a_minute_then_rarely(zone_id, monkeypatch, fake_time, present):
    """An answer due in seconds (records already in place, or the emulator) is seen within 1 s; a wait of minutes on
    AWS reads every 10 s."""
    monkeypatch.setattr(moto_settings, "ACM_VALIDATION_WAIT", 3600)
    monkeypatch.setitem(sys.modules, "dns", None)
    out = present(zone_id, wait=True, wait_timeout=120)
    assert out.failed and "Timed out after 120s" in out.result["msg"]
    assert fake_time == [1] * 60 + [10] * 6


def test_wait_timeout_names_status_and_name_servers(zone_id, monkeypatch, present):
    monkeypatch.setattr(moto_settings, "ACM_VALIDATION_WAIT", 3600)
    monkeypatch.setitem(sys.modules, "dns", None)  # dnspython unavailable: delegation cannot be checked
    now = [0.0]
    monkeypatch.setattr(acm_certificate.CertificateManager, "clock", staticmethod(lambda: now[0]))
    monkeypatch.setattr(acm_certificate.CertificateManager, "sleep",
                        staticmethod(lambda seconds: now.__setitem__(0, now[0] + seconds)))
    out = present(zone_id, subject_alternative_names=["www.pizza.example.com"], wait=True, wait_timeout=120)
    assert out.failed
    msg = out.result["msg"]
    assert "Timed out after 120s" in msg
    assert f"{DOMAIN}: PENDING_VALIDATION" in msg
    assert "www.pizza.example.com: PENDING_VALIDATION" in msg
    name_servers = boto3.client("route53").get_hosted_zone(Id=zone_id)["DelegationSet"]["NameServers"]
    assert all(ns.rstrip(".").lower() in msg for ns in name_servers)
    assert "delegation could not be checked" in msg
    assert now[0] >= 120


def live_load_balancer():
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
               for i, az in enumerate("ab")]
    return boto3.client("elbv2", region_name=REGION).create_load_balancer(Name="pizza", Subnets=subnets)["LoadBalancers"][0][
        "LoadBalancerArn"]


def test_delete_refused_while_in_use(zone_id, api_calls, present, run):
    arn = present(zone_id).result["certificate"]["arn"]
    lb_arn = live_load_balancer()
    acm_backends["123456789012"][REGION].set_certificate_in_use_by(arn, lb_arn)
    del api_calls[:]
    out = run(domain_name=DOMAIN, hosted_zone_id=zone_id, tags=dict(TAGS), state="absent")
    assert out.failed
    assert lb_arn in out.result["msg"] and arn in out.result["msg"]
    # A check run of teardown.yml has not removed the load balancer it would remove first: it reports the delete.
    checked = run(domain_name=DOMAIN, hosted_zone_id=zone_id, tags=dict(TAGS), state="absent", check_mode=True)
    assert not checked.failed and checked.result["changed"] is True
    assert writes(api_calls) == []
    assert len(certificates()) == 1 and zone_cnames(zone_id)


def test_delete_ignores_users_that_no_longer_exist(zone_id, present, run):
    """InUseBy lags behind a deleted load balancer (and never clears in the emulator): a stale user does not block."""
    arn = present(zone_id).result["certificate"]["arn"]
    acm_backends["123456789012"][REGION].set_certificate_in_use_by(arn, LB_ARN)
    out = run(domain_name=DOMAIN, hosted_zone_id=zone_id, tags=dict(TAGS), state="absent")
    assert not out.failed and out.result["changed"] is True
    assert certificates() == []


def test_delete_removes_certificate_and_records_then_nothing(zone_id, api_calls, present, run):
    present(zone_id)
    out = run(domain_name=DOMAIN, hosted_zone_id=zone_id, tags=dict(TAGS), state="absent")
    assert out.result["changed"] is True
    assert certificates() == []
    assert zone_cnames(zone_id) == {}
    del api_calls[:]
    again = run(domain_name=DOMAIN, hosted_zone_id=zone_id, tags=dict(TAGS), state="absent")
    assert again.result["changed"] is False
    assert writes(api_calls) == []


def test_delete_keeps_record_whose_value_changed(zone_id, present, run):
    record = present(zone_id).result["certificate"]["validation_records"][0]
    boto3.client("route53").change_resource_record_sets(
        HostedZoneId=zone_id,
        ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
            "Name": record["name"], "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": "other.example.net."}]}}]},
    )
    out = run(domain_name=DOMAIN, hosted_zone_id=zone_id, tags=dict(TAGS), state="absent")
    assert out.result["changed"] is True
    assert certificates() == []
    assert zone_cnames(zone_id) == {record["name"]: ["other.example.net."]}


def test_delete_tolerates_missing_zone(zone_id, present, run):
    present(zone_id)
    route53 = boto3.client("route53")
    for name, values in zone_cnames(zone_id).items():
        route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{"Action": "DELETE", "ResourceRecordSet": {
            "Name": name, "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": v} for v in values]}}]})
    route53.delete_hosted_zone(Id=zone_id)
    out = run(domain_name=DOMAIN, hosted_zone_id=zone_id, tags=dict(TAGS), state="absent")
    assert not out.failed, out.result
    assert certificates() == []


def test_check_mode_makes_no_writes(zone_id, api_calls, present, run):
    out = present(zone_id, _ansible_check_mode=True, _ansible_diff=True)
    assert out.result["changed"] is True
    assert out.result["diff"]["before"] == {}
    assert out.result["diff"]["after"]["domain_name"] == DOMAIN
    assert writes(api_calls) == []
    assert certificates() == []

    present(zone_id)
    del api_calls[:]
    out = present(zone_id, tags={**TAGS, "Owner": "other"}, _ansible_check_mode=True, _ansible_diff=True)
    assert out.result["changed"] is True
    assert out.result["diff"]["before"]["tags"]["Owner"] == "team"
    assert out.result["diff"]["after"]["tags"]["Owner"] == "other"
    assert writes(api_calls) == []

    out = run(domain_name=DOMAIN, hosted_zone_id=zone_id, tags=dict(TAGS), state="absent", _ansible_check_mode=True)
    assert out.result["changed"] is True
    assert writes(api_calls) == []
    assert len(certificates()) == 1 and zone_cnames(zone_id)


def test_managed_by_cannot_be_overridden(zone_id, present):
    out = present(zone_id, tags={"ManagedBy": "someone-else"})
    assert out.failed
    assert out.result["msg"] == "tags.ManagedBy must be 'jwtpizza.cloud' (the module owns it), got 'someone-else'"


def test_token_is_deterministic_and_identity_bound():
    token = acm_certificate.idempotency_token
    names = ["a.example.com", "b.example.com"]
    assert token(names, {"ManagedBy": "x"}) == token(list(names), {"ManagedBy": "x"})
    assert token(names, {"ManagedBy": "x"}) != token(names, {"ManagedBy": "y"})
    assert token(names, {"ManagedBy": "x"}, 0) != token(names, {"ManagedBy": "x"}, 1)
    # Stable across versions: a changed derivation would request a duplicate within ACM's one-hour token window.
    assert token(names, {"ManagedBy": "x"}) == "0c596e09b4f1eefe891174f2308c8214"
    assert token(names, {"ManagedBy": "x"}, 0, 7) != token(names, {"ManagedBy": "x"}, 0, 8)
    assert token(names, {"ManagedBy": "x"}, 0, 7) == "29cec90876a4354de3f2358ec0b0cf54"


def test_tokens_follow_the_ten_minute_window_of_the_wall_clock(zone_id, monkeypatch, run):
    """A rerun in the same window sends the same token; a later window starts a fresh sequence (ACM keeps a token
    bound to its deleted certificate for an hour, so a fixed sequence ran out after four build-teardown cycles)."""
    real, tokens = acm_certificate.request_certificate, []

    def record(client, params):
        # ACM answers a token of a deleted certificate with that certificate (moto: HTTP 500).
        refused = params["IdempotencyToken"] in tokens
        tokens.append(params["IdempotencyToken"])
        if refused:
            error = botocore.exceptions.ClientError({"Error": {"Code": "InternalFailure", "Message": "x"}}, "RequestCertificate")
            raise JwtPizzaAWSError(message="Failed to request the ACM certificate", exception=error)
        return real(client, params)

    monkeypatch.setattr(acm_certificate, "request_certificate", record)
    args = {"domain_name": DOMAIN, "hosted_zone_id": zone_id, "tags": dict(TAGS)}
    for now in (6000.0, 6599.0, 6600.0):
        monkeypatch.setattr(acm_certificate.CertificateManager, "wall_clock", staticmethod(lambda now=now: now))
        assert not run(**args).failed
        assert not run(**args, state="absent").failed
    names = acm_certificate.name_set(DOMAIN, [])
    identity = {"ManagedBy": "jwtpizza.cloud", "Project": "jwt-pizza", "Environment": "dev"}
    first, second = (acm_certificate.idempotency_token(names, identity, attempt, 10) for attempt in (0, 1))
    # The second build in the window: its first token is bound to the deleted certificate, the next one is new.
    assert tokens == [first, first, second, acm_certificate.idempotency_token(names, identity, 0, 11)]


def test_delete_keeps_a_record_another_certificate_still_uses(zone_id, present, run):
    """Both environments' certificates of one name validate with one record: deleting one keeps it for the other."""
    dev = present(zone_id).result["certificate"]
    prod = present(zone_id, tags={**TAGS, "Environment": "prod"}).result["certificate"]
    assert dev["validation_records"] == prod["validation_records"]
    [record] = dev["validation_records"]
    out = run(domain_name=DOMAIN, hosted_zone_id=zone_id, tags=dict(TAGS), state="absent")
    assert out.result["changed"] is True and out.result["deleted"] == [dev["arn"]]
    assert zone_cnames(zone_id) == {record["name"]: [record["value"]]}
    out = run(domain_name=DOMAIN, hosted_zone_id=zone_id, tags={**TAGS, "Environment": "prod"}, state="absent")
    assert out.result["deleted"] == [prod["arn"]]
    assert zone_cnames(zone_id) == {}


def test_present_without_zone_fails_naming_the_option_but_not_in_check_mode(zone_id, api_calls, run):
    out = run(domain_name=DOMAIN, tags=dict(TAGS))
    assert out.failed
    assert out.result["msg"] == "hosted_zone_id required with state=present (empty or missing)"
    checked = run(domain_name=DOMAIN, tags=dict(TAGS), check_mode=True)
    assert not checked.failed and checked.result["changed"] is True
    assert writes(api_calls) == []


def test_unusable_certificates_are_not_reused_but_deleted(zone_id, present, run):
    first = present(zone_id).result["certificate"]
    acm_backends["123456789012"][REGION]._certificates[first["arn"]].status = "FAILED"
    checked = present(zone_id, _ansible_check_mode=True, _ansible_diff=True)
    assert checked.result["changed"] is True
    assert checked.result["certificate"] == {} and checked.result["diff"]["before"] == {}
    out = run(domain_name=DOMAIN, hosted_zone_id=zone_id, tags=dict(TAGS), state="absent")
    assert out.result["deleted"] == [first["arn"]]
    assert certificates() == []


def test_diff_only_when_asked(zone_id, present):
    out = present(zone_id)
    assert "diff" not in out.result


def test_a_token_acm_refuses_is_replaced_by_the_next_one(zone_id, monkeypatch, present):
    """A token bound to a deleted certificate makes moto answer HTTP 500: the next token of the sequence is tried."""
    real, tokens = acm_certificate.request_certificate, []

    def refuse_first(client, params):
        tokens.append(params["IdempotencyToken"])
        if len(tokens) == 1:
            error = botocore.exceptions.ClientError({"Error": {"Code": "InternalFailure", "Message": "x"}}, "RequestCertificate")
            raise JwtPizzaAWSError(message="Failed to request the ACM certificate", exception=error)
        return real(client, params)

    monkeypatch.setattr(acm_certificate, "request_certificate", refuse_first)
    out = present(zone_id)
    assert not out.failed, out.result
    assert len(tokens) == 2 and tokens[0] != tokens[1]


def test_every_token_refused_fails_naming_the_attempts(zone_id, monkeypatch, present):
    tokens = []

    def refuse(client, params):
        tokens.append(params["IdempotencyToken"])
        error = botocore.exceptions.ClientError({"Error": {"Code": "InternalFailure", "Message": "x"}}, "RequestCertificate")
        raise JwtPizzaAWSError(message="Failed to request the ACM certificate", exception=error)

    monkeypatch.setattr(acm_certificate, "request_certificate", refuse)
    out = present(zone_id)
    assert out.failed
    assert out.result["msg"] == f"RequestCertificate for {DOMAIN} returned no usable certificate after 4 idempotency tokens"
    assert len(set(tokens)) == 4


def test_other_request_errors_are_not_retried_with_another_token(zone_id, monkeypatch, present):
    tokens = []

    def deny(client, params):
        tokens.append(params["IdempotencyToken"])
        error = botocore.exceptions.ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "RequestCertificate")
        raise JwtPizzaAWSError(message="Failed to request the ACM certificate", exception=error)

    monkeypatch.setattr(acm_certificate, "request_certificate", deny)
    out = present(zone_id)
    assert out.failed and out.result["msg"].startswith("Failed to request the ACM certificate")
    assert len(tokens) == 1


def refuse_deletes(monkeypatch, times):
    """DeleteCertificate answers ACM's documented ResourceInUseException ``times`` times, then reaches moto."""
    original, seen = botocore.client.BaseClient._make_api_call, []

    def answer(self, name, params):
        if name == "DeleteCertificate":
            seen.append(params)
            if len(seen) <= times:
                error = {"Error": {"Code": "ResourceInUseException", "Message": f"Certificate {params['CertificateArn']} is in use."}}
                raise botocore.exceptions.ClientError(error, name)
        return original(self, name, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", answer)
    return seen


@pytest.fixture
def fake_time(monkeypatch):
    """The manager's clock, advanced by its sleeps; returns the list of sleeps."""
    now, slept = [0.0], []
    monkeypatch.setattr(acm_certificate.CertificateManager, "clock", staticmethod(lambda: now[0]))

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    monkeypatch.setattr(acm_certificate.CertificateManager, "sleep", staticmethod(sleep))
    return slept


def test_delete_waits_for_the_release_in_its_own_window_not_wait_timeout(zone_id, monkeypatch, fake_time, present, run):
    """ACM releases a certificate minutes after its distribution or load balancer is gone (hashicorp/terraform-provider-aws#5307)."""
    present(zone_id)
    deletes = refuse_deletes(monkeypatch, times=30)  # 300 s of refusals, longer than wait_timeout
    out = run(domain_name=DOMAIN, hosted_zone_id=zone_id, tags=dict(TAGS), state="absent", wait_timeout=60)
    assert not out.failed, out.result
    assert len(deletes) == 31 and sum(fake_time) == 300
    assert certificates() == [] and not zone_cnames(zone_id)


def test_delete_gives_up_after_release_timeout_with_release_pending(zone_id, monkeypatch, fake_time, present, run):
    arn = present(zone_id).result["certificate"]["arn"]
    acm_backends["123456789012"][REGION].set_certificate_in_use_by(arn, LB_ARN)  # gone, but ACM still lists it
    refuse_deletes(monkeypatch, times=1000)
    out = run(domain_name=DOMAIN, hosted_zone_id=zone_id, tags=dict(TAGS), state="absent", release_timeout=120)
    assert out.failed and out.result["release_pending"] is True
    assert arn in out.result["msg"] and "is in use" in out.result["msg"] and LB_ARN in out.result["msg"]
    assert sum(fake_time) == 120
    assert len(certificates()) == 1 and zone_cnames(zone_id)  # the records stay while the certificate does


def test_of_two_certificates_of_one_identity_the_issued_one_is_used_even_when_older(zone_id, present):
    older = present(zone_id).result["certificate"]
    acm_backends["123456789012"][REGION]._certificates[older["arn"]].status = "ISSUED"
    tags = [{"Key": k, "Value": v} for k, v in {**TAGS, "ManagedBy": "jwtpizza.cloud"}.items()]
    newer = boto3.client("acm").request_certificate(DomainName=DOMAIN, ValidationMethod="DNS", Tags=tags,
                                                    IdempotencyToken="another")["CertificateArn"]
    assert newer != older["arn"]
    out = present(zone_id)
    assert not out.failed, out.result
    assert out.result["certificate"]["arn"] == older["arn"]
    assert any(f"2 certificates match {DOMAIN}; using {older['arn']}" in w for w in out.result.get("warnings", []))
