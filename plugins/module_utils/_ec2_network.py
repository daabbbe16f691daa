# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The resources of ec2_public_network, one class each: VPC, subnets, internet gateway, route table.

This file is private to this collection (the leading underscore says so): its
interface may change without notice and other collections must not import it.

``Network`` holds what every resource shares (the client, the names, the tags,
the record of writes, check mode); ``Vpc``, ``Subnets``, ``InternetGateway``
and ``RouteTable`` each create, fix and delete one kind of resource through it.
Every EC2 call is a small function under ``EC2Errors``.
"""

from __future__ import annotations

import ipaddress
import time

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import EC2Errors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaTimeout
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import error_code
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import wait_for

# A fresh ID that EC2 does not show yet (eventual consistency): a write naming it is retried.
NOT_YET = (
    "InvalidVpcID.NotFound",
    "InvalidSubnetID.NotFound",
    "InvalidInternetGatewayID.NotFound",
    "InvalidRouteTableID.NotFound",
)
SETTLE_TIMEOUT = 60
SETTLE_DELAY = 2
DELETE_DELAY = 10
# Subnet IPv6 association states that do not count as a block (moto garbles the others).
GONE = ("disassociating", "disassociated", "failing", "failed")
DEFAULT_ROUTES = ("0.0.0.0/0", "::/0")


def ec2_call(operation, result=None, kind="call"):
    """The boto3 EC2 call ``operation`` as function(client, **params) under EC2Errors.<kind>; returns answer[result].

    A describe that pages (NextToken, a large account) is read through boto3's paginator: ``result`` of every page.
    """

    @getattr(EC2Errors, kind)(operation.replace("_", " "))
    def call(client, **params):
        if result and client.can_paginate(operation):
            return [item for page in client.get_paginator(operation).paginate(**params) for item in page.get(result, [])]
        answer = getattr(client, operation)(**params)
        return answer[result] if result else answer

    return call


describe_vpcs = ec2_call("describe_vpcs", "Vpcs")
describe_vpc_attribute = ec2_call("describe_vpc_attribute")
describe_subnets = ec2_call("describe_subnets", "Subnets")
describe_internet_gateways = ec2_call("describe_internet_gateways", "InternetGateways")
describe_route_tables = ec2_call("describe_route_tables", "RouteTables")
describe_availability_zones = ec2_call("describe_availability_zones", "AvailabilityZones")
create_vpc = ec2_call("create_vpc", "Vpc")
modify_vpc_attribute = ec2_call("modify_vpc_attribute")
associate_vpc_cidr_block = ec2_call("associate_vpc_cidr_block")
create_subnet = ec2_call("create_subnet", "Subnet")
modify_subnet_attribute = ec2_call("modify_subnet_attribute")
associate_subnet_cidr_block = ec2_call("associate_subnet_cidr_block")
create_internet_gateway = ec2_call("create_internet_gateway", "InternetGateway")
attach_internet_gateway = ec2_call("attach_internet_gateway")
create_route_table = ec2_call("create_route_table", "RouteTable")
create_route = ec2_call("create_route")
replace_route = ec2_call("replace_route")
delete_route = ec2_call("delete_route", kind="delete")
associate_route_table = ec2_call("associate_route_table")
replace_route_table_association = ec2_call("replace_route_table_association")
disassociate_route_table = ec2_call("disassociate_route_table", kind="delete")
create_tags = ec2_call("create_tags")
delete_tags = ec2_call("delete_tags")
delete_route_table = ec2_call("delete_route_table", kind="delete")
detach_internet_gateway = ec2_call("detach_internet_gateway", kind="delete")
delete_internet_gateway = ec2_call("delete_internet_gateway", kind="delete")
delete_subnet = ec2_call("delete_subnet", kind="delete")
delete_vpc = ec2_call("delete_vpc", kind="delete")


# ---------------------------------------------------------------- small helpers


def tag_specs(kind, tags):
    return [{"ResourceType": kind, "Tags": ansible_dict_to_boto3_tag_list(tags, "Key", "Value")}]


def tags_of(resource):
    return boto3_tag_list_to_ansible_dict((resource or {}).get("Tags") or [], "Key", "Value")


def by_filter(name, value):
    return [{"Name": name, "Values": [value]}]


def destination(dest):
    return {"DestinationIpv6CidrBlock" if ":" in dest else "DestinationCidrBlock": dest}


def ipv6_block(resource, unless=None):
    """The IPv6 block of a VPC or subnet: associated (given ``unless``: in any other state, as moto garbles them), or ''."""
    for assoc in resource.get("Ipv6CidrBlockAssociationSet") or []:
        state = assoc.get("Ipv6CidrBlockState", {}).get("State")
        if assoc.get("Ipv6CidrBlock") and (state not in unless if unless else state == "associated"):
            return assoc["Ipv6CidrBlock"]
    return ""


def nth_64(block, index):
    """The index-th /64 of an IPv6 /56, as a CIDR string."""
    start = int(ipaddress.IPv6Network(block).network_address) + (index << 64)
    return str(ipaddress.IPv6Network((start, 64)))


def owned_routes(table):
    """{destination: gateway} of the routes the module manages: not local, not prefix lists ('blackhole' when broken)."""
    routes = {}
    for route in (table or {}).get("Routes") or []:
        dest = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
        if dest and route.get("GatewayId") != "local" and route.get("Origin") != "CreateRouteTable":
            routes[dest] = "blackhole" if route.get("State") == "blackhole" else route.get("GatewayId", "")
    return routes


def attached_to(igw, vpc_id):
    return any(a.get("VpcId") == vpc_id for a in (igw or {}).get("Attachments") or [])


# ---------------------------------------------------------------- shared context


class Network:
    """The client, names and tags every resource uses, and the list of writes made (or, in check mode, to make)."""

    def __init__(self, module):
        params = module.params
        self.module = module
        self.client = module.client("ec2")
        self.name = params["name"]
        self.cidr = params["cidr_block"]
        self.ipv6 = params["ipv6"]
        self.tags = params["tags"]
        self.purge_tags = params["purge_tags"]
        self.wait_timeout = params["wait_timeout"]
        self.actions = []
        self.zones = None

    def act(self, what, call, retry=NOT_YET, timeout=SETTLE_TIMEOUT, delay=SETTLE_DELAY, **params):
        """Record a write; make it unless in check mode, retrying on the codes ``retry`` (default: a fresh ID not visible yet)."""
        self.actions.append(what)
        if self.module.check_mode:
            return None

        def probe():
            try:
                return True, call(self.client, **params)
            except JwtPizzaAWSError as exc:
                if error_code(exc) not in retry:
                    raise
                return False, exc

        return wait_for(
            probe,
            timeout,
            delay,
            f"AWS to accept: {what}",
            sleep=time.sleep,
            explain=lambda exc: f"last error: {exc.exception}",
        )

    def delete(self, vpc_id, what, call, **params):
        """Delete, retrying while AWS answers DependencyViolation, up to wait_timeout seconds."""
        try:
            self.act(what, call, retry=("DependencyViolation",), timeout=self.wait_timeout, delay=DELETE_DELAY, **params)
        except JwtPizzaTimeout as exc:
            raise JwtPizzaAWSError(
                message=(
                    f"Could not delete VPC {vpc_id} ({self.name}-vpc): {what} still failed after {self.wait_timeout}s; "
                    "interfaces (of a just deleted load balancer, Fargate tasks, a database) or security groups may "
                    f"still use it. {exc.message}"
                )
            ) from exc

    def want_tags(self, name):
        return {**(self.tags or {}), "Name": name}

    def retag(self, kind, resource_id, current, name):
        """Bring the tags of an existing resource to Name + tags; return them as they will be."""
        want = self.want_tags(name)
        to_set, to_unset = compare_aws_tags(current, want, self.purge_tags and self.tags is not None)
        if to_unset:
            keys = [{"Key": key} for key in to_unset]
            self.act(f"untag {kind} {name}: {', '.join(sorted(to_unset))}", delete_tags, Resources=[resource_id], Tags=keys)
        if to_set:
            pairs = ansible_dict_to_boto3_tag_list(to_set, "Key", "Value")
            self.act(f"tag {kind} {name}: {', '.join(sorted(to_set))}", create_tags, Resources=[resource_id], Tags=pairs)
        return {k: v for k, v in {**current, **want}.items() if k not in to_unset}

    def spread_zone(self, index):
        """The index-th of the region's available zones, in turn: subnets without a zone land in different ones
        (letters differ between accounts, so none is assumed; read only when a subnet is created)."""
        if self.zones is None:
            found = describe_availability_zones(self.client, Filters=[{"Name": "state", "Values": ["available"]}])
            zones = [z for z in found if z.get("ZoneType", "availability-zone") == "availability-zone"]
            self.zones = sorted(z["ZoneName"] for z in zones)
        return self.zones[index % len(self.zones)] if self.zones else None


# ---------------------------------------------------------------- VPC


class Vpc:
    """The VPC <name>-vpc: found by Name tag and CIDR, DNS support and host names on, an optional IPv6 /56."""

    DNS_ATTRIBUTES = ("enableDnsSupport", "enableDnsHostnames")

    def __init__(self, net):
        self.net = net
        self.label = f"{net.name}-vpc"

    def find(self):
        net = self.net
        filters = by_filter("tag:Name", self.label) + (by_filter("cidr-block", net.cidr) if net.cidr else [])
        found = describe_vpcs(net.client, Filters=filters)
        if len(found) > 1:
            ids = ", ".join(v["VpcId"] for v in found)
            raise JwtPizzaAWSError(message=f"VPCs {ids} are named {self.label}: delete the extra ones")
        return found[0] if found else None

    def read_dns(self, vpc_id):
        dns = {}
        for attribute in self.DNS_ATTRIBUTES:
            answer = describe_vpc_attribute(self.net.client, VpcId=vpc_id, Attribute=attribute)
            dns[attribute] = bool(answer[attribute[0].upper() + attribute[1:]]["Value"])
        return dns

    def wait(self, vpc_id, what, ready):
        net = self.net

        def probe():
            found = describe_vpcs(net.client, VpcIds=[vpc_id])
            return bool(found and ready(found[0])), (found or [{}])[0]

        return wait_for(
            probe,
            net.wait_timeout,
            SETTLE_DELAY,
            f"VPC {vpc_id} {what}",
            explain=lambda v: f"last state: {v.get('State')}, IPv6: {v.get('Ipv6CidrBlockAssociationSet')}",
        )

    def ensure(self, vpc, dns):
        """Create or fix the VPC; returns (vpc, IPv6 block or '', the owned state after)."""
        net = self.net
        if vpc is None:
            tags = net.want_tags(self.label)
            params = {"CidrBlock": net.cidr, "TagSpecifications": tag_specs("vpc", tags), "AmazonProvidedIpv6CidrBlock": net.ipv6}
            vpc = net.act(f"create VPC {self.label} ({net.cidr})", create_vpc, **params) or {"CidrBlock": net.cidr}
            if vpc.get("State") == "pending":
                vpc = self.wait(vpc["VpcId"], "to be available", lambda v: v.get("State") == "available")
            dns = {"enableDnsSupport": True}  # the default of a new VPC
        else:
            tags = net.retag("VPC", vpc["VpcId"], tags_of(vpc), self.label)
        vpc_id = vpc.get("VpcId")
        for attribute in self.DNS_ATTRIBUTES:
            if not dns.get(attribute):
                key = attribute[0].upper() + attribute[1:]
                net.act(f"set {attribute} of VPC {self.label}", modify_vpc_attribute, VpcId=vpc_id, **{key: {"Value": True}})
        block = self.ensure_ipv6(vpc)
        after = {
            "id": vpc_id,
            "cidr_block": net.cidr,
            "ipv6_cidr_block": block or None,
            "dns_support": True,
            "dns_hostnames": True,
            "tags": tags,
        }
        return vpc, block, after

    def ensure_ipv6(self, vpc):
        """Associate an Amazon-provided /56 when ipv6 asks for one (waited for outside check mode); return the block."""
        net = self.net
        block = ipv6_block(vpc)
        if not net.ipv6 or block:
            return block
        states = [a.get("Ipv6CidrBlockState", {}).get("State") for a in vpc.get("Ipv6CidrBlockAssociationSet") or []]
        if "associating" not in states:
            net.act(
                f"associate an Amazon-provided IPv6 /56 with VPC {self.label}",
                associate_vpc_cidr_block,
                VpcId=vpc.get("VpcId"),
                AmazonProvidedIpv6CidrBlock=True,
            )
        if net.module.check_mode:
            return block
        return ipv6_block(self.wait(vpc.get("VpcId"), "to have its IPv6 block", ipv6_block))

    @staticmethod
    def snapshot(vpc, dns):
        return {
            "id": vpc["VpcId"],
            "cidr_block": vpc.get("CidrBlock"),
            "ipv6_cidr_block": ipv6_block(vpc) or None,
            "dns_support": dns.get("enableDnsSupport"),
            "dns_hostnames": dns.get("enableDnsHostnames"),
            "tags": tags_of(vpc),
        }

    def delete(self, vpc_id):
        self.net.delete(vpc_id, f"delete VPC {self.label} ({vpc_id})", delete_vpc, VpcId=vpc_id)


# ---------------------------------------------------------------- subnets


class Subnets:
    """The public subnets <name>-public-<n>, in the order of the subnets option: public IPv4 (and IPv6) on launch."""

    def __init__(self, net, wanted):
        self.net = net
        self.wanted = wanted

    def label(self, index):
        return f"{self.net.name}-public-{index + 1}"

    def read(self, vpc_id):
        return describe_subnets(self.net.client, Filters=by_filter("vpc-id", vpc_id))

    def ensure(self, vpc_id, block, by_cidr):
        """Create or fix every wanted subnet; returns (their IDs in order, their owned state after)."""
        ids, after = [], []
        for index, want in enumerate(self.wanted):
            subnet_id, state = self.ensure_one(index, want, vpc_id, block, by_cidr.get(want["cidr"]))
            ids.append(subnet_id)
            after.append(state)
        return ids, after

    def ensure_one(self, index, want, vpc_id, block, subnet):
        net, name, cidr = self.net, self.label(index), want["cidr"]
        zone = want.get("availability_zone") or (net.spread_zone(index) if subnet is None else None)
        v6 = nth_64(block, index) if net.ipv6 and block else None
        if subnet is None:
            tags = net.want_tags(name)
            params = {"VpcId": vpc_id, "CidrBlock": cidr, "TagSpecifications": tag_specs("subnet", tags)}
            if zone:
                params["AvailabilityZone"] = zone
            if v6:
                params["Ipv6CidrBlock"] = v6
            subnet = net.act(f"create subnet {name} ({cidr})", create_subnet, **params) or {"Ipv6CidrBlockAssociationSet": []}
        else:
            if zone and subnet.get("AvailabilityZone") != zone:
                net.module.warn(f"Subnet {name} ({cidr}) is in {subnet.get('AvailabilityZone')}, not {zone}: kept (delete it to move)")
            tags = net.retag("subnet", subnet["SubnetId"], tags_of(subnet), name)
        subnet_id = subnet.get("SubnetId")
        if not subnet.get("MapPublicIpOnLaunch"):
            net.act(
                f"map public IPv4 addresses on launch in subnet {name}",
                modify_subnet_attribute,
                SubnetId=subnet_id,
                MapPublicIpOnLaunch={"Value": True},
            )
        if v6 and not ipv6_block(subnet, GONE):
            net.act(f"associate {v6} with subnet {name}", associate_subnet_cidr_block, SubnetId=subnet_id, Ipv6CidrBlock=v6)
        if net.ipv6 and not subnet.get("AssignIpv6AddressOnCreation"):
            net.act(
                f"assign IPv6 addresses on launch in subnet {name}",
                modify_subnet_attribute,
                SubnetId=subnet_id,
                AssignIpv6AddressOnCreation={"Value": True},
            )
        state = {
            "id": subnet_id,
            "cidr": cidr,
            "availability_zone": subnet.get("AvailabilityZone", zone),
            "map_public_ip_on_launch": True,
            "ipv6_cidr_block": ipv6_block(subnet, GONE) or v6,
            "tags": tags,
        }
        return subnet_id, state

    @staticmethod
    def snapshot(subnets):
        return [
            {
                "id": s["SubnetId"],
                "cidr": s["CidrBlock"],
                "availability_zone": s.get("AvailabilityZone"),
                "map_public_ip_on_launch": bool(s.get("MapPublicIpOnLaunch")),
                "ipv6_cidr_block": ipv6_block(s, GONE) or None,
                "tags": tags_of(s),
            }
            for s in subnets
        ]

    def delete(self, vpc_id, subnets):
        for subnet in subnets:
            label = tags_of(subnet).get("Name") or subnet["SubnetId"]
            self.net.delete(vpc_id, f"delete subnet {label} ({subnet['CidrBlock']})", delete_subnet, SubnetId=subnet["SubnetId"])


# ---------------------------------------------------------------- internet gateway


class InternetGateway:
    """The internet gateway <name>-igw, attached to the VPC."""

    def __init__(self, net):
        self.net = net
        self.label = f"{net.name}-igw"

    def read(self, vpc_id):
        """The gateways attached to the VPC, else an unattached one named <name>-igw (a killed run's)."""
        client = self.net.client
        igws = describe_internet_gateways(client, Filters=by_filter("attachment.vpc-id", vpc_id))
        if not igws:
            named = describe_internet_gateways(client, Filters=by_filter("tag:Name", self.label))
            igws = [igw for igw in named if not igw.get("Attachments")]
        return igws

    def ensure(self, igw, vpc_id, vpc_label):
        """Create or fix the gateway and attach it; returns (its ID, its owned state after)."""
        net = self.net
        if igw is None:
            tags = net.want_tags(self.label)
            spec = tag_specs("internet-gateway", tags)
            igw = net.act(f"create internet gateway {self.label}", create_internet_gateway, TagSpecifications=spec) or {}
        else:
            tags = net.retag("internet gateway", igw["InternetGatewayId"], tags_of(igw), self.label)
        igw_id = igw.get("InternetGatewayId")
        if not attached_to(igw, vpc_id):
            net.act(f"attach internet gateway {self.label} to {vpc_label}", attach_internet_gateway, InternetGatewayId=igw_id, VpcId=vpc_id)
        return igw_id, {"id": igw_id, "tags": tags, "attached": True}

    @staticmethod
    def snapshot(igw, vpc_id):
        if not igw:
            return igw
        return {"id": igw["InternetGatewayId"], "tags": tags_of(igw), "attached": attached_to(igw, vpc_id)}

    def delete(self, vpc_id, igws):
        """Detach and delete every gateway read."""
        for igw in igws:
            label, igw_id = tags_of(igw).get("Name") or igw["InternetGatewayId"], igw["InternetGatewayId"]
            if attached_to(igw, vpc_id):
                self.net.delete(vpc_id, f"detach internet gateway {label}", detach_internet_gateway, InternetGatewayId=igw_id, VpcId=vpc_id)
            self.net.delete(vpc_id, f"delete internet gateway {label}", delete_internet_gateway, InternetGatewayId=igw_id)


# ---------------------------------------------------------------- route table


class RouteTable:
    """The route table <name>-public: default routes to the gateway, and only them; associated with the subnets, and only them."""

    def __init__(self, net):
        self.net = net
        self.label = f"{net.name}-public"

    def read(self, vpc_id):
        return describe_route_tables(self.net.client, Filters=by_filter("vpc-id", vpc_id))

    def ours(self, tables):
        return next((t for t in tables if tags_of(t).get("Name") == self.label), None)

    def ensure(self, table, tables, vpc_id, igw_id, igw_label, subnet_ids):
        """Create or fix the table, its routes and associations; returns (its ID, its owned state after)."""
        net = self.net
        if table is None:
            tags = net.want_tags(self.label)
            spec = tag_specs("route-table", tags)
            table = net.act(f"create route table {self.label}", create_route_table, VpcId=vpc_id, TagSpecifications=spec) or {}
        else:
            tags = net.retag("route table", table["RouteTableId"], tags_of(table), self.label)
        table_id = table.get("RouteTableId")
        wanted = self.ensure_routes(table, igw_id, igw_label)
        self.associate(table, tables, subnet_ids)
        after = {
            "id": table_id,
            "routes": wanted,
            "tags": tags,
            "subnet_ids": sorted(s or "(new subnet)" for s in subnet_ids),
        }
        return table_id, after

    def ensure_routes(self, table, igw_id, igw_label):
        """Route 0.0.0.0/0 (and ::/0 with ipv6) to the gateway; delete every other owned route. Returns the routes wanted."""
        net, table_id, routes = self.net, table.get("RouteTableId"), owned_routes(table)
        wanted = {dest: igw_id or "(new gateway)" for dest in (DEFAULT_ROUTES if net.ipv6 else DEFAULT_ROUTES[:1])}
        for dest, gateway in wanted.items():
            if routes.get(dest) != gateway:
                call, verb = (replace_route, "reroute") if dest in routes else (create_route, "route")
                net.act(f"{verb} {dest} to {igw_label} in {self.label}", call, RouteTableId=table_id, GatewayId=igw_id, **destination(dest))
        for dest in sorted(set(routes) - set(wanted)):
            net.act(f"delete route {dest} of {self.label}", delete_route, RouteTableId=table_id, **destination(dest))
        return wanted

    def associate(self, table, tables, subnet_ids):
        """Associate the subnets with the table (moving them from another one), and only them."""
        net, table_id = self.net, table.get("RouteTableId")
        ours = {a["SubnetId"]: a["RouteTableAssociationId"] for a in table.get("Associations") or [] if a.get("SubnetId")}
        elsewhere = {
            a["SubnetId"]: a["RouteTableAssociationId"]
            for t in tables
            if t["RouteTableId"] != table_id
            for a in t.get("Associations") or []
            if a.get("SubnetId")
        }
        for index, subnet_id in enumerate(subnet_ids):
            name = f"{net.name}-public-{index + 1}"
            if subnet_id in elsewhere:
                net.act(
                    f"move subnet {name} to route table {self.label}",
                    replace_route_table_association,
                    AssociationId=elsewhere[subnet_id],
                    RouteTableId=table_id,
                )
            elif subnet_id not in ours:
                net.act(f"associate subnet {name} with {self.label}", associate_route_table, RouteTableId=table_id, SubnetId=subnet_id)
        for subnet_id in sorted(set(ours) - set(subnet_ids)):
            net.act(f"disassociate subnet {subnet_id} from {self.label}", disassociate_route_table, AssociationId=ours[subnet_id])

    @staticmethod
    def snapshot(table):
        if not table:
            return table
        return {
            "id": table["RouteTableId"],
            "routes": owned_routes(table),
            "tags": tags_of(table),
            "subnet_ids": sorted(a["SubnetId"] for a in table.get("Associations") or [] if a.get("SubnetId")),
        }

    def delete(self, vpc_id, tables):
        """Disassociate and delete every route table of the VPC but the main one."""
        for table in tables:
            if any(a.get("Main") for a in table.get("Associations") or []):
                continue
            label = tags_of(table).get("Name") or table["RouteTableId"]
            for assoc in table.get("Associations") or []:
                self.net.act(
                    f"disassociate {assoc.get('SubnetId')} from route table {label}",
                    disassociate_route_table,
                    AssociationId=assoc["RouteTableAssociationId"],
                )
            self.net.delete(vpc_id, f"delete route table {label}", delete_route_table, RouteTableId=table["RouteTableId"])
