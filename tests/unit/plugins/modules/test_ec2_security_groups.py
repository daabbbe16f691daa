# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.ec2_security_groups: moto's in-process EC2, and Stubber answers where moto is lax."""

from __future__ import annotations

import time

import boto3
import botocore.client
import pytest
from botocore.exceptions import ClientError

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _security_groups as rules
from ansible_collections.jwtpizza.cloud.plugins.modules import ec2_security_groups as module

TAGS = {"Project": "jwt-pizza", "Environment": "dev"}
WRITES = {
    "CreateSecurityGroup", "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress", "UpdateSecurityGroupRuleDescriptionsIngress", "UpdateSecurityGroupRuleDescriptionsEgress",
    "CreateTags", "DeleteTags", "DeleteSecurityGroup",
}


def writes(api_calls):
    return [name for name, _params in api_calls if name in WRITES]


def groups(alb_ports=(80, 443)):
    return [
        {"name": "site-alb", "description": "load balancer",
         "ingress": [{"ports": list(alb_ports), "cidr_ip": ["0.0.0.0/0"], "cidr_ipv6": ["::/0"], "description": "web"}],
         "egress": [{"protocol": "all", "cidr_ip": ["0.0.0.0/0"], "cidr_ipv6": ["::/0"]}]},
        {"name": "site-tasks", "description": "tasks",
         "ingress": [{"ports": [80], "group_name": "site-alb", "description": "from the load balancer"}]},
    ]


@pytest.fixture
def vpc(moto_aws):
    return boto3.client("ec2").create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]


@pytest.fixture
def run(run_module, vpc):
    def run(groups_=None, check_mode=False, diff=False, **extra):
        return run_module(module, {"vpc_id": vpc, "groups": groups() if groups_ is None else groups_, "tags": TAGS, **extra},
                          check_mode=check_mode, diff=diff)

    return run


def described(vpc):
    found = boto3.client("ec2").describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]
    return {g["GroupName"]: g for g in found if g["GroupName"] != "default"}


