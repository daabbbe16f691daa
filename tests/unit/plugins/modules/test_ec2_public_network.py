# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.ec2_public_network against moto's in-process EC2."""

from __future__ import annotations

import ipaddress
import time

import boto3
import pytest

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _ec2_enis
from ansible_collections.jwtpizza.cloud.plugins.module_utils import _ec2_network
from ansible_collections.jwtpizza.cloud.plugins.modules import ec2_public_network

pytestmark = pytest.mark.usefixtures("moto_aws")

NAME = "jwt-pizza-dev"
CIDR = "10.42.0.0/16"
# Deliberately not in CIDR order: subnet_ids must follow this order.
SUBNETS = [
    {"cidr": "10.42.1.0/24", "availability_zone": "us-east-1a"},
    {"cidr": "10.42.0.0/24", "availability_zone": "us-east-1b"},
]
TAGS = {"Project": "jwt-pizza", "Environment": "dev", "ManagedBy": "jwtpizza.cloud"}
WRITES = {
    "CreateVpc",
    "ModifyVpcAttribute",
    "AssociateVpcCidrBlock",
    "CreateSubnet",
    "ModifySubnetAttribute",
    "AssociateSubnetCidrBlock",
    "CreateInternetGateway",
    "AttachInternetGateway",
    "CreateRouteTable",
    "CreateRoute",
    "ReplaceRoute",
    "DeleteRoute",
    "AssociateRouteTable",
    "ReplaceRouteTableAssociation",
    "DisassociateRouteTable",
    "CreateTags",
    "DeleteTags",
    "DeleteRouteTable",
    "DetachInternetGateway",
    "DeleteInternetGateway",
    "DeleteSubnet",
    "DeleteVpc",
}


def writes(api_calls):
    return [name for name, _params in api_calls if name in WRITES]


def args(**extra):
    return {"name": NAME, "cidr_block": CIDR, "subnets": [dict(s) for s in SUBNETS], "tags": dict(TAGS), **extra}


def ec2():
    return boto3.client("ec2")


def tags(resource):
    return {t["Key"]: t["Value"] for t in resource.get("Tags") or []}


def by_name(name):
    return [{"Name": "tag:Name", "Values": [name]}]


