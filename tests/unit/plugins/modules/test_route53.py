"""Unit tests of route53_hosted_zone and route53_alias against an in-process moto account."""

import boto3
import pytest

from ansible_collections.jwtpizza.cloud.plugins.modules import route53_alias
from ansible_collections.jwtpizza.cloud.plugins.modules import route53_hosted_zone

pytestmark = pytest.mark.usefixtures("moto_aws")
TAGS = {"Project": "jwt-pizza", "ManagedBy": "jwtpizza.cloud"}
WRITES = {"CreateHostedZone", "DeleteHostedZone", "ChangeResourceRecordSets", "ChangeTagsForResource"}


def writes(api_calls):
    return [name for name, _params in api_calls if name in WRITES]


def make_zone(name="example.com", tags=None):
    client = boto3.client("route53")
    zone_id = client.create_hosted_zone(Name=name, CallerReference=name)["HostedZone"]["Id"].split("/")[-1]
    if tags:
        client.change_tags_for_resource(
            ResourceType="hostedzone", ResourceId=zone_id, AddTags=[{"Key": k, "Value": v} for k, v in tags.items()]
        )
    return zone_id


class TestHostedZone:
    def test_missing_zone_fails_naming_the_domain_without_writing(self, run_module, api_calls):
        result, failed = run_module(route53_hosted_zone, {"name": "example.com"})
        assert failed
        assert "example.com" in result["msg"]
        assert writes(api_calls) == []

    def test_missing_zone_is_empty_when_allowed(self, run_module):
        result, failed = run_module(route53_hosted_zone, {"name": "example.com", "fail_if_missing": False})
        assert not failed and not result["changed"] and result["zone_id"] == ""

    def test_finds_existing_zone(self, run_module, api_calls):
        zone_id = make_zone()
        api_calls.clear()
        result, failed = run_module(route53_hosted_zone, {"name": "example.com."})
        assert not failed and not result["changed"]
        assert result["zone_id"] == zone_id and result["name_servers"]
        assert writes(api_calls) == []

    def test_create_then_find(self, run_module):
        result, _failed = run_module(route53_hosted_zone, {"name": "example.com", "create": True, "tags": TAGS})
        assert result["changed"] and result["created"] and result["name_servers"]
        again, _failed = run_module(route53_hosted_zone, {"name": "example.com", "create": True, "tags": TAGS})
        assert not again["changed"] and again["zone_id"] == result["zone_id"]

    def test_create_in_check_mode_writes_nothing(self, run_module, api_calls):
        result, _failed = run_module(route53_hosted_zone, {"name": "example.com", "create": True}, check_mode=True)
        assert result["changed"]
        assert writes(api_calls) == []

    def test_absent_keeps_a_zone_it_did_not_create(self, run_module):
        make_zone()
        result, failed = run_module(route53_hosted_zone, {"name": "example.com", "state": "absent", "tags": TAGS})
        assert not failed and not result["changed"]
        assert boto3.client("route53").list_hosted_zones()["HostedZones"]

    def test_absent_refuses_a_zone_with_records(self, run_module):
        zone_id = make_zone(tags=TAGS)
        boto3.client("route53").change_resource_record_sets(
            HostedZoneId=zone_id,
            ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": {
                "Name": "www.example.com.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]}}]},
        )
        result, failed = run_module(route53_hosted_zone, {"name": "example.com", "state": "absent", "tags": TAGS})
        assert failed and "www.example.com. A" in result["msg"]
        # A check run of teardown.yml has not removed the records it would remove first: it reports the delete.
        checked, failed = run_module(
            route53_hosted_zone, {"name": "example.com", "state": "absent", "tags": TAGS}, check_mode=True)
        assert not failed and checked["changed"]
        assert boto3.client("route53").list_hosted_zones()["HostedZones"]

    def test_absent_deletes_own_zone_once(self, run_module):
        make_zone(tags=TAGS)
        result, _failed = run_module(route53_hosted_zone, {"name": "example.com", "state": "absent", "tags": TAGS})
        assert result["changed"]
        assert boto3.client("route53").list_hosted_zones()["HostedZones"] == []
        again, _failed = run_module(route53_hosted_zone, {"name": "example.com", "state": "absent", "tags": TAGS})
        assert not again["changed"]

    def test_create_again_after_teardown(self, run_module, api_calls):
        """Route 53 never accepts a caller reference twice: a second create (after a teardown) uses a new one."""
        first, _failed = run_module(route53_hosted_zone, {"name": "example.com", "create": True, "tags": TAGS})
        run_module(route53_hosted_zone, {"name": "example.com", "state": "absent", "tags": TAGS})
        second, failed = run_module(route53_hosted_zone, {"name": "example.com", "create": True, "tags": TAGS})
        assert not failed and second["created"] and second["zone_id"] != first["zone_id"]
        references = [params["CallerReference"] for name, params in api_calls if name == "CreateHostedZone"]
        assert len(references) == 2 and references[0] != references[1]
        assert all(r.startswith(route53_hosted_zone.REFERENCE_PREFIX) for r in references)

    def test_a_zone_left_untagged_by_a_killed_run_is_ours(self, run_module):
        client = boto3.client("route53")
        zone_id = client.create_hosted_zone(Name="example.com", CallerReference=f"{route53_hosted_zone.REFERENCE_PREFIX}x")[
            "HostedZone"]["Id"].split("/")[-1]
        result, _failed = run_module(route53_hosted_zone, {"name": "example.com", "create": True, "tags": TAGS})
        assert result["changed"] and result["zone_id"] == zone_id
        tags = client.list_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id)["ResourceTagSet"]["Tags"]
        assert {t["Key"]: t["Value"] for t in tags} == TAGS
        again, _failed = run_module(route53_hosted_zone, {"name": "example.com", "create": True, "tags": TAGS})
        assert not again["changed"]
        client.change_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id, RemoveTagKeys=list(TAGS))
        gone, _failed = run_module(route53_hosted_zone, {"name": "example.com", "state": "absent", "tags": TAGS})
        assert gone["changed"] and client.list_hosted_zones()["HostedZones"] == []


