# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.ec2_public_network when a write's answer is lost after it reached EC2.

botocore then sends the write again (its standard mode retries a closed connection).  A create without an
idempotency token makes a copy on each try; a repeated subnet create, gateway attachment, route or association is
refused because the first try did it.  ``tries`` (``lost_answers``) replays that against moto's in-process EC2; what moto answers
otherwise than EC2 (a repeated AssociateRouteTable) is answered by a Stubber in the shape AWS documents.
"""

from __future__ import annotations

import boto3
import botocore.client
import pytest

from ansible_collections.jwtpizza.cloud.plugins.modules import ec2_public_network

NAME = "jwt-pizza-dev"
CIDR = "10.42.0.0/16"
SUBNETS = [
    {"cidr": "10.42.1.0/24", "availability_zone": "us-east-1a"},
    {"cidr": "10.42.0.0/24", "availability_zone": "us-east-1b"},
]
TAGS = {"Project": "jwt-pizza", "Environment": "dev"}
READS = ("DescribeVpcs", "DescribeInternetGateways", "DescribeRouteTables", "DescribeSubnets")


def args(**extra):
    return {"name": NAME, "cidr_block": CIDR, "subnets": [dict(s) for s in SUBNETS], "tags": dict(TAGS), **extra}


def ec2():
    return boto3.client("ec2")


def named(name, *filters):
    return [{"Name": "tag:Name", "Values": [name]}, *filters]


def tag_spec(kind, name):
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


def vpcs():
    return [v["VpcId"] for v in ec2().describe_vpcs(Filters=named(f"{NAME}-vpc"))["Vpcs"]]


def igws():
    return [g["InternetGatewayId"] for g in ec2().describe_internet_gateways(Filters=named(f"{NAME}-igw"))["InternetGateways"]]


def tables():
    return [t["RouteTableId"] for t in ec2().describe_route_tables(Filters=named(f"{NAME}-public"))["RouteTables"]]


@pytest.fixture
def tries(moto_aws, lost_answers):
    """lost_answers (tests/unit/conftest.py) against moto's in-process EC2."""
    return lost_answers


@pytest.mark.parametrize(
    "operation, kind, listed, key",
    [
        ("CreateVpc", "VPC", vpcs, "vpc_id"),
        ("CreateInternetGateway", "internet gateway", igws, "internet_gateway_id"),
        ("CreateRouteTable", "route table", tables, "route_table_id"),
    ],
)
def test_copies_of_a_retried_create_are_deleted_and_the_answered_one_kept(run_module, tries, api_calls, operation, kind, listed, key):
    tries(operation, lost=2)
    result, failed = run_module(ec2_public_network, args())
    assert not failed, result
    assert [name for name, _params in api_calls].count(operation) == 3
    copies = [a for a in result["actions"] if a.endswith("(a copy left by a retried create)")]
    assert len(copies) == 2 and all(a.startswith(f"delete {kind} ") for a in copies), result["actions"]
    assert result[key] not in " ".join(copies)
    assert listed() == [result[key]]
    igw = ec2().describe_internet_gateways(InternetGatewayIds=[result["internet_gateway_id"]])["InternetGateways"][0]
    assert [a["VpcId"] for a in igw["Attachments"]] == [result["vpc_id"]]
    api_calls.clear()
    again, failed = run_module(ec2_public_network, args())
    assert not failed and again["changed"] is False, again
    assert again[key] == result[key]


def test_a_create_answered_at_once_reads_its_copies_once_and_a_rerun_not_at_all(run_module, moto_aws, api_calls):
    result, failed = run_module(ec2_public_network, args())
    assert not failed, result
    assert [name for name, _params in api_calls if name in READS] == [
        "DescribeVpcs",  # find
        "DescribeVpcs",  # copies of CreateVpc
        "DescribeInternetGateways",  # copies of CreateInternetGateway
        "DescribeRouteTables",  # copies of CreateRouteTable
    ]
    assert not [a for a in result["actions"] if "copy" in a]
    api_calls.clear()
    again, failed = run_module(ec2_public_network, args())
    assert not failed and again["changed"] is False
    assert [name for name, _params in api_calls] == [
        "DescribeVpcs", "DescribeVpcAttribute", "DescribeVpcAttribute", "DescribeInternetGateways", "DescribeSubnets",
        "DescribeRouteTables",
    ]


def test_check_mode_reads_no_copies(run_module, moto_aws, api_calls):
    result, failed = run_module(ec2_public_network, args(), check_mode=True)
    assert not failed and result["changed"] is True
    assert [name for name, _params in api_calls] == ["DescribeVpcs"]


