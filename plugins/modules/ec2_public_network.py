#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ec2_public_network
short_description: Create, update or delete a VPC with public subnets, an internet gateway and a public route table
version_added: 0.1.0
description:
  - Builds, in one module call, a VPC C(<name>-vpc) (DNS support and host names on), its public subnets C(<name>-public-<n>)
    (public IPv4 on launch), an attached internet gateway C(<name>-igw) and a route table C(<name>-public) routing
    C(0.0.0.0/0) (and C(::/0) with I(ipv6)) to the gateway, associated with every subnet.
  - Reads the VPC (C(DescribeVpcs) by C(Name) tag and CIDR, its two DNS attributes), its subnets, gateway and route tables
    once, creates what is missing and fixes drift of tags, public IP mapping, routes and associations; a second run with
    the same arguments makes no call that writes.
  - Replaces the chain C(amazon.aws.ec2_vpc_net), C(ec2_vpc_subnet), C(ec2_vpc_igw), C(ec2_vpc_route_table).
author:
  - jwtpizza.cloud developers (@jwtpizza)
notes:
  - Resources are tagged (C(Name) + I(tags)) in their create call, so a run killed between two calls finds them again and
    never duplicates them. The VPC is found by C(Name) tag and I(cidr_block) (not all of I(tags), so a tag change updates it).
  - A listed subnet CIDR is never recreated (another zone only warns); unlisted subnets are left, but taken out of the route
    table, whose routes other than C(local), prefix lists and the default routes are removed.
  - I(ipv6=true) gives subnet I(n) (from 0) the I(n)th /64 of the VPC's /56 (waited for on AWS; moto allocates it at once).
    I(ipv6=false) removes the C(::/0) route, not IPv6 blocks.
  - I(state=absent) deletes the non-main route tables, the gateways (attached, or an unattached C(<name>-igw)), all subnets,
    the VPC; C(DependencyViolation) (ENIs of a just deleted load balancer or Fargate tasks linger on AWS) is retried for
    I(wait_timeout) seconds, then the module fails naming the VPC and the error. A missing VPC is C(changed=false).
options:
  name: {description: "Prefix of the C(Name) tags: C(<name>-vpc), C(<name>-public-<n>), C(<name>-igw), C(<name>-public).",
         type: str, required: true}
  state: {description: C(present) creates or updates the network; C(absent) deletes it., type: str, choices: [present, absent],
          default: present}
  cidr_block:
    description: [IPv4 CIDR of the VPC; required with I(state=present).,
                  "With I(state=absent), when set, only a VPC with this CIDR is deleted."]
    type: str
  subnets:
    description: The public subnets, in order (the first is C(<name>-public-1)); required with I(state=present).
    type: list
    elements: dict
    suboptions:
      cidr: {description: "IPv4 CIDR of the subnet, inside I(cidr_block).", type: str, required: true}
      availability_zone: {description: "Zone of the subnet; when unset, subnets take the region's available zones in turn.", type: str}
  ipv6: {description: "Give the VPC an Amazon-provided IPv6 /56, each subnet a /64 (auto-assigned) and a C(::/0) route.",
         type: bool, default: false}
  wait_timeout: {description: Seconds to keep retrying a deletion that AWS refuses with C(DependencyViolation)., type: int,
                 default: 300}
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
"""

EXAMPLES = r"""
- name: Create a VPC with two public subnets in two zones
  jwtpizza.cloud.ec2_public_network:
    name: jwt-pizza-dev
    cidr_block: 10.42.0.0/16
    subnets:
      - {cidr: 10.42.0.0/24, availability_zone: us-west-2a}
      - {cidr: 10.42.1.0/24, availability_zone: us-west-2b}
    tags: {Project: jwt-pizza, Environment: dev}
  register: network

- name: Delete it, waiting up to 10 minutes for lingering network interfaces
  jwtpizza.cloud.ec2_public_network: {name: jwt-pizza-dev, cidr_block: 10.42.0.0/16, state: absent, wait_timeout: 600}
"""

RETURN = r"""
vpc_id: {description: "ID of the VPC; empty when absent, or still to be created in check mode (so are the other IDs).",
         returned: always, type: str, sample: vpc-0123456789abcdef0}
subnet_ids: {description: "IDs of the subnets in the order of I(subnets); subnets still to be created in check mode are left out.",
             returned: always, type: list, elements: str, sample: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]}
internet_gateway_id: {description: ID of the internet gateway., returned: always, type: str, sample: igw-0123456789abcdef0}
route_table_id: {description: ID of the public route table., returned: always, type: str, sample: rtb-0123456789abcdef0}
actions: {description: "What the run did (in check mode, would do), one line each.", returned: always, type: list, elements: str,
          sample: ["create VPC jwt-pizza-dev-vpc (10.42.0.0/16)", "tag subnet jwt-pizza-dev-public-1: Environment"]}