def read():
    """Everything the module manages, as EC2 holds it, found by Name tag: a dict, or None without VPC."""
    vpcs = ec2().describe_vpcs(Filters=by_name(f"{NAME}-vpc"))["Vpcs"]
    if not vpcs:
        return None
    assert len(vpcs) == 1, vpcs
    vpc = vpcs[0]
    vpc_filter = [{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
    attribute = {
        name: ec2().describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute=name)[name[0].upper() + name[1:]]["Value"]
        for name in ("enableDnsSupport", "enableDnsHostnames")
    }
    igws = ec2().describe_internet_gateways(Filters=by_name(f"{NAME}-igw"))["InternetGateways"]
    tables = ec2().describe_route_tables(Filters=vpc_filter + by_name(f"{NAME}-public"))["RouteTables"]
    return {
        "vpc": vpc,
        "dns": attribute,
        "subnets": {s["CidrBlock"]: s for s in ec2().describe_subnets(Filters=vpc_filter)["Subnets"]},
        "igws": igws,
        "tables": tables,
    }


def test_create_builds_everything_tagged_in_the_create_calls(run_module, api_calls):
    result, failed = run_module(ec2_public_network, args(), diff=True)
    assert not failed, result
    assert result["changed"] is True
    assert writes(api_calls).count("CreateVpc") == 1
    assert "CreateTags" not in writes(api_calls), "resources must be tagged in their create call"
    for operation, kind, name in [
        ("CreateVpc", "vpc", f"{NAME}-vpc"),
        ("CreateInternetGateway", "internet-gateway", f"{NAME}-igw"),
        ("CreateRouteTable", "route-table", f"{NAME}-public"),
    ]:
        (params,) = [p for op, p in api_calls if op == operation]
        ((spec,),) = [params["TagSpecifications"]]
        assert spec["ResourceType"] == kind
        assert tags(spec) == {**TAGS, "Name": name}
    subnet_specs = [p["TagSpecifications"][0] for op, p in api_calls if op == "CreateSubnet"]
    assert [tags(spec)["Name"] for spec in subnet_specs] == [f"{NAME}-public-1", f"{NAME}-public-2"]

    now = read()
    vpc = now["vpc"]
    assert vpc["CidrBlock"] == CIDR
    assert tags(vpc) == {**TAGS, "Name": f"{NAME}-vpc"}
    assert now["dns"] == {"enableDnsSupport": True, "enableDnsHostnames": True}
    assert result["vpc_id"] == vpc["VpcId"]
    # subnet_ids follow the order of `subnets`, each in its zone, public, named by its position.
    assert [now["subnets"][s["cidr"]]["SubnetId"] for s in SUBNETS] == result["subnet_ids"]
    for index, want in enumerate(SUBNETS):
        subnet = now["subnets"][want["cidr"]]
        assert subnet["AvailabilityZone"] == want["availability_zone"]
        assert subnet["MapPublicIpOnLaunch"] is True
        assert tags(subnet) == {**TAGS, "Name": f"{NAME}-public-{index + 1}"}
    (igw,) = now["igws"]
    assert igw["InternetGatewayId"] == result["internet_gateway_id"]
    assert [a["VpcId"] for a in igw["Attachments"]] == [vpc["VpcId"]]
    (table,) = now["tables"]
    assert table["RouteTableId"] == result["route_table_id"]
    routes = {r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock"): r.get("GatewayId") for r in table["Routes"]}
    assert routes == {CIDR: "local", "0.0.0.0/0": igw["InternetGatewayId"]}
    assert sorted(a["SubnetId"] for a in table["Associations"]) == sorted(result["subnet_ids"])
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["vpc"]["tags"] == {**TAGS, "Name": f"{NAME}-vpc"}


def test_rerun_writes_nothing_and_reads_six_times(run_module, api_calls):
    first, failed = run_module(ec2_public_network, args())
    assert not failed, first
    api_calls.clear()
    second, failed = run_module(ec2_public_network, args(), diff=True)
    assert not failed, second
    assert second["changed"] is False, second["actions"]
    assert second["actions"] == []
    assert writes(api_calls) == []
    assert [name for name, _params in api_calls] == [
        "DescribeVpcs",
        "DescribeVpcAttribute",
        "DescribeVpcAttribute",
        "DescribeInternetGateways",
        "DescribeSubnets",
        "DescribeRouteTables",
    ]
    for key in ("vpc_id", "subnet_ids", "internet_gateway_id", "route_table_id"):
        assert second[key] == first[key]
    assert second["diff"]["before"] == second["diff"]["after"]


def test_tag_change_retags_every_resource_and_keeps_the_vpc(run_module, api_calls):
    first, failed = run_module(ec2_public_network, args())
    assert not failed, first
    api_calls.clear()
    new_tags = {"Project": "jwt-pizza", "Environment": "prod"}
    result, failed = run_module(ec2_public_network, args(tags=new_tags), diff=True)
    assert not failed, result
    assert result["changed"] is True
    assert result["vpc_id"] == first["vpc_id"]
    assert sorted(writes(api_calls)) == ["CreateTags"] * 5 + ["DeleteTags"] * 5
    assert result["diff"]["before"]["vpc"]["tags"]["Environment"] == "dev"
    assert result["diff"]["after"]["vpc"]["tags"] == {**new_tags, "Name": f"{NAME}-vpc"}
    now = read()
    assert tags(now["vpc"]) == {**new_tags, "Name": f"{NAME}-vpc"}
    assert tags(now["igws"][0]) == {**new_tags, "Name": f"{NAME}-igw"}
    assert tags(now["tables"][0]) == {**new_tags, "Name": f"{NAME}-public"}
    assert {tags(s)["Environment"] for s in now["subnets"].values()} == {"prod"}
    assert all("ManagedBy" not in tags(s) for s in now["subnets"].values())
    api_calls.clear()
    again, failed = run_module(ec2_public_network, args(tags=new_tags))
    assert not failed and again["changed"] is False
    assert writes(api_calls) == []


def test_check_mode_on_an_empty_account_writes_nothing(run_module, api_calls):
    result, failed = run_module(ec2_public_network, args(), check_mode=True, diff=True)
    assert not failed, result
    assert result["changed"] is True
    assert writes(api_calls) == []
    assert read() is None
    assert (result["vpc_id"], result["subnet_ids"], result["internet_gateway_id"], result["route_table_id"]) == ("", [], "", "")
    assert result["actions"][0] == f"create VPC {NAME}-vpc ({CIDR})"
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["vpc"]["tags"] == {**TAGS, "Name": f"{NAME}-vpc"}
    assert [s["cidr"] for s in result["diff"]["after"]["subnets"]] == [s["cidr"] for s in SUBNETS]


def test_drift_is_reported_in_check_mode_and_then_fixed_alone(run_module, api_calls):
    first, failed = run_module(ec2_public_network, args())
    assert not failed, first
    subnet_id = first["subnet_ids"][0]
    ec2().modify_subnet_attribute(SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": False})
    ec2().delete_route(RouteTableId=first["route_table_id"], DestinationCidrBlock="0.0.0.0/0")
    api_calls.clear()
    checked, failed = run_module(ec2_public_network, args(), check_mode=True)
    assert not failed and checked["changed"] is True
    assert writes(api_calls) == []
    assert read()["subnets"]["10.42.1.0/24"]["MapPublicIpOnLaunch"] is False
    fixed, failed = run_module(ec2_public_network, args())
    assert not failed and fixed["changed"] is True
    assert writes(api_calls) == ["ModifySubnetAttribute", "CreateRoute"]
    assert read()["subnets"]["10.42.1.0/24"]["MapPublicIpOnLaunch"] is True
    api_calls.clear()
    again, failed = run_module(ec2_public_network, args())
    assert again["changed"] is False and writes(api_calls) == []


def test_a_killed_run_is_resumed_without_a_second_vpc(run_module, api_calls):
    """A run killed after CreateVpc (and an unattached CreateInternetGateway) left tagged resources only."""
    spec = [{"ResourceType": "vpc", "Tags": [{"Key": k, "Value": v} for k, v in {**TAGS, "Name": f"{NAME}-vpc"}.items()]}]
    vpc_id = ec2().create_vpc(CidrBlock=CIDR, TagSpecifications=spec)["Vpc"]["VpcId"]
    igw_spec = [{"ResourceType": "internet-gateway", "Tags": [{"Key": "Name", "Value": f"{NAME}-igw"}]}]
    igw_id = ec2().create_internet_gateway(TagSpecifications=igw_spec)["InternetGateway"]["InternetGatewayId"]
    api_calls.clear()
    result, failed = run_module(ec2_public_network, args())
    assert not failed, result
    assert result["vpc_id"] == vpc_id
    assert result["internet_gateway_id"] == igw_id
    assert "CreateVpc" not in writes(api_calls)
    assert "CreateInternetGateway" not in writes(api_calls)
    assert {"ModifyVpcAttribute", "AttachInternetGateway", "CreateSubnet"} <= set(writes(api_calls))
    now = read()
    assert now["dns"]["enableDnsHostnames"] is True
    assert sorted(now["subnets"]) == ["10.42.0.0/24", "10.42.1.0/24"]
    assert tags(now["igws"][0]) == {**TAGS, "Name": f"{NAME}-igw"}
    assert len(ec2().describe_vpcs(Filters=by_name(f"{NAME}-vpc"))["Vpcs"]) == 1


def test_ipv6_gives_the_vpc_a_56_and_each_subnet_its_64(run_module, api_calls):
    result, failed = run_module(ec2_public_network, args(ipv6=True))
    assert not failed, result
    now = read()
    (assoc,) = now["vpc"]["Ipv6CidrBlockAssociationSet"]
    block = ipaddress.IPv6Network(assoc["Ipv6CidrBlock"])
    assert block.prefixlen == 56
    for index, want in enumerate(SUBNETS):
        subnet = now["subnets"][want["cidr"]]
        (sub_assoc,) = subnet["Ipv6CidrBlockAssociationSet"]
        assert ipaddress.IPv6Network(sub_assoc["Ipv6CidrBlock"]) == list(block.subnets(new_prefix=64))[index]
        assert subnet["AssignIpv6AddressOnCreation"] is True
    routes = {r.get("DestinationIpv6CidrBlock") or r.get("DestinationCidrBlock"): r.get("GatewayId") for r in now["tables"][0]["Routes"]}
    assert routes["::/0"] == routes["0.0.0.0/0"] == result["internet_gateway_id"]
    api_calls.clear()
    again, failed = run_module(ec2_public_network, args(ipv6=True))
    assert not failed and again["changed"] is False, again.get("actions")
    assert writes(api_calls) == []


def test_absent_deletes_everything_then_changes_nothing(run_module, api_calls):
    created, failed = run_module(ec2_public_network, args())
    assert not failed, created
    checked, failed = run_module(ec2_public_network, {"name": NAME, "cidr_block": CIDR, "state": "absent"}, check_mode=True)
    assert not failed and checked["changed"] is True
    assert read() is not None
    api_calls.clear()
    deleted, failed = run_module(ec2_public_network, {"name": NAME, "cidr_block": CIDR, "state": "absent"}, diff=True)
    assert not failed, deleted
    assert deleted["changed"] is True
    assert deleted["diff"]["before"]["vpc"]["id"] == created["vpc_id"]
    assert deleted["diff"]["after"] == {}
    deletes = ["DeleteRouteTable", "DetachInternetGateway", "DeleteInternetGateway", "DeleteSubnet", "DeleteSubnet", "DeleteVpc"]
    assert [name for name in writes(api_calls) if name in deletes] == deletes
    assert writes(api_calls).index("DisassociateRouteTable") < writes(api_calls).index("DeleteRouteTable")
    assert read() is None
    assert ec2().describe_internet_gateways(Filters=by_name(f"{NAME}-igw"))["InternetGateways"] == []
    assert ec2().describe_subnets(Filters=[{"Name": "tag:Project", "Values": ["jwt-pizza"]}])["Subnets"] == []
    api_calls.clear()
    again, failed = run_module(ec2_public_network, {"name": NAME, "state": "absent"})
    assert not failed and again["changed"] is False
    assert writes(api_calls) == []


def attach_vpn_gateway(vpc_id):
    """Something moto refuses to delete a VPC for (DependencyViolation), like a lingering ENI on AWS."""
    vgw = ec2().create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2().attach_vpn_gateway(VpcId=vpc_id, VpnGatewayId=vgw)
    return vgw


def test_absent_fails_naming_the_vpc_when_a_dependency_stays(run_module, monkeypatch):
    created, failed = run_module(ec2_public_network, args())
    attach_vpn_gateway(created["vpc_id"])
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    result, failed = run_module(ec2_public_network, {"name": NAME, "state": "absent", "wait_timeout": 0})
    assert failed
    assert created["vpc_id"] in result["msg"]
    assert "DependencyViolation" in result["msg"]
    assert read() is not None


def test_absent_retries_while_a_dependency_lingers(run_module, monkeypatch):
    created, failed = run_module(ec2_public_network, args())
    vgw = attach_vpn_gateway(created["vpc_id"])
    slept = []

    def sleep(seconds):  # the dependency goes away during the first wait
        slept.append(seconds)
        ec2().detach_vpn_gateway(VpcId=created["vpc_id"], VpnGatewayId=vgw)

    monkeypatch.setattr(time, "sleep", sleep)
    result, failed = run_module(ec2_public_network, {"name": NAME, "state": "absent", "wait_timeout": 60})
    assert not failed, result
    assert slept == [_ec2_network.DELETE_DELAY]
    assert read() is None


def lingering_interface(subnet_id):
    """A network interface left in a subnet, as a deleted load balancer's or a stopped Fargate task's lingers on AWS."""
    return ec2().create_network_interface(SubnetId=subnet_id, Description="ELB app/jwt-pizza-dev-alb/50dc6c495c0c9188")[
        "NetworkInterface"
    ]["NetworkInterfaceId"]


def test_absent_waits_for_lingering_network_interfaces_before_deleting(run_module, api_calls, monkeypatch):
    created, failed = run_module(ec2_public_network, args())
    eni = lingering_interface(created["subnet_ids"][0])
    slept, writes_while_waiting = [], []

    def sleep(seconds):  # AWS releases the interface during the first wait
        slept.append(seconds)
        writes_while_waiting.extend(writes(api_calls))
        ec2().delete_network_interface(NetworkInterfaceId=eni)

    monkeypatch.setattr(time, "sleep", sleep)
    api_calls.clear()
    result, failed = run_module(ec2_public_network, {"name": NAME, "state": "absent", "wait_timeout": 60})
    assert not failed, result
    assert slept == [_ec2_enis.RELEASE_DELAY]
    assert writes_while_waiting == []
    assert "DescribeNetworkInterfaces" in [name for name, _params in api_calls]
    (warning,) = [w for w in result.get("warnings", []) if "network interface" in w]
    assert warning.startswith("Waited ")
    assert f"1 network interface(s) of VPC {created['vpc_id']} ({NAME}-vpc) to be released: {eni} (ELB app/" in warning
    assert read() is None


def test_absent_fails_naming_the_interfaces_left_after_the_timeout(run_module, api_calls, monkeypatch):
    created, failed = run_module(ec2_public_network, args())
    eni = lingering_interface(created["subnet_ids"][1])
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    api_calls.clear()
    result, failed = run_module(ec2_public_network, {"name": NAME, "state": "absent", "wait_timeout": 0})
    assert failed
    assert f"network interfaces of VPC {created['vpc_id']} ({NAME}-vpc) to be released" in result["msg"]
    assert eni in result["msg"] and "15-20 minutes" in result["msg"]
    assert writes(api_calls) == []
    assert read() is not None


def test_check_mode_absent_does_not_wait_for_interfaces(run_module, monkeypatch):
    created, failed = run_module(ec2_public_network, args())
    lingering_interface(created["subnet_ids"][0])
    monkeypatch.setattr(time, "sleep", lambda seconds: pytest.fail("waited in check mode"))
    result, failed = run_module(ec2_public_network, {"name": NAME, "state": "absent"}, check_mode=True)
    assert not failed and result["changed"] is True


def test_subnets_without_a_zone_are_spread_over_the_available_zones(run_module, api_calls):
    """Zone letters differ between accounts: none is assumed, and two subnets never share a zone by chance."""
    subnets = [{"cidr": s["cidr"]} for s in SUBNETS]
    result, failed = run_module(ec2_public_network, args(subnets=subnets))
    assert not failed, result
    zones = [read()["subnets"][s["cidr"]]["AvailabilityZone"] for s in subnets]
    available = sorted(z["ZoneName"] for z in ec2().describe_availability_zones()["AvailabilityZones"])
    assert zones == available[:2]
    api_calls.clear()
    again, _failed = run_module(ec2_public_network, args(subnets=subnets))
    assert not again["changed"]
    assert "DescribeAvailabilityZones" not in [name for name, _params in api_calls]  # read only to create a subnet


def test_stray_routes_are_removed_and_a_rerouted_default_is_fixed(run_module, api_calls):
    """Routes other than local, prefix lists and the default routes go; a default route to another target is replaced."""
    first, failed = run_module(ec2_public_network, args())
    assert not failed, first
    table_id = first["route_table_id"]
    other_igw = ec2().create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2().create_route(RouteTableId=table_id, DestinationCidrBlock="192.168.0.0/16", GatewayId=first["internet_gateway_id"])
    ec2().replace_route(RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0", GatewayId=other_igw)
    api_calls.clear()
    fixed, failed = run_module(ec2_public_network, args())
    assert not failed, fixed
    assert fixed["actions"] == [
        f"reroute 0.0.0.0/0 to {NAME}-igw in {NAME}-public",
        f"delete route 192.168.0.0/16 of {NAME}-public",
    ]
    assert writes(api_calls) == ["ReplaceRoute", "DeleteRoute"]
    routes = {r.get("DestinationCidrBlock"): r.get("GatewayId") for r in read()["tables"][0]["Routes"]}
    assert routes == {CIDR: "local", "0.0.0.0/0": first["internet_gateway_id"]}


def test_ipv6_false_removes_the_ipv6_default_route(run_module):
    created, failed = run_module(ec2_public_network, args(ipv6=True))
    assert not failed, created
    result, failed = run_module(ec2_public_network, args(ipv6=False))
    assert not failed and result["actions"] == [f"delete route ::/0 of {NAME}-public"]
    routes = [r.get("DestinationIpv6CidrBlock") for r in read()["tables"][0]["Routes"]]
    assert "::/0" not in routes


def test_an_unlisted_subnet_is_kept_but_taken_out_of_the_table(run_module, api_calls):
    first, failed = run_module(ec2_public_network, args())
    assert not failed, first
    result, failed = run_module(ec2_public_network, args(subnets=[dict(SUBNETS[0])]))
    assert not failed, result
    dropped = first["subnet_ids"][1]
    assert result["actions"] == [f"disassociate subnet {dropped} from {NAME}-public"]
    assert dropped in {s["SubnetId"] for s in read()["subnets"].values()}
    assert [a["SubnetId"] for a in read()["tables"][0]["Associations"] if a.get("SubnetId")] == [first["subnet_ids"][0]]


def test_a_subnet_associated_elsewhere_is_moved(run_module, api_calls):
    first, failed = run_module(ec2_public_network, args())
    assert not failed, first
    subnet_id = first["subnet_ids"][0]
    other = ec2().create_route_table(VpcId=first["vpc_id"])["RouteTable"]["RouteTableId"]
    [assoc] = [a for a in read()["tables"][0]["Associations"] if a.get("SubnetId") == subnet_id]
    ec2().replace_route_table_association(AssociationId=assoc["RouteTableAssociationId"], RouteTableId=other)
    api_calls.clear()
    result, failed = run_module(ec2_public_network, args())
    assert not failed, result
    assert result["actions"] == [f"move subnet {NAME}-public-1 to route table {NAME}-public"]
    assert writes(api_calls) == ["ReplaceRouteTableAssociation"]


def test_a_subnet_in_another_zone_is_kept_with_a_warning(run_module):
    first, failed = run_module(ec2_public_network, args())
    assert not failed, first
    moved = [dict(SUBNETS[0], availability_zone="us-east-1c"), dict(SUBNETS[1])]
    result, failed = run_module(ec2_public_network, args(subnets=moved))
    assert not failed and result["changed"] is False
    assert result["warnings"] == [
        f"Subnet {NAME}-public-1 (10.42.1.0/24) is in us-east-1a, not us-east-1c: kept (delete it to move)"
    ]


def test_two_vpcs_with_the_name_fail_naming_them(run_module):
    spec = [{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": f"{NAME}-vpc"}]}]
    ids = sorted(ec2().create_vpc(CidrBlock=CIDR, TagSpecifications=spec)["Vpc"]["VpcId"] for _copy in range(2))
    result, failed = run_module(ec2_public_network, args())
    assert failed
    assert sorted(result["msg"].split(" are named")[0].removeprefix("VPCs ").split(", ")) == ids
    assert result["msg"].endswith(f"are named {NAME}-vpc: delete the extra ones")


def test_no_diff_unless_asked(run_module):
    result, failed = run_module(ec2_public_network, args())
    assert not failed and "diff" not in result


def test_ipv6_added_to_an_existing_network_associates_a_block(run_module, api_calls):
    first, failed = run_module(ec2_public_network, args())
    assert not failed, first
    api_calls.clear()
    result, failed = run_module(ec2_public_network, args(ipv6=True))
    assert not failed, result
    assert result["actions"][0] == f"associate an Amazon-provided IPv6 /56 with VPC {NAME}-vpc"
    [params] = [p for op, p in api_calls if op == "AssociateVpcCidrBlock"]
    assert params == {"VpcId": first["vpc_id"], "AmazonProvidedIpv6CidrBlock": True}
    assert ipaddress.IPv6Network(read()["vpc"]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]).prefixlen == 56


def test_without_tags_the_tags_are_left_alone(run_module, api_calls):
    first, failed = run_module(ec2_public_network, args())
    assert not failed, first
    api_calls.clear()
    result, failed = run_module(ec2_public_network, args(tags=None))
    assert not failed and result["changed"] is False, result["actions"]
    assert writes(api_calls) == []
    assert tags(read()["vpc"]) == {**TAGS, "Name": f"{NAME}-vpc"}


def test_interfaces_are_described_up_to_five_then_counted():
    enis = [{"NetworkInterfaceId": f"eni-{n}", "InterfaceType": "interface", "Status": "in-use"} for n in range(7)]
    assert _ec2_enis.describe(enis[:5]) == ", ".join(f"eni-{n} (interface, in-use)" for n in range(5))
    assert _ec2_enis.describe(enis) == ", ".join(f"eni-{n} (interface, in-use)" for n in range(5)) + " and 2 more"
    assert _ec2_enis.describe([{"NetworkInterfaceId": "eni-x"}]) == "eni-x (?, ?)"


def test_no_interface_to_wait_for_returns_an_empty_line_at_once(monkeypatch):
    monkeypatch.setattr(_ec2_enis, "describe_network_interfaces", lambda client, filters: [])
    monkeypatch.setattr(time, "sleep", lambda seconds: pytest.fail("slept"))
    assert _ec2_enis.wait_released(None, [], "VPC vpc-1", 60) == ""
