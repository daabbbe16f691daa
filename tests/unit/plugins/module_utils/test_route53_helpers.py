"""Unit tests of the Route 53 helpers (plugins/module_utils/_route53.py)."""

import sys
import types

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _route53

ZONE = "Z0123456789ABCDEFGHIJ"


@pytest.mark.parametrize(
    "raw, normal",
    [
        ("\\052.example.com.", "*.example.com"),
        ("_A1.Pizza.Example.COM.", "_a1.pizza.example.com"),
        ("\\100home.example.com", "@home.example.com"),
        ("a\\055b.example.com.", "a-b.example.com"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_name_decodes_octal_escapes_lowercases_and_drops_the_dot(raw, normal):
    assert _route53.normalize_name(raw) == normal


def test_record_key_matches_escaped_and_plain_spellings():
    read = {"name": "\\052.Example.com.", "type": "cname", "value": "X.acm-validations.aws."}
    sent = {"name": "*.example.com", "type": "CNAME", "value": "x.acm-validations.aws"}
    assert _route53.record_key(read) == _route53.record_key(sent) == ("*.example.com", "CNAME", "x.acm-validations.aws")


@pytest.fixture
def route53(aws_env):
    client = boto3.client("route53")
    with Stubber(client) as stubber:
        yield client, stubber


def test_get_record_set_finds_an_escaped_name(route53):
    client, stubber = route53
    rrset = {"Name": "\\052.example.com.", "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": "a."}]}
    stubber.add_response("list_resource_record_sets", {"ResourceRecordSets": [rrset], "IsTruncated": False, "MaxItems": "1"})
    assert _route53.get_record_set(client, ZONE, "*.example.com", "CNAME") == rrset


def test_get_record_set_skips_other_names_types_and_set_identifiers(route53):
    client, stubber = route53
    sets = [
        {"Name": "other.example.com.", "Type": "CNAME", "TTL": 1, "ResourceRecords": [{"Value": "a."}]},
        {"Name": "www.example.com.", "Type": "CNAME", "SetIdentifier": "blue", "Weight": 1, "TTL": 1,
         "ResourceRecords": [{"Value": "a."}]},
    ]
    stubber.add_response("list_resource_record_sets", {"ResourceRecordSets": sets, "IsTruncated": False, "MaxItems": "1"})
    assert _route53.get_record_set(client, ZONE, "www.example.com", "CNAME") is None


def test_get_record_set_of_a_missing_zone_is_false(route53):
    client, stubber = route53
    stubber.add_client_error("list_resource_record_sets", "NoSuchHostedZone", "No hosted zone found")
    assert _route53.get_record_set(client, ZONE, "www.example.com", "CNAME") is False


def test_record_values_are_normalised_and_sorted():
    rrset = {"ResourceRecords": [{"Value": "B.example.net."}, {"Value": "a.example.net"}]}
    assert _route53.record_values(rrset) == ["a.example.net", "b.example.net"]
    assert _route53.record_values(None) == []


def test_upsert_change_shape():
    change = _route53.upsert_change({"name": "n.", "type": "CNAME", "value": "v."}, ttl=60)
    assert change == {
        "Action": "UPSERT",
        "ResourceRecordSet": {"Name": "n.", "Type": "CNAME", "TTL": 60, "ResourceRecords": [{"Value": "v."}]},
    }


def test_delegation_of_a_missing_zone_is_explained(route53, monkeypatch):
    client, stubber = route53
    stubber.add_client_error("get_hosted_zone", "NoSuchHostedZone", "No hosted zone found")
    out = _route53.zone_delegation(client, ZONE)
    assert out == {"name": None, "name_servers": [], "delegated": None, "detail": f"hosted zone {ZONE} does not exist"}


def test_a_private_zone_is_never_delegated(route53):
    client, stubber = route53
    stubber.add_response("get_hosted_zone", {
        "HostedZone": {"Id": ZONE, "Name": "example.com.", "CallerReference": "x", "Config": {"PrivateZone": True}},
        "VPCs": [{"VPCRegion": "us-east-1", "VPCId": "vpc-1"}],
    })
    out = _route53.zone_delegation(client, ZONE)
    assert out["delegated"] is False
    assert out["detail"] == "example.com is a private zone: ACM cannot read validation records from it"


class FakeResolver:
    """dns.resolver answering the NS query with ``servers``."""

    def __init__(self, servers):
        self.servers = servers

    def resolve(self, name, rtype, lifetime):
        return [type("Answer", (), {"to_text": lambda self, ns=ns: ns})() for ns in self.servers]


@pytest.mark.parametrize("public, delegated", [(["NS-2.AWSDNS.ORG.", "ns-1.awsdns.com."], True), (["ns.other.net."], False)])
def test_delegation_compares_public_dns_with_the_zone(route53, monkeypatch, public, delegated):
    client, stubber = route53
    stubber.add_response("get_hosted_zone", {
        "HostedZone": {"Id": ZONE, "Name": "example.com.", "CallerReference": "x"},
        "DelegationSet": {"NameServers": ["ns-1.awsdns.com", "ns-2.awsdns.org"]},
    })
    dns = types.ModuleType("dns")
    dns.resolver = FakeResolver(public)
    monkeypatch.setitem(sys.modules, "dns", dns)
    monkeypatch.setitem(sys.modules, "dns.resolver", dns.resolver)
    out = _route53.zone_delegation(client, ZONE)
    assert out["delegated"] is delegated
    if delegated:
        assert out["detail"] == "example.com is delegated to the zone's name servers (ns-1.awsdns.com, ns-2.awsdns.org)"
    else:
        assert out["detail"] == (
            "example.com is NOT delegated to this zone: public DNS answers ns.other.net, "
            "the registrar must list ns-1.awsdns.com, ns-2.awsdns.org"
        )
