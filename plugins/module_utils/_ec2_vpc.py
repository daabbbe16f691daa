# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The VPC of ec2_public_network: <name>-vpc, found by Name tag and CIDR, DNS on, an optional IPv6 /56.

This file is private to this collection (the leading underscore says so): its
interface may change without notice and other collections must not import it.

``Vpc`` creates, fixes and deletes the VPC through the shared ``Network``
context (``_ec2_network``); each EC2 call it makes is a small function below.
"""

from __future__ import annotations

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import wait_for
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import SETTLE_DELAY
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import by_filter
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import ec2_call
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import ipv6_block
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import tag_specs
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import tags_of

describe_vpcs = ec2_call("describe_vpcs", "Vpcs")
describe_vpc_attribute = ec2_call("describe_vpc_attribute")
create_vpc = ec2_call("create_vpc", "Vpc")
modify_vpc_attribute = ec2_call("modify_vpc_attribute")
associate_vpc_cidr_block = ec2_call("associate_vpc_cidr_block")
delete_vpc = ec2_call("delete_vpc", kind="delete")


class Vpc:
    """The VPC <name>-vpc: found by Name tag and CIDR, DNS support and host names on, an optional IPv6 /56."""

    DNS_ATTRIBUTES = ("enableDnsSupport", "enableDnsHostnames")

    def __init__(self, net):
        self.net = net
        self.label = f"{net.name}-vpc"

    def named(self):
        """The VPCs named <name>-vpc (with cidr_block, of that CIDR)."""
        net = self.net
        filters = by_filter("tag:Name", self.label) + (by_filter("cidr-block", net.cidr) if net.cidr else [])
        return describe_vpcs(net.client, Filters=filters)

    def find(self):
        found = self.named()
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
            copies = ("VPC", "VpcId", self.named, delete_vpc)
            vpc = net.create(f"create VPC {self.label} ({net.cidr})", create_vpc, copies, **params) or {"CidrBlock": net.cidr}
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