class TestRules:
    def test_ports_and_sources_flatten_into_one_rule_each(self):
        wanted = rules.expand({"ports": [80, "8000-8100"], "cidr_ip": ["0.0.0.0/0"], "cidr_ipv6": ["::/0"], "description": "d"},
                              ["a"], {}, "a")
        assert set(wanted) == {
            rules.Rule("tcp", 80, 80, "cidr_ip", "0.0.0.0/0"), rules.Rule("tcp", 80, 80, "cidr_ipv6", "::/0"),
            rules.Rule("tcp", 8000, 8100, "cidr_ip", "0.0.0.0/0"), rules.Rule("tcp", 8000, 8100, "cidr_ipv6", "::/0")}
        assert set(wanted.values()) == {"d"}

    @pytest.mark.parametrize(("rule", "message"), [
        ({"ports": [80]}, "give a source"),
        ({"cidr_ip": ["0.0.0.0/0"]}, "ports are required with protocol tcp"),
        ({"protocol": "all", "ports": [80], "cidr_ip": ["0.0.0.0/0"]}, "protocol all covers every port"),
        ({"protocol": "icmp", "ports": [1], "cidr_ip": ["0.0.0.0/0"]}, "protocol must be tcp, udp or all"),
        ({"ports": [65536], "cidr_ip": ["0.0.0.0/0"]}, "not within 0-65535"),
        ({"ports": ["1-65536"], "cidr_ip": ["0.0.0.0/0"]}, "not within 0-65535"),
        ({"ports": ["90-80"], "cidr_ip": ["0.0.0.0/0"]}, "not within 0-65535"),
        ({"ports": ["http"], "cidr_ip": ["0.0.0.0/0"]}, "is not a port or a range"),
        ({"ports": [80], "group_name": "elsewhere"}, "group_name 'elsewhere' is not a group of this set (a)"),
    ])
    def test_a_rule_that_cannot_be_expressed_names_its_group_and_number(self, rule, message):
        with pytest.raises(rules.RuleError) as raised:
            rules.wanted_rules([{"ports": [1], "cidr_ip": ["10.0.0.0/8"]}, rule], ["a"], {}, "groups[a].ingress")
        assert str(raised.value).startswith("groups[a].ingress rule 2: ") and message in str(raised.value)

    def test_boundary_ports_are_accepted(self):
        assert rules.port_range(0, "x") == (0, 0) and rules.port_range("65535", "x") == (65535, 65535)

    def test_read_rules_flattens_every_source_kind_and_keeps_descriptions(self):
        found = rules.read_rules([
            {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "web"}],
             "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "UserIdGroupPairs": [{"GroupId": "sg-1", "UserId": "1"}]},
            # EC2 may give FromPort/ToPort -1 for "all": they mean nothing there.
            {"IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        ])
        assert found == {
            rules.Rule("tcp", 80, 80, "cidr_ip", "0.0.0.0/0"): "web", rules.Rule("tcp", 80, 80, "cidr_ipv6", "::/0"): "",
            rules.Rule("tcp", 80, 80, "group", "sg-1"): "", rules.Rule("-1", None, None, "cidr_ip", "10.0.0.0/8"): ""}

    def test_permissions_group_sources_of_one_range_and_round_trip(self):
        wanted = rules.expand({"ports": [443], "cidr_ip": ["0.0.0.0/0"], "cidr_ipv6": ["::/0"], "group_id": "sg-9",
                               "description": "d"}, [], {}, "x")
        sent = rules.permissions(wanted)
        assert sent == [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                         "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "d"}],
                         "Ipv6Ranges": [{"CidrIpv6": "::/0", "Description": "d"}],
                         "UserIdGroupPairs": [{"GroupId": "sg-9", "Description": "d"}]}]
        assert rules.read_rules(sent) == wanted
        assert rules.permissions({rules.Rule("-1", None, None, "cidr_ip", "0.0.0.0/0"): ""}) == [
            {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]

    def test_compare_separates_new_gone_and_redescribed_rules(self):
        keep, gone, new = (rules.Rule("tcp", port, port, "cidr_ip", "0.0.0.0/0") for port in (80, 81, 82))
        assert rules.compare({keep: "a", gone: ""}, {keep: "b", new: ""}) == ({new: ""}, {gone: ""}, {keep: "b"})
        assert rules.compare({keep: "a"}, None) == ({}, {}, {})

    def test_labels_sort_ports_as_numbers(self):
        wanted = rules.expand({"ports": [8443, 443, "1000-2000", 80], "cidr_ip": ["0.0.0.0/0"]}, [], {}, "x")
        assert [text.split()[1] for text in rules.labels(wanted)] == ["80", "443", "1000-2000", "8443"]

    def test_labels_name_groups_of_the_set(self):
        rule = rules.Rule("tcp", 8000, 8100, "group", "sg-1")
        assert rules.labels({rule: "d"}, {"sg-1": "site-alb"}) == ["tcp 8000-8100 site-alb (d)"]
        assert rules.label(rules.Rule("-1", None, None, "cidr_ipv6", "::/0")) == "all all ports ::/0"
        assert rules.labels(None) is None


class TestPresent:
    def test_creates_both_groups_wired_to_each_other_and_is_idempotent(self, run, vpc, api_calls):
        result, failed = run()
        assert not failed and result["changed"], result
        found = described(vpc)
        alb, tasks = found["site-alb"], found["site-tasks"]
        assert result["group_ids"] == {"site-alb": alb["GroupId"], "site-tasks": tasks["GroupId"]}
        assert rules.read_rules(tasks["IpPermissions"]) == {rules.Rule("tcp", 80, 80, "group", alb["GroupId"]): "from the load balancer"}
        anywhere = (("cidr_ip", "0.0.0.0/0"), ("cidr_ipv6", "::/0"))
        assert set(rules.read_rules(alb["IpPermissions"])) == {
            rules.Rule("tcp", port, port, kind, cidr) for port in (80, 443) for kind, cidr in anywhere}
        assert set(rules.read_rules(alb["IpPermissionsEgress"])) == {
            rules.Rule("-1", None, None, "cidr_ip", "0.0.0.0/0"), rules.Rule("-1", None, None, "cidr_ipv6", "::/0")}
        # egress unset: the new task group keeps EC2's default rule.
        assert set(rules.read_rules(tasks["IpPermissionsEgress"])) == {rules.Rule("-1", None, None, "cidr_ip", "0.0.0.0/0")}
        assert {t["Key"]: t["Value"] for t in tasks["Tags"]} == {**TAGS, "Name": "site-tasks"}
        assert result["security_groups"][1]["ingress"] == ["tcp 80 site-alb (from the load balancer)"]
        api_calls.clear()
        again, _failed = run()
        assert not again["changed"] and again["actions"] == [] and writes(api_calls) == []
        assert [name for name, _params in api_calls] == ["DescribeSecurityGroups"], "a no-change run reads once"

    def test_a_created_group_is_not_waited_for_with_sleeps(self, run, monkeypatch):
        monkeypatch.setattr(time, "sleep", lambda seconds: pytest.fail(f"slept {seconds}s"))
        result, failed = run()
        assert not failed and result["changed"]

    def test_a_changed_rule_is_added_before_the_old_one_is_revoked(self, run, vpc, api_calls):
        run()
        api_calls.clear()
        result, _failed = run(groups(alb_ports=(443, 8443)))
        assert result["changed"]
        assert writes(api_calls) == ["AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress"]
        revoked = dict(api_calls)["RevokeSecurityGroupIngress"]["IpPermissions"]
        assert [(p["FromPort"], len(p["IpRanges"]), len(p["Ipv6Ranges"])) for p in revoked] == [(80, 1, 1)]
        ports = {rule.from_port for rule in rules.read_rules(described(vpc)["site-alb"]["IpPermissions"])}
        assert ports == {443, 8443}

    def test_a_new_description_is_updated_in_place(self, run, vpc, api_calls):
        run()
        changed = groups()
        changed[1]["ingress"][0]["description"] = "only the load balancer"
        api_calls.clear()
        result, _failed = run(changed, diff=True)
        assert writes(api_calls) == ["UpdateSecurityGroupRuleDescriptionsIngress"]
        assert result["diff"]["before"]["site-tasks"]["ingress"] == ["tcp 80 site-alb (from the load balancer)"]
        assert result["diff"]["after"]["site-tasks"]["ingress"] == ["tcp 80 site-alb (only the load balancer)"]
        assert "site-alb" in result["diff"]["after"] and result["diff"]["before"]["site-alb"] == result["diff"]["after"]["site-alb"]

    def test_rules_added_by_hand_are_revoked_and_tags_purged(self, run, vpc, api_calls):
        ids = run()[0]["group_ids"]
        ec2 = boto3.client("ec2")
        ec2.authorize_security_group_ingress(GroupId=ids["site-tasks"], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        ec2.create_tags(Resources=[ids["site-tasks"]], Tags=[{"Key": "Owner", "Value": "someone"}])
        api_calls.clear()
        result, _failed = run()
        assert result["changed"] and sorted(writes(api_calls)) == ["DeleteTags", "RevokeSecurityGroupIngress"]
        assert "revoke ingress of site-tasks: tcp 22 0.0.0.0/0" in result["actions"]
        assert "Owner" not in {t["Key"] for t in described(vpc)["site-tasks"]["Tags"]}

    def test_check_mode_on_an_empty_vpc_writes_nothing_and_names_the_groups_to_create(self, run, vpc, api_calls):
        result, failed = run(check_mode=True, diff=True)
        assert not failed and result["changed"] and writes(api_calls) == []
        assert result["group_ids"] == {} and described(vpc) == {}
        assert result["security_groups"][1]["ingress"] == ["tcp 80 <site-alb> (from the load balancer)"]
        assert result["diff"]["before"] == {} and set(result["diff"]["after"]) == {"site-alb", "site-tasks"}
        assert result["actions"][:2] == ["create security group site-alb", "create security group site-tasks"]

    def test_check_mode_on_built_groups_reports_the_one_change_and_writes_nothing(self, run, api_calls):
        run()
        api_calls.clear()
        result, _failed = run(groups(alb_ports=(443,)), check_mode=True)
        assert result["changed"] and writes(api_calls) == []
        assert result["actions"] == ["revoke ingress of site-alb: tcp 80 0.0.0.0/0 (web); tcp 80 ::/0 (web)"]

    def test_a_bad_rule_fails_naming_it_before_any_call(self, run, api_calls):
        bad = groups()
        bad[1]["ingress"].append({"ports": [80], "group_name": "site-db"})
        result, failed = run(bad)
        assert failed and result["msg"].startswith("groups[site-tasks].ingress rule 2: group_name 'site-db'")
        assert api_calls == []

    def test_two_groups_of_one_name_fail_before_any_call(self, run, api_calls):
        result, failed = run([{"name": "a"}, {"name": "a"}])
        assert failed and result["msg"] == "groups must have different names; got a, a" and api_calls == []

    def test_another_description_only_warns(self, run, monkeypatch):
        run()
        warnings = []
        monkeypatch.setattr(module.JwtPizzaModule, "warn", lambda self, text: warnings.append(text))
        changed = groups()
        changed[0]["description"] = "another"
        result, _failed = run(changed)
        assert not result["changed"] and warnings and "keeps its description 'load balancer'" in warnings[0]


class TestInterrupted:
    """What a retried write meets when its first try reached EC2 but the answer was lost (Stubber: moto cannot lose one)."""

    def test_a_duplicate_authorize_adds_the_rules_one_by_one(self, stubbed_clients, run_module):
        ec2 = stubbed_clients("ec2")["ec2"]
        group = {"GroupId": "sg-1", "GroupName": "a", "VpcId": "vpc-1", "IpPermissions": [], "IpPermissionsEgress": [],
                 "Tags": [{"Key": "Name", "Value": "a"}]}
        one = [{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]} for port in (80, 443)]
        ec2.add_response("describe_security_groups", {"SecurityGroups": [group]})
        ec2.add_client_error("authorize_security_group_ingress", "InvalidPermission.Duplicate",
                             expected_params={"GroupId": "sg-1", "IpPermissions": one})
        ec2.add_client_error("authorize_security_group_ingress", "InvalidPermission.Duplicate",
                             expected_params={"GroupId": "sg-1", "IpPermissions": one[:1]})
        ec2.add_response("authorize_security_group_ingress", {"Return": True},
                         expected_params={"GroupId": "sg-1", "IpPermissions": one[1:]})
        result, failed = run_module(module, {"vpc_id": "vpc-1", "groups": [
            {"name": "a", "ingress": [{"ports": [80, 443], "cidr_ip": ["0.0.0.0/0"]}]}]})
        assert not failed and result["changed"], result
        ec2.assert_no_pending_responses()

    def test_a_revoke_of_a_rule_already_gone_revokes_the_others_one_by_one(self, stubbed_clients, run_module):
        ec2 = stubbed_clients("ec2")["ec2"]
        both = [{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]} for port in (22, 23)]
        group = {"GroupId": "sg-1", "GroupName": "a", "VpcId": "vpc-1", "IpPermissions": both, "IpPermissionsEgress": [],
                 "Tags": [{"Key": "Name", "Value": "a"}]}
        ec2.add_response("describe_security_groups", {"SecurityGroups": [group]})
        ec2.add_client_error("revoke_security_group_ingress", "InvalidPermission.NotFound",
                             expected_params={"GroupId": "sg-1", "IpPermissions": both})
        ec2.add_client_error("revoke_security_group_ingress", "InvalidPermission.NotFound",
                             expected_params={"GroupId": "sg-1", "IpPermissions": both[:1]})
        ec2.add_response("revoke_security_group_ingress", {"Return": True},
                         expected_params={"GroupId": "sg-1", "IpPermissions": both[1:]})
        result, failed = run_module(module, {"vpc_id": "vpc-1", "groups": [{"name": "a", "ingress": []}]})
        assert not failed and result["changed"], result
        ec2.assert_no_pending_responses()

    def test_a_create_answered_duplicate_finds_the_group(self, stubbed_clients, run_module):
        ec2 = stubbed_clients("ec2")["ec2"]
        found = {"GroupId": "sg-7", "GroupName": "a", "VpcId": "vpc-1", "IpPermissions": [],
                 "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
                 "Tags": [{"Key": "Name", "Value": "a"}]}
        ec2.add_response("describe_security_groups", {"SecurityGroups": []})
        ec2.add_client_error("create_security_group", "InvalidGroup.Duplicate")
        ec2.add_response("describe_security_groups", {"SecurityGroups": [found]})
        result, failed = run_module(module, {"vpc_id": "vpc-1", "groups": [{"name": "a"}]})
        assert not failed and result["group_ids"] == {"a": "sg-7"}, result
        ec2.assert_no_pending_responses()


class TestAbsent:
    def test_deletes_in_reverse_order_then_finds_nothing(self, run, vpc, api_calls):
        ids = run()[0]["group_ids"]
        api_calls.clear()
        result, failed = run(state="absent")
        assert not failed and result["changed"]
        deleted = [params["GroupId"] for name, params in api_calls if name == "DeleteSecurityGroup"]
        assert deleted == [ids["site-tasks"], ids["site-alb"]] and described(vpc) == {}
        again, _failed = run(state="absent")
        assert not again["changed"]

    def test_check_mode_deletes_nothing(self, run, vpc, api_calls):
        run()
        api_calls.clear()
        result, _failed = run(state="absent", check_mode=True)
        assert result["changed"] and writes(api_calls) == [] and set(described(vpc)) == {"site-alb", "site-tasks"}

    def test_waits_for_the_network_interfaces_that_use_the_groups(self, run, vpc, monkeypatch):
        ids = run()[0]["group_ids"]
        seen = []
        monkeypatch.setattr(module, "wait_released", lambda client, filters, what, timeout: seen.append((filters, timeout)) or "")
        run(state="absent", wait_timeout=30)
        assert seen == [([{"Name": "group-id", "Values": [ids["site-alb"], ids["site-tasks"]]}], 30)]

    def test_the_wait_for_network_interfaces_is_told_as_a_warning(self, run, monkeypatch):
        run()
        warnings = []
        monkeypatch.setattr(module, "wait_released", lambda *args: "waited 45s for 1 network interface(s) of x: eni-1")
        monkeypatch.setattr(module.JwtPizzaModule, "warn", lambda self, text: warnings.append(text))
        run(state="absent")
        assert warnings == ["Waited 45s for 1 network interface(s) of x: eni-1"]

    def test_a_group_still_in_use_fails_naming_it_after_the_timeout(self, run, vpc, monkeypatch):
        run()
        original = botocore.client.BaseClient._make_api_call

        def refuse(self, operation, params):
            if operation == "DeleteSecurityGroup":
                raise ClientError({"Error": {"Code": "DependencyViolation", "Message": "in use"}}, operation)
            return original(self, operation, params)

        monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", refuse)
        # wait_timeout 0: one try, then the verdict (no sleep).
        result, failed = run(state="absent", wait_timeout=0)
        assert failed and result["msg"].startswith("Could not delete security group site-tasks (sg-"), result["msg"]
        assert "another group's rules or a resource" in result["msg"] and "still use it" in result["msg"]
