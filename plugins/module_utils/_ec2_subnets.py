# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The subnets of ec2_public_network: <name>-public-<n>, public IPv4 (and IPv6) addresses on launch.

This file is private to this collection (the leading underscore says so): its
interface may change without notice and other collections must not import it.

``Subnets`` creates, fixes and deletes the subnets, in the order of the
subnets option, through the shared ``Network`` context (``_ec2_network``);
each EC2 call it makes is a small function below.
"""

from __future__ import annotations

import ipaddress
from functools import partial

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import by_filter
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import ec2_call
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import ipv6_block
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import tag_specs
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import tags_of

# Subnet IPv6 association states that do not count as a block (moto garbles the others).
GONE = ("disassociating", "disassociated", "failing", "failed")

describe_subnets = ec2_call("describe_subnets", "Subnets")
create_subnet = ec2_call("create_subnet", "Subnet")
modify_subnet_attribute = ec2_call("modify_subnet_attribute")
associate_subnet_cidr_block = ec2_call("associate_subnet_cidr_block")
delete_subnet = ec2_call("delete_subnet", kind="delete")


def nth_64(block, index):
    """The index-th /64 of an IPv6 /56, as a CIDR string."""
    start = int(ipaddress.IPv6Network(block).network_address) + (index << 64)
    return str(ipaddress.IPv6Network((start, 64)))


class Subnets:
    """The public subnets <name>-public-<n>, in the order of the subnets option: public IPv4 (and IPv6) on launch."""

    def __init__(self, net, wanted):
        self.net = net
        self.wanted = wanted

    def label(self, index):
        return f"{self.net.name}-public-{index + 1}"

    def read(self, vpc_id):
        return describe_subnets(self.net.client, Filters=by_filter("vpc-id", vpc_id))

    def taken(self, vpc_id, name, cidr, exc):
        """The subnet of a create refused with InvalidSubnet.Conflict: <name> of this very CIDR when the first try made it;
        any other subnet in the way is a real conflict, named in the error."""
        wanted = ipaddress.ip_network(cidr)
        found = [s for s in self.read(vpc_id) if ipaddress.ip_network(s["CidrBlock"]).overlaps(wanted)]
        ours = [s for s in found if s["CidrBlock"] == cidr and tags_of(s).get("Name") == name]
        if ours:
            return ours[0]
        others = ", ".join(f"{s['SubnetId']} ({s['CidrBlock']}, named {tags_of(s).get('Name', '-')})" for s in found) or "none listed"
        raise JwtPizzaAWSError(
            message=f"Could not create subnet {name} ({cidr}) in VPC {vpc_id}: it overlaps another subnet: {others}",
            exception=exc.exception,
        ) from exc

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
            done = {"InvalidSubnet.Conflict": partial(self.taken, vpc_id, name, cidr)}
            subnet = net.act(f"create subnet {name} ({cidr})", create_subnet, repeated=done, **params)
            subnet = subnet or {"Ipv6CidrBlockAssociationSet": []}
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
