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


def make_private_zone(name="example.com"):
    vpc_id = boto3.client("ec2").create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    return boto3.client("route53").create_hosted_zone(
        Name=name, CallerReference=f"private-{name}", HostedZoneConfig={"PrivateZone": True},
        VPC={"VPCRegion": "us-east-1", "VPCId": vpc_id},
    )["HostedZone"]["Id"].split("/")[-1]


class TestAmbiguousZone:
    """Route 53 allows several public zones of one name; only the delegated one answers."""

    def test_two_public_zones_of_the_name_fail_listing_both_ids(self, run_module, api_calls):
        first = make_zone()
        second = boto3.client("route53").create_hosted_zone(Name="example.com", CallerReference="again")["HostedZone"][
            "Id"].split("/")[-1]
        api_calls.clear()
        for args in ({"name": "example.com"}, {"name": "example.com", "create": True}, {"name": "example.com", "state": "absent"}):
            result, failed = run_module(route53_hosted_zone, args)
            assert failed, args
            assert first in result["msg"] and second in result["msg"] and "jwtpizza_hosted_zone_id" in result["msg"]
        assert writes(api_calls) == []

    def test_zone_id_picks_one_of_them(self, run_module):
        make_zone()
        second = boto3.client("route53").create_hosted_zone(Name="example.com", CallerReference="again")["HostedZone"][
            "Id"].split("/")[-1]
        result, failed = run_module(route53_hosted_zone, {"name": "example.com", "zone_id": f"/hostedzone/{second}"})
        assert not failed and result["zone_id"] == second and result["name_servers"]

    def test_zone_id_of_another_domain_fails_naming_the_variable(self, run_module):
        zone_id = make_zone()
        other = make_zone("example.org")
        result, failed = run_module(route53_hosted_zone, {"name": "example.com", "zone_id": other})
        assert failed and "jwtpizza_hosted_zone_id" in result["msg"] and other in result["msg"] and zone_id in result["msg"]

    def test_zone_id_of_a_missing_zone_is_never_created(self, run_module, api_calls):
        result, failed = run_module(route53_hosted_zone, {"name": "example.com", "zone_id": "Z0NOPE", "create": True})
        assert failed and "Z0NOPE" in result["msg"]
        assert writes(api_calls) == []
        # Teardown's lookup of a zone already deleted is no error.
        result, failed = run_module(route53_hosted_zone, {"name": "example.com", "zone_id": "Z0NOPE", "fail_if_missing": False})
        assert not failed and result["zone_id"] == ""

    def test_a_private_zone_of_the_same_name_does_not_count(self, run_module):
        make_private_zone()
        zone_id = make_zone()
        result, failed = run_module(route53_hosted_zone, {"name": "example.com"})
        assert not failed and result["zone_id"] == zone_id

    def test_duplicates_split_across_pages_are_all_seen(self, run_module, stubbed_clients):
        """ListHostedZonesByName pages by (name, id): a page may end between two zones of the same name."""
        stub = stubbed_clients("route53")["route53"]

        def zone(zone_id, name="example.com."):
            return {"Id": f"/hostedzone/{zone_id}", "Name": name, "CallerReference": zone_id,
                    "Config": {"PrivateZone": False}, "ResourceRecordSetCount": 2}

        stub.add_response(
            "list_hosted_zones_by_name",
            {"HostedZones": [zone("ZONEONE")], "DNSName": "example.com.", "IsTruncated": True, "MaxItems": "100",
             "NextDNSName": "example.com.", "NextHostedZoneId": "ZONETWO"},
            {"DNSName": "example.com.", "MaxItems": "100"},
        )
        stub.add_response(
            "list_hosted_zones_by_name",
            {"HostedZones": [zone("ZONETWO"), zone("ZONEX", "example.net.")], "DNSName": "example.com.",
             "HostedZoneId": "ZONETWO", "IsTruncated": False, "MaxItems": "100"},
            {"DNSName": "example.com.", "HostedZoneId": "ZONETWO", "MaxItems": "100"},
        )
        result, failed = run_module(route53_hosted_zone, {"name": "example.com"})
        assert failed and "ZONEONE" in result["msg"] and "ZONETWO" in result["msg"]
        stub.assert_no_pending_responses()


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

    def test_an_aaaa_alias_no_longer_wanted_is_deleted_with_the_a_upsert(self, run_module, api_calls):
        """An AAAA alias to an IPv4-only load balancer answers nothing: asking for A only removes it."""
        zone_id = make_zone()
        alb = {"name": "pizza.example.com", "target_dns_name": "jwt-pizza-dev-alb-1.us-west-2.elb.amazonaws.com",
               "target_hosted_zone_id": "Z1H1FL5HABSF5"}
        run_module(route53_alias, dict(alb, zone_id=zone_id))
        assert set(alias_records(zone_id)) == {"A", "AAAA"}
        api_calls.clear()
        result, failed = run_module(route53_alias, dict(alb, zone_id=zone_id, record_types=["A"]), diff=True)
        assert not failed and result["changed"]
        assert set(alias_records(zone_id)) == {"A"}
        assert writes(api_calls) == ["ChangeResourceRecordSets"]
        assert [r["type"] for r in result["records"]] == ["A"]
        again, _failed = run_module(route53_alias, dict(alb, zone_id=zone_id, record_types=["A"]))
        assert not again["changed"]

    def test_a_plain_record_of_the_other_type_is_not_ours(self, run_module):
        zone_id = make_zone()
        boto3.client("route53").change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
            "Action": "CREATE", "ResourceRecordSet": {"Name": "pizza.example.com.", "Type": "AAAA", "TTL": 60,
                                                      "ResourceRecords": [{"Value": "2001:db8::1"}]}}]})
        result, _failed = run_module(route53_alias, dict(ALIAS, zone_id=zone_id, record_types=["A"]))
        assert result["changed"] and set(alias_records(zone_id)) == {"A", "AAAA"}
        again, _failed = run_module(route53_alias, dict(ALIAS, zone_id=zone_id, record_types=["A"]))
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