"""

import ipaddress
import time

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaTimeout
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import aws_call
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import error_code
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import wait_for
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import state_option
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import tag_options

NOT_YET = ("InvalidVpcID.NotFound", "InvalidSubnetID.NotFound", "InvalidInternetGatewayID.NotFound", "InvalidRouteTableID.NotFound")
SETTLE_TIMEOUT = 60
SETTLE_DELAY = 2
DELETE_DELAY = 10
GONE = ("disassociating", "disassociated", "failing", "failed")


def ec2_call(operation, result=None, missing=()):
    """The boto3 EC2 call ``operation`` as function(client, **params) under aws_call; returns answer[result] (or answer)."""
    @aws_call(operation.replace("_", " "), missing=missing)
    def call(client, **params):
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
delete_route = ec2_call("delete_route", missing=("InvalidRoute.NotFound",))
associate_route_table = ec2_call("associate_route_table")
replace_route_table_association = ec2_call("replace_route_table_association")
disassociate_route_table = ec2_call("disassociate_route_table", missing=("InvalidAssociationID.NotFound",))
create_tags = ec2_call("create_tags")
delete_tags = ec2_call("delete_tags")
delete_route_table = ec2_call("delete_route_table", missing=("InvalidRouteTableID.NotFound",))
detach_internet_gateway = ec2_call("detach_internet_gateway", missing=("Gateway.NotAttached", "InvalidInternetGatewayID.NotFound"))
delete_internet_gateway = ec2_call("delete_internet_gateway", missing=("InvalidInternetGatewayID.NotFound",))
delete_subnet = ec2_call("delete_subnet", missing=("InvalidSubnetID.NotFound",))
delete_vpc = ec2_call("delete_vpc", missing=("InvalidVpcID.NotFound",))


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
    return str(ipaddress.IPv6Network((int(ipaddress.IPv6Network(block).network_address) + (index << 64), 64)))


def owned_routes(table):
    """{destination: gateway} of the routes the module manages: not local, not prefix lists ('blackhole' when broken)."""
    routes = {}
    for route in (table or {}).get("Routes") or []:
        dest = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
        if dest and route.get("GatewayId") != "local" and route.get("Origin") != "CreateRouteTable":
            routes[dest] = "blackhole" if route.get("State") == "blackhole" else route.get("GatewayId", "")
    return routes


class PublicNetwork:
    def __init__(self, module):
        self.module, self.client = module, module.client("ec2")
        params = module.params
        self.name, self.cidr, self.ipv6, self.subnets = params["name"], params["cidr_block"], params["ipv6"], params["subnets"] or []
        self.tags, self.purge_tags, self.wait_timeout = params["tags"], params["purge_tags"], params["wait_timeout"]
        self.actions = []

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

        return wait_for(probe, timeout, delay, f"AWS to accept: {what}", sleep=time.sleep,
                        explain=lambda exc: f"last error: {exc.exception}")

    def delete(self, vpc_id, what, call, **params):
        """Delete, retrying while AWS answers DependencyViolation, up to wait_timeout seconds."""
        try:
            self.act(what, call, retry=("DependencyViolation",), timeout=self.wait_timeout, delay=DELETE_DELAY, **params)
        except JwtPizzaTimeout as exc:
            raise JwtPizzaAWSError(
                message=f"Could not delete VPC {vpc_id} ({self.name}-vpc): {what} still failed after {self.wait_timeout}s; interfaces "
                f"(of a just deleted load balancer, Fargate tasks, a database) or security groups may still use it. {exc.message}"
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

    def find_vpc(self):
        filters = by_filter("tag:Name", f"{self.name}-vpc") + (by_filter("cidr-block", self.cidr) if self.cidr else [])
        found = describe_vpcs(self.client, Filters=filters)
        if len(found) > 1:
            raise JwtPizzaAWSError(message=f"VPCs {', '.join(v['VpcId'] for v in found)} are named {self.name}-vpc: delete the extra ones")
        return found[0] if found else None

    def read(self, vpc_id):
        """What is inside the VPC: subnets, gateways (attached, else an unattached one named <name>-igw), route tables."""
        igws = describe_internet_gateways(self.client, Filters=by_filter("attachment.vpc-id", vpc_id))
        if not igws:
            named = describe_internet_gateways(self.client, Filters=by_filter("tag:Name", f"{self.name}-igw"))
            igws = [igw for igw in named if not igw.get("Attachments")]
        subnets = describe_subnets(self.client, Filters=by_filter("vpc-id", vpc_id))
        return subnets, igws, describe_route_tables(self.client, Filters=by_filter("vpc-id", vpc_id))

    def our_table(self, tables):
        return next((t for t in tables if tags_of(t).get("Name") == f"{self.name}-public"), None)

    @staticmethod
    def snapshot(vpc, dns, subnets, igw, table):
        """The owned state as read, for the diff."""
        if vpc is None:
            return {}
        return {
            "vpc": {"id": vpc["VpcId"], "cidr_block": vpc.get("CidrBlock"), "ipv6_cidr_block": ipv6_block(vpc) or None,
                    "dns_support": dns.get("enableDnsSupport"), "dns_hostnames": dns.get("enableDnsHostnames"), "tags": tags_of(vpc)},
            "subnets": [{"id": s["SubnetId"], "cidr": s["CidrBlock"], "availability_zone": s.get("AvailabilityZone"),
                         "map_public_ip_on_launch": bool(s.get("MapPublicIpOnLaunch")), "ipv6_cidr_block": ipv6_block(s, GONE) or None,
                         "tags": tags_of(s)} for s in subnets],
            "internet_gateway": igw and {"id": igw["InternetGatewayId"], "tags": tags_of(igw),
                                         "attached": any(a.get("VpcId") == vpc["VpcId"] for a in igw.get("Attachments") or [])},
            "route_table": table and {"id": table["RouteTableId"], "routes": owned_routes(table), "tags": tags_of(table),
                                      "subnet_ids": sorted(a["SubnetId"] for a in table.get("Associations") or [] if a.get("SubnetId"))},
        }

    def result(self, before, after, vpc_id="", subnet_ids=(), igw_id="", table_id=""):
        return {"changed": bool(self.actions), "actions": self.actions, "vpc_id": vpc_id or "", "subnet_ids": [s for s in subnet_ids if s],
                "internet_gateway_id": igw_id or "", "route_table_id": table_id or "", "diff": {"before": before, "after": after}}

    def wait_vpc(self, vpc_id, what, ready):
        def probe():
            found = describe_vpcs(self.client, VpcIds=[vpc_id])
            return bool(found and ready(found[0])), (found or [{}])[0]

        return wait_for(probe, self.wait_timeout, SETTLE_DELAY, f"VPC {vpc_id} {what}",
                        explain=lambda v: f"last state: {v.get('State')}, IPv6: {v.get('Ipv6CidrBlockAssociationSet')}")

    def spread_zone(self, index):
        """The index-th of the region's available zones, in turn: subnets without a zone land in different ones
        (letters differ between accounts, so none is assumed; read only when a subnet is created)."""
        if not hasattr(self, "zones"):
            found = describe_availability_zones(self.client, Filters=[{"Name": "state", "Values": ["available"]}])
            self.zones = sorted(z["ZoneName"] for z in found if z.get("ZoneType", "availability-zone") == "availability-zone")
        return self.zones[index % len(self.zones)] if self.zones else None

    def ensure_present(self):
        vpc, dns, subnets, igws, tables = self.find_vpc(), {}, [], [], []
        if vpc:
            for attribute in ("enableDnsSupport", "enableDnsHostnames"):
                answer = describe_vpc_attribute(self.client, VpcId=vpc["VpcId"], Attribute=attribute)
                dns[attribute] = bool(answer[attribute[0].upper() + attribute[1:]]["Value"])
            subnets, igws, tables = self.read(vpc["VpcId"])
        by_cidr = {s["CidrBlock"]: s for s in subnets}
        igw, table = (igws or [None])[0], self.our_table(tables)
        before = self.snapshot(vpc, dns, [by_cidr[w["cidr"]] for w in self.subnets if w["cidr"] in by_cidr], igw, table)
        vpc_name = f"{self.name}-vpc"
        if vpc is None:
            dns, vpc_tags = {}, self.want_tags(vpc_name)
            params = {"CidrBlock": self.cidr, "TagSpecifications": tag_specs("vpc", vpc_tags), "AmazonProvidedIpv6CidrBlock": self.ipv6}
            vpc = self.act(f"create VPC {vpc_name} ({self.cidr})", create_vpc, **params) or {"CidrBlock": self.cidr}
            if vpc.get("State") == "pending":
                vpc = self.wait_vpc(vpc["VpcId"], "to be available", lambda v: v.get("State") == "available")
            dns["enableDnsSupport"] = True  # the default of a new VPC
        else:
            vpc_tags = self.retag("VPC", vpc["VpcId"], tags_of(vpc), vpc_name)
        vpc_id = vpc.get("VpcId")
        for attribute in ("enableDnsSupport", "enableDnsHostnames"):
            if not dns.get(attribute):
                key = attribute[0].upper() + attribute[1:]
                self.act(f"set {attribute} of VPC {vpc_name}", modify_vpc_attribute, VpcId=vpc_id, **{key: {"Value": True}})
        block = ipv6_block(vpc)
        if self.ipv6 and not block:
            states = [a.get("Ipv6CidrBlockState", {}).get("State") for a in vpc.get("Ipv6CidrBlockAssociationSet") or []]
            if "associating" not in states:
                self.act(f"associate an Amazon-provided IPv6 /56 with VPC {vpc_name}", associate_vpc_cidr_block, VpcId=vpc_id,
                         AmazonProvidedIpv6CidrBlock=True)
            if not self.module.check_mode:
                block = ipv6_block(self.wait_vpc(vpc_id, "to have its IPv6 block", ipv6_block))
        after = {"vpc": {"id": vpc_id, "cidr_block": self.cidr, "ipv6_cidr_block": block or None, "dns_support": True,
                         "dns_hostnames": True, "tags": vpc_tags}, "subnets": []}
        subnet_ids = []
        for index, want in enumerate(self.subnets):
            name, cidr, zone = f"{self.name}-public-{index + 1}", want["cidr"], want.get("availability_zone")
            zone = zone or (self.spread_zone(index) if cidr not in by_cidr else None)
            v6 = nth_64(block, index) if self.ipv6 and block else None
            subnet = by_cidr.get(cidr)
            if subnet is None:
                tags = self.want_tags(name)
                params = {"VpcId": vpc_id, "CidrBlock": cidr, "TagSpecifications": tag_specs("subnet", tags)}
                params.update({"AvailabilityZone": zone} if zone else {}, **({"Ipv6CidrBlock": v6} if v6 else {}))
                subnet = self.act(f"create subnet {name} ({cidr})", create_subnet, **params) or {"Ipv6CidrBlockAssociationSet": []}
            else:
                if zone and subnet.get("AvailabilityZone") != zone:
                    self.module.warn(f"Subnet {name} ({cidr}) is in {subnet.get('AvailabilityZone')}, not {zone}: kept (delete it to move)")
                tags = self.retag("subnet", subnet["SubnetId"], tags_of(subnet), name)
            subnet_id = subnet.get("SubnetId")
            if not subnet.get("MapPublicIpOnLaunch"):
                self.act(f"map public IPv4 addresses on launch in subnet {name}", modify_subnet_attribute, SubnetId=subnet_id,
                         MapPublicIpOnLaunch={"Value": True})
            if v6 and not ipv6_block(subnet, GONE):
                self.act(f"associate {v6} with subnet {name}", associate_subnet_cidr_block, SubnetId=subnet_id, Ipv6CidrBlock=v6)
            if self.ipv6 and not subnet.get("AssignIpv6AddressOnCreation"):
                self.act(f"assign IPv6 addresses on launch in subnet {name}", modify_subnet_attribute, SubnetId=subnet_id,
                         AssignIpv6AddressOnCreation={"Value": True})
            subnet_ids.append(subnet_id)
            after["subnets"].append({"id": subnet_id, "cidr": cidr, "availability_zone": subnet.get("AvailabilityZone", zone),
                                     "map_public_ip_on_launch": True, "ipv6_cidr_block": ipv6_block(subnet, GONE) or v6, "tags": tags})
        igw_name = f"{self.name}-igw"
        if igw is None:
            igw_tags = self.want_tags(igw_name)
            spec = tag_specs("internet-gateway", igw_tags)
            igw = self.act(f"create internet gateway {igw_name}", create_internet_gateway, TagSpecifications=spec) or {}
        else:
            igw_tags = self.retag("internet gateway", igw["InternetGatewayId"], tags_of(igw), igw_name)
        igw_id = igw.get("InternetGatewayId")
        if not any(a.get("VpcId") == vpc_id for a in igw.get("Attachments") or []):
            self.act(f"attach internet gateway {igw_name} to {vpc_name}", attach_internet_gateway, InternetGatewayId=igw_id, VpcId=vpc_id)
        after["internet_gateway"] = {"id": igw_id, "tags": igw_tags, "attached": True}
        table_name = f"{self.name}-public"
        if table is None:
            table_tags = self.want_tags(table_name)
            spec = tag_specs("route-table", table_tags)
            table = self.act(f"create route table {table_name}", create_route_table, VpcId=vpc_id, TagSpecifications=spec) or {}
        else:
            table_tags = self.retag("route table", table["RouteTableId"], tags_of(table), table_name)
        table_id, routes = table.get("RouteTableId"), owned_routes(table)
        wanted = {dest: igw_id or "(new gateway)" for dest in ("0.0.0.0/0", "::/0")[: 2 if self.ipv6 else 1]}
        for dest in wanted:
            if routes.get(dest) != wanted[dest]:
                call, verb = (replace_route, "reroute") if dest in routes else (create_route, "route")
                self.act(f"{verb} {dest} to {igw_name} in {table_name}", call, RouteTableId=table_id, GatewayId=igw_id, **destination(dest))
        for dest in sorted(set(routes) - set(wanted)):
            self.act(f"delete route {dest} of {table_name}", delete_route, RouteTableId=table_id, **destination(dest))
        self.associate(table, tables, subnet_ids, table_name)
        after["route_table"] = {"id": table_id, "routes": wanted, "tags": table_tags,
                                "subnet_ids": sorted(s or "(new subnet)" for s in subnet_ids)}
        return self.result(before, after, vpc_id, subnet_ids, igw_id, table_id)

    def associate(self, table, tables, subnet_ids, table_name):
        """Associate the subnets with the table (moving them from another one), and only them."""
        table_id = table.get("RouteTableId")
        ours = {a["SubnetId"]: a["RouteTableAssociationId"] for a in table.get("Associations") or [] if a.get("SubnetId")}
        elsewhere = {a["SubnetId"]: a["RouteTableAssociationId"] for t in tables if t["RouteTableId"] != table_id
                     for a in t.get("Associations") or [] if a.get("SubnetId")}
        for index, subnet_id in enumerate(subnet_ids):
            name = f"{self.name}-public-{index + 1}"
            if subnet_id in elsewhere:
                self.act(f"move subnet {name} to route table {table_name}", replace_route_table_association,
                         AssociationId=elsewhere[subnet_id], RouteTableId=table_id)
            elif subnet_id not in ours:
                self.act(f"associate subnet {name} with {table_name}", associate_route_table, RouteTableId=table_id, SubnetId=subnet_id)
        for subnet_id in sorted(set(ours) - set(subnet_ids)):
            self.act(f"disassociate subnet {subnet_id} from {table_name}", disassociate_route_table, AssociationId=ours[subnet_id])

    def ensure_absent(self):
        vpc = self.find_vpc()
        if vpc is None:
            return self.result({}, {})
        vpc_id = vpc["VpcId"]
        subnets, igws, tables = self.read(vpc_id)
        before = self.snapshot(vpc, {}, subnets, (igws or [None])[0], self.our_table(tables))
        for table in tables:
            if any(a.get("Main") for a in table.get("Associations") or []):
                continue
            label = tags_of(table).get("Name") or table["RouteTableId"]
            for assoc in table.get("Associations") or []:
                self.act(f"disassociate {assoc.get('SubnetId')} from route table {label}", disassociate_route_table,
                         AssociationId=assoc["RouteTableAssociationId"])
            self.delete(vpc_id, f"delete route table {label}", delete_route_table, RouteTableId=table["RouteTableId"])
        for igw in igws:
            label, igw_id = tags_of(igw).get("Name") or igw["InternetGatewayId"], igw["InternetGatewayId"]
            if any(a.get("VpcId") == vpc_id for a in igw.get("Attachments") or []):
                self.delete(vpc_id, f"detach internet gateway {label}", detach_internet_gateway, InternetGatewayId=igw_id, VpcId=vpc_id)
            self.delete(vpc_id, f"delete internet gateway {label}", delete_internet_gateway, InternetGatewayId=igw_id)
        for subnet in subnets:
            label = tags_of(subnet).get("Name") or subnet["SubnetId"]
            self.delete(vpc_id, f"delete subnet {label} ({subnet['CidrBlock']})", delete_subnet, SubnetId=subnet["SubnetId"])
        self.delete(vpc_id, f"delete VPC {self.name}-vpc ({vpc_id})", delete_vpc, VpcId=vpc_id)
        return self.result(before, {})


def main():
    module = JwtPizzaModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            **state_option(),
            cidr_block=dict(type="str"),
            subnets=dict(
                type="list", elements="dict", options=dict(cidr=dict(type="str", required=True), availability_zone=dict(type="str"))
            ),
            ipv6=dict(type="bool", default=False),
            wait_timeout=dict(type="int", default=300),
            **tag_options(),
        ),
        required_if=[("state", "present", ["cidr_block", "subnets"])],
        supports_check_mode=True,
    )
    network = PublicNetwork(module)
    module.run_state(network)


if __name__ == "__main__":
    main()