@pytest.mark.parametrize("operation", ["CreateSubnet", "AttachInternetGateway", "CreateRoute"])
def test_a_repeated_write_refused_because_its_first_try_did_it_counts_as_done(run_module, tries, api_calls, operation):
    answered = tries(operation)
    result, failed = run_module(ec2_public_network, args())
    assert not failed, result
    refusal = {"CreateSubnet": "InvalidSubnet.Conflict", "AttachInternetGateway": "Resource.AlreadyAssociated",
               "CreateRoute": "RouteAlreadyExists"}[operation]
    assert answered == [refusal]
    assert result["changed"] is True
    subnets = ec2().describe_subnets(Filters=[{"Name": "vpc-id", "Values": [result["vpc_id"]]}])["Subnets"]
    assert sorted(s["SubnetId"] for s in subnets) == sorted(result["subnet_ids"])
    assert all(s["MapPublicIpOnLaunch"] for s in subnets)
    (table,) = ec2().describe_route_tables(RouteTableIds=[result["route_table_id"]])["RouteTables"]
    assert {r.get("DestinationCidrBlock"): r.get("GatewayId") for r in table["Routes"]}["0.0.0.0/0"] == result["internet_gateway_id"]
    assert sorted(a["SubnetId"] for a in table["Associations"]) == sorted(result["subnet_ids"])
    api_calls.clear()
    again, failed = run_module(ec2_public_network, args())
    assert not failed and again["changed"] is False, again


def test_a_repeated_move_to_the_table_counts_as_done(run_module, tries, api_calls):
    first, failed = run_module(ec2_public_network, args())
    assert not failed, first
    subnet_id = first["subnet_ids"][0]
    other = ec2().create_route_table(VpcId=first["vpc_id"])["RouteTable"]["RouteTableId"]
    (table,) = ec2().describe_route_tables(RouteTableIds=[first["route_table_id"]])["RouteTables"]
    (assoc,) = [a["RouteTableAssociationId"] for a in table["Associations"] if a.get("SubnetId") == subnet_id]
    ec2().replace_route_table_association(AssociationId=assoc, RouteTableId=other)
    answered = tries("ReplaceRouteTableAssociation")
    result, failed = run_module(ec2_public_network, args())
    assert not failed, result
    assert answered == ["InvalidAssociationID.NotFound"]
    assert result["actions"] == [f"move subnet {NAME}-public-1 to route table {NAME}-public"]
    found = ec2().describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}])["RouteTables"]
    assert [t["RouteTableId"] for t in found] == [first["route_table_id"]]


# ---------------------------------------------------------------- real conflicts still fail, naming what is in the way


def vpc_named_ours():
    spec = [{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": f"{NAME}-vpc"}]}]
    return ec2().create_vpc(CidrBlock=CIDR, TagSpecifications=spec)["Vpc"]["VpcId"]


def test_a_subnet_overlapping_the_cidr_fails_naming_it(run_module, moto_aws):
    vpc_id = vpc_named_ours()
    other = ec2().create_subnet(VpcId=vpc_id, CidrBlock="10.42.0.0/23", TagSpecifications=tag_spec("subnet", "legacy"))
    result, failed = run_module(ec2_public_network, args())
    assert failed
    assert result["msg"].startswith(
        f"Could not create subnet {NAME}-public-1 (10.42.1.0/24) in VPC {vpc_id}: it overlaps another subnet: "
        f"{other['Subnet']['SubnetId']} (10.42.0.0/23, named legacy)"
    )
    assert "InvalidSubnet.Conflict" in result["msg"]


def test_a_subnet_of_the_cidr_made_by_another_writer_fails_naming_it(run_module, tries):
    vpc_id = vpc_named_ours()
    made = []

    def another_writer():
        spec = tag_spec("subnet", "someone-else")
        made.append(ec2().create_subnet(VpcId=vpc_id, CidrBlock="10.42.1.0/24", TagSpecifications=spec)["Subnet"]["SubnetId"])

    tries("CreateSubnet", lost=0, before=another_writer)
    result, failed = run_module(ec2_public_network, args())
    assert failed
    assert f"it overlaps another subnet: {made[0]} (10.42.1.0/24, named someone-else)" in result["msg"]


def test_a_gateway_attached_elsewhere_fails_naming_the_vpc(run_module, tries):
    other_vpc = ec2().create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]

    def another_writer():
        (igw,) = igws()
        ec2().attach_internet_gateway(InternetGatewayId=igw, VpcId=other_vpc)

    tries("AttachInternetGateway", lost=0, before=another_writer)
    result, failed = run_module(ec2_public_network, args())
    assert failed
    assert f"Could not attach internet gateway {NAME}-igw (" in result["msg"]
    assert f"): it is attached to {other_vpc}" in result["msg"]
    assert "Resource.AlreadyAssociated" in result["msg"]


def test_a_default_route_to_another_target_fails_naming_it(run_module, tries):
    other_igw = ec2().create_internet_gateway()["InternetGateway"]["InternetGatewayId"]

    def another_writer():
        (table,) = tables()
        ec2().create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=other_igw)

    tries("CreateRoute", lost=0, before=another_writer)
    result, failed = run_module(ec2_public_network, args())
    assert failed
    assert result["msg"].startswith(f"Could not route 0.0.0.0/0 to {NAME}-igw in {NAME}-public: 0.0.0.0/0 goes to {other_igw}")


# ---------------------------------------------------------------- AssociateRouteTable: moto accepts a repeat, EC2 does not


def tag_list(name):
    return [{"Key": k, "Value": v} for k, v in {**TAGS, "Name": name}.items()]