ALIAS = {"name": "pizza.example.com", "target_dns_name": "d1.cloudfront.net", "target_hosted_zone_id": "Z2FDTNDATAQYW2"}


def alias_records(zone_id):
    sets = boto3.client("route53").list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    return {r["Type"]: r for r in sets if r["Name"] == "pizza.example.com."}


class TestAlias:
    def test_creates_a_and_aaaa_in_one_batch_then_nothing(self, run_module, api_calls):
        zone_id = make_zone()
        api_calls.clear()
        result, failed = run_module(route53_alias, dict(ALIAS, zone_id=zone_id))
        assert not failed and result["changed"]
        assert set(alias_records(zone_id)) == {"A", "AAAA"}
        assert writes(api_calls) == ["ChangeResourceRecordSets"]
        api_calls.clear()
        again, _failed = run_module(route53_alias, dict(ALIAS, zone_id=zone_id))
        assert not again["changed"]
        assert writes(api_calls) == []

    def test_target_change_is_upserted(self, run_module):
        zone_id = make_zone()
        run_module(route53_alias, dict(ALIAS, zone_id=zone_id))
        result, _failed = run_module(route53_alias, dict(ALIAS, zone_id=zone_id, target_dns_name="d2.cloudfront.net"))
        assert result["changed"]
        assert alias_records(zone_id)["A"]["AliasTarget"]["DNSName"].startswith("d2.cloudfront.net")

    def test_check_mode_writes_nothing_and_shows_diff(self, run_module, api_calls):
        zone_id = make_zone()
        api_calls.clear()
        result, _failed = run_module(route53_alias, dict(ALIAS, zone_id=zone_id), check_mode=True, diff=True)
        assert result["changed"] and len(result["diff"]["after"]["records"]) == 2
        assert writes(api_calls) == []
        assert alias_records(zone_id) == {}

    def test_absent_without_knowing_the_target(self, run_module):
        zone_id = make_zone()
        run_module(route53_alias, dict(ALIAS, zone_id=zone_id))
        result, failed = run_module(route53_alias, {"zone_id": zone_id, "name": "pizza.example.com", "state": "absent"})
        assert not failed and result["changed"]
        assert alias_records(zone_id) == {}
        again, _failed = run_module(route53_alias, {"zone_id": zone_id, "name": "pizza.example.com", "state": "absent"})
        assert not again["changed"]

    def test_absent_with_no_zone_is_a_no_op(self, run_module):
        result, failed = run_module(route53_alias, {"zone_id": "", "name": "pizza.example.com", "state": "absent"})
        assert not failed and not result["changed"]


def test_alias_in_check_mode_before_the_target_exists(run_module, api_calls):
    """A check run of the whole stack: neither the zone nor the distribution exist yet."""
    result, failed = run_module(
        route53_alias,
        {"zone_id": "", "name": "pizza.example.com", "target_dns_name": "", "target_hosted_zone_id": ""},
        check_mode=True,
    )
    assert not failed and result["changed"]
    assert writes(api_calls) == []


def test_alias_without_target_fails_outside_check_mode(run_module):
    zone_id = make_zone()
    result, failed = run_module(
        route53_alias, {"zone_id": zone_id, "name": "pizza.example.com", "target_dns_name": "", "target_hosted_zone_id": ""}
    )
    assert failed
    assert result["msg"] == "target_dns_name, target_hosted_zone_id required with state=present (empty or missing)"


def test_alias_accepts_a_zone_id_with_its_hostedzone_prefix(run_module):
    zone_id = make_zone()
    result, failed = run_module(route53_alias, dict(ALIAS, zone_id=f"/hostedzone/{zone_id}"))
    assert not failed and result["zone_id"] == zone_id
    assert set(alias_records(zone_id)) == {"A", "AAAA"}


def test_a_read_alias_without_evaluate_target_health_means_false():
    read = {"Name": "Pizza.Example.com", "Type": "A", "AliasTarget": {"DNSName": "D1.cloudfront.net", "HostedZoneId": "Z2"}}
    assert route53_alias.normalise(read) == {
        "Name": "pizza.example.com.",
        "Type": "A",
        "AliasTarget": {"DNSName": "d1.cloudfront.net.", "HostedZoneId": "Z2", "EvaluateTargetHealth": False},
    }


def test_absent_of_a_missing_zone_is_no_change(run_module):
    result, failed = run_module(route53_hosted_zone, {"name": "example.com", "state": "absent"})
    assert not failed and result["changed"] is False and result["zone_id"] == ""
