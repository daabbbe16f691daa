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
  - A write whose answer is lost after it reached EC2 is sent again by botocore. The VPC, gateway and route table creates
    take no idempotency token, so each create is followed by one read of that identity (C(Name) tag, and the CIDR for the
    VPC, the VPC for the route table; gateways attached nowhere) and every copy other than the one the create answered is
    deleted, as an action of its own. A repeat refused because its first try did the write counts as done when a read confirms it, for
    C(InvalidSubnet.Conflict) (the subnet of that CIDR is C(<name>-public-<n>); another subnet in the way fails, naming it),
    C(Resource.AlreadyAssociated) (the gateway is attached to the VPC; the subnet is in the table), C(RouteAlreadyExists) (the
    route goes to the gateway), and C(InvalidAssociationID.NotFound) on moving a subnet (it is in the table).
  - A listed subnet CIDR is never recreated (another zone only warns); unlisted subnets are left, but taken out of the route
    table, whose routes other than C(local), prefix lists and the default routes are removed.
  - I(ipv6=true) gives subnet I(n) (from 0) the I(n)th /64 of the VPC's /56 (waited for on AWS; moto allocates it at once).
    I(ipv6=false) removes the C(::/0) route, not IPv6 blocks.
  - I(state=absent) first waits (C(DescribeNetworkInterfaces) by C(vpc-id), every 15 seconds, up to I(wait_timeout)) until no
    network interface is left in the VPC (those of a just deleted load balancer or of stopped Fargate tasks linger on AWS for
    up to 15-20 minutes, and keep the gateway, subnets and VPC busy). A warning says how long it waited for which interfaces;
    after I(wait_timeout) the module fails naming the interfaces left. Then it deletes the non-main route tables, the
    gateways (attached, or an unattached C(<name>-igw)), all subnets and the VPC, retrying C(DependencyViolation) for
    I(wait_timeout) seconds, then failing naming the VPC and the error. A missing VPC is C(changed=false).