def association(subnet_id, table_id):
    return {"RouteTableAssociationId": f"rtbassoc-{subnet_id[-1]}{table_id[-1]}", "RouteTableId": table_id,
            "SubnetId": subnet_id, "Main": False, "AssociationState": {"State": "associated"}}


def public_table(*subnet_ids, table_id="rtb-1"):
    return {"RouteTableId": table_id, "VpcId": "vpc-1", "Tags": tag_list(f"{NAME}-public"),
            "Routes": [{"DestinationCidrBlock": CIDR, "GatewayId": "local", "State": "active", "Origin": "CreateRouteTable"},
                       {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active", "Origin": "CreateRoute"}],
            "Associations": [association(s, table_id) for s in subnet_ids]}


def stub_network_without_the_second_association(ec2_stub):
    """The answers of a network that lacks only the association of subnet-2 (as a no-change run reads it)."""
    vpc = {"VpcId": "vpc-1", "CidrBlock": CIDR, "State": "available", "Tags": tag_list(f"{NAME}-vpc")}
    ec2_stub.add_response("describe_vpcs", {"Vpcs": [vpc]})
    for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
        ec2_stub.add_response("describe_vpc_attribute", {"VpcId": "vpc-1", attribute: {"Value": True}})
    ec2_stub.add_response("describe_internet_gateways", {"InternetGateways": [
        {"InternetGatewayId": "igw-1", "Attachments": [{"VpcId": "vpc-1", "State": "available"}], "Tags": tag_list(f"{NAME}-igw")}]})
    ec2_stub.add_response("describe_subnets", {"Subnets": [
        {"SubnetId": f"subnet-{n + 1}", "VpcId": "vpc-1", "CidrBlock": s["cidr"], "AvailabilityZone": s["availability_zone"],
         "MapPublicIpOnLaunch": True, "Tags": tag_list(f"{NAME}-public-{n + 1}")} for n, s in enumerate(SUBNETS)]})
    ec2_stub.add_response("describe_route_tables", {"RouteTables": [public_table("subnet-1")]})
    # EC2's answer to a repeat of an association its first try made (Resource.AlreadyAssociated, 400).
    ec2_stub.add_client_error(
        "associate_route_table", service_error_code="Resource.AlreadyAssociated", http_status_code=400,
        service_message="the specified association for route table rtb-1 conflicts with an existing association",
        expected_params={"RouteTableId": "rtb-1", "SubnetId": "subnet-2"},
    )


BY_SUBNET_2 = {"Filters": [{"Name": "association.subnet-id", "Values": ["subnet-2"]}]}


def test_a_repeated_association_refused_as_already_associated_counts_as_done(stubbed_clients, run_module):
    ec2_stub = stubbed_clients("ec2")["ec2"]
    stub_network_without_the_second_association(ec2_stub)
    ec2_stub.add_response("describe_route_tables", {"RouteTables": [public_table("subnet-1", "subnet-2")]}, BY_SUBNET_2)
    result, failed = run_module(ec2_public_network, args())
    assert not failed, result
    assert result["actions"] == [f"associate subnet {NAME}-public-2 with {NAME}-public"]
    ec2_stub.assert_no_pending_responses()


def test_an_association_refused_because_the_subnet_is_in_another_table_fails_naming_it(stubbed_clients, run_module):
    ec2_stub = stubbed_clients("ec2")["ec2"]
    stub_network_without_the_second_association(ec2_stub)
    ec2_stub.add_response("describe_route_tables", {"RouteTables": [public_table("subnet-2", table_id="rtb-9")]}, BY_SUBNET_2)
    result, failed = run_module(ec2_public_network, args())
    assert failed
    assert result["msg"].startswith(f"Could not associate subnet {NAME}-public-2 with {NAME}-public: subnet subnet-2 is "
                                    "associated with rtb-9")
    assert "Resource.AlreadyAssociated" in result["msg"]
    ec2_stub.assert_no_pending_responses()


def test_a_new_vpc_still_pending_is_waited_for_until_available(run_module, moto_aws, api_calls, monkeypatch):
    """AWS may answer CreateVpc, and a first DescribeVpcs, with State pending: the module reads the VPC until it is
    available before it sets its attributes (moto answers available at once, so the first two answers are altered)."""
    inner = botocore.client.BaseClient._make_api_call
    pending = {"CreateVpc": 1, "DescribeVpcs": 1}

    def call(self, operation, params):
        answer = inner(self, operation, params)
        if pending.get(operation) and (operation == "CreateVpc" or params.get("VpcIds")):
            pending[operation] -= 1
            for vpc in answer.get("Vpcs") or [answer.get("Vpc")]:
                vpc["State"] = "pending"
        return answer

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", call)
    result, failed = run_module(ec2_public_network, args())
    assert not failed and result["changed"], result
    by_id = [params for name, params in api_calls if name == "DescribeVpcs" and params.get("VpcIds")]
    assert pending == {"CreateVpc": 0, "DescribeVpcs": 0}
    assert len(by_id) == 2  # pending, then available