options:
  name:
    description: "Prefix of the C(Name) tags: C(<name>-vpc), C(<name>-public-<n>), C(<name>-igw), C(<name>-public)."
    type: str
    required: true
  state:
    description: C(present) creates or updates the network; C(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  cidr_block:
    description:
      - IPv4 CIDR of the VPC; required with I(state=present).
      - With I(state=absent), when set, only a VPC with this CIDR is deleted.
    type: str
  subnets:
    description: The public subnets, in order (the first is C(<name>-public-1)); required with I(state=present).
    type: list
    elements: dict
    suboptions:
      cidr:
        description: IPv4 CIDR of the subnet, inside I(cidr_block).
        type: str
        required: true
      availability_zone:
        description: Zone of the subnet; when unset, subnets take the region's available zones in turn.
        type: str
  ipv6:
    description: Give the VPC an Amazon-provided IPv6 /56, each subnet a /64 (auto-assigned) and a C(::/0) route.
    type: bool
    default: false
  wait_timeout:
    description:
      - With I(state=absent), seconds to wait for the VPC's network interfaces to be released, and to keep retrying a deletion
        that AWS refuses with C(DependencyViolation).
      - With I(state=present), seconds to wait for a new VPC or its IPv6 block.
    type: int
    default: 1200
attributes:
  check_mode:
    support: partial
    details:
      - Resources still to be created have no IDs in check mode; they are left out of (or empty in) the returned IDs.
      - With I(ipv6=true), the IPv6 block of a VPC still to be created is unknown, so its subnets' /64 are not reported.
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
      - cidr: 10.42.0.0/24
        availability_zone: us-west-2a
      - cidr: 10.42.1.0/24
        availability_zone: us-west-2b
    tags:
      Project: jwt-pizza
      Environment: dev
  register: network

- name: Delete it, waiting up to 20 minutes for lingering network interfaces
  jwtpizza.cloud.ec2_public_network:
    name: jwt-pizza-dev
    cidr_block: 10.42.0.0/16
    state: absent
    wait_timeout: 1200
"""

RETURN = r"""
vpc_id:
  description: ID of the VPC; empty when absent, or still to be created in check mode (so are the other IDs).
  returned: always
  type: str
  sample: vpc-0123456789abcdef0
subnet_ids:
  description: IDs of the subnets in the order of I(subnets); subnets still to be created in check mode are left out.
  returned: always
  type: list
  elements: str
  sample:
    - subnet-0123456789abcdef0
    - subnet-0fedcba9876543210
internet_gateway_id:
  description: ID of the internet gateway.
  returned: always
  type: str
  sample: igw-0123456789abcdef0
route_table_id:
  description: ID of the public route table.
  returned: always
  type: str
  sample: rtb-0123456789abcdef0
actions:
  description: What the run did (in check mode, would do), one line each.
  returned: always
  type: list
  elements: str
  sample:
    - create VPC jwt-pizza-dev-vpc (10.42.0.0/16)
    - "tag subnet jwt-pizza-dev-public-1: Environment"
"""

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import DiffTracker
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import state_option
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import tag_options
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_enis import wait_released
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_internet_gateway import InternetGateway
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import Network
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_route_table import RouteTable
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_subnets import Subnets
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_vpc import Vpc


class PublicNetwork:
    """Reads the network once, then brings each resource (VPC, subnets, gateway, route table) to its wanted state."""

    def __init__(self, module):
        self.module = module
        self.net = Network(module)
        self.vpc = Vpc(self.net)
        self.subnets = Subnets(self.net, module.params["subnets"] or [])
        self.igw = InternetGateway(self.net)
        self.table = RouteTable(self.net)

    def read(self, vpc_id):
        """What is inside the VPC: subnets, gateways (attached, else an unattached one named <name>-igw), route tables."""
        igws = self.igw.read(vpc_id)
        return self.subnets.read(vpc_id), igws, self.table.read(vpc_id)

    def snapshot(self, vpc, dns, subnets, igw, table):
        """The owned state as read, for the diff; None when there is no VPC."""
        if vpc is None:
            return None
        return {
            "vpc": Vpc.snapshot(vpc, dns),
            "subnets": Subnets.snapshot(subnets),
            "internet_gateway": InternetGateway.snapshot(igw, vpc["VpcId"]),
            "route_table": RouteTable.snapshot(table),
        }

    def result(self, before, after, vpc_id="", subnet_ids=(), igw_id="", table_id=""):
        diff = DiffTracker.of(before, after)
        return {
            "changed": bool(self.net.actions),
            "actions": self.net.actions,
            "vpc_id": vpc_id or "",
            "subnet_ids": [s for s in subnet_ids if s],
            "internet_gateway_id": igw_id or "",
            "route_table_id": table_id or "",
            "diff": diff,
        }

    def ensure_present(self):
        vpc, dns, subnets, igws, tables = self.vpc.find(), {}, [], [], []
        if vpc:
            dns = self.vpc.read_dns(vpc["VpcId"])
            subnets, igws, tables = self.read(vpc["VpcId"])
        by_cidr = {s["CidrBlock"]: s for s in subnets}
        igw, table = (igws or [None])[0], self.table.ours(tables)
        listed = [by_cidr[w["cidr"]] for w in self.subnets.wanted if w["cidr"] in by_cidr]
        before = self.snapshot(vpc, dns, listed, igw, table)

        vpc, block, vpc_after = self.vpc.ensure(vpc, dns)
        vpc_id = vpc.get("VpcId")
        subnet_ids, subnets_after = self.subnets.ensure(vpc_id, block, by_cidr)
        igw_id, igw_after = self.igw.ensure(igw, vpc_id, self.vpc.label)
        table_id, table_after = self.table.ensure(table or None, tables, vpc_id, igw_id, self.igw.label, subnet_ids)
        after = {
            "vpc": vpc_after,
            "subnets": subnets_after,
            "internet_gateway": igw_after,
            "route_table": table_after,
        }
        return self.result(before, after, vpc_id, subnet_ids, igw_id, table_id)

    def ensure_absent(self):
        vpc = self.vpc.find()
        if vpc is None:
            return self.result({}, {})
        vpc_id = vpc["VpcId"]
        subnets, igws, tables = self.read(vpc_id)
        before = self.snapshot(vpc, {}, subnets, (igws or [None])[0], self.table.ours(tables))
        if not self.module.check_mode:
            what = f"VPC {vpc_id} ({self.vpc.label})"
            waited = wait_released(self.net.client, [{"Name": "vpc-id", "Values": [vpc_id]}], what, self.net.wait_timeout)
            if waited:
                self.module.warn(waited[0].upper() + waited[1:])
        self.table.delete(vpc_id, tables)
        self.igw.delete(vpc_id, igws)
        self.subnets.delete(vpc_id, subnets)
        self.vpc.delete(vpc_id)
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
            wait_timeout=dict(type="int", default=1200),
            **tag_options(),
        ),
        required_if=[("state", "present", ["cidr_block", "subnets"])],
        supports_check_mode=True,
    )
    network = PublicNetwork(module)
    module.run_state(network)


if __name__ == "__main__":
    main()
