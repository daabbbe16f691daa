# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The internet gateway of ec2_public_network: <name>-igw, attached to the VPC.

This file is private to this collection (the leading underscore says so): its
interface may change without notice and other collections must not import it.

``InternetGateway`` creates, attaches, fixes, detaches and deletes the gateway
through the shared ``Network`` context (``_ec2_network``); each EC2 call it
makes is a small function below.
"""

from __future__ import annotations

from functools import partial

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import by_filter
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import ec2_call
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import tag_specs
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import tags_of

describe_internet_gateways = ec2_call("describe_internet_gateways", "InternetGateways")
create_internet_gateway = ec2_call("create_internet_gateway", "InternetGateway")
attach_internet_gateway = ec2_call("attach_internet_gateway")
detach_internet_gateway = ec2_call("detach_internet_gateway", kind="delete")
delete_internet_gateway = ec2_call("delete_internet_gateway", kind="delete")


def attached_to(igw, vpc_id):
    return any(a.get("VpcId") == vpc_id for a in (igw or {}).get("Attachments") or [])


class InternetGateway:
    """The internet gateway <name>-igw, attached to the VPC."""

    def __init__(self, net):
        self.net = net
        self.label = f"{net.name}-igw"

    def read(self, vpc_id):
        """The gateways attached to the VPC, else an unattached one named <name>-igw (a killed run's)."""
        igws = describe_internet_gateways(self.net.client, Filters=by_filter("attachment.vpc-id", vpc_id))
        return igws or self.unattached()

    def unattached(self):
        """The gateways named <name>-igw that are attached nowhere."""
        named = describe_internet_gateways(self.net.client, Filters=by_filter("tag:Name", self.label))
        return [igw for igw in named if not igw.get("Attachments")]

    def attached(self, igw_id, vpc_id, vpc_label, exc):
        """An attach refused with Resource.AlreadyAssociated is done when the gateway is attached to the VPC (the
        first try did it); attached elsewhere, it is a real conflict."""
        igws = describe_internet_gateways(self.net.client, InternetGatewayIds=[igw_id])
        if attached_to(igws[0], vpc_id):
            return {}
        where = ", ".join(a.get("VpcId", "?") for a in igws[0].get("Attachments") or []) or "no VPC"
        raise JwtPizzaAWSError(
            message=f"Could not attach internet gateway {self.label} ({igw_id}) to {vpc_label} ({vpc_id}): it is attached to {where}",
            exception=exc.exception,
        ) from exc

    def ensure(self, igw, vpc_id, vpc_label):
        """Create or fix the gateway and attach it; returns (its ID, its owned state after)."""
        net = self.net
        if igw is None:
            tags = net.want_tags(self.label)
            spec = tag_specs("internet-gateway", tags)
            copies = ("internet gateway", "InternetGatewayId", self.unattached, delete_internet_gateway)
            igw = net.create(f"create internet gateway {self.label}", create_internet_gateway, copies, TagSpecifications=spec) or {}
        else:
            tags = net.retag("internet gateway", igw["InternetGatewayId"], tags_of(igw), self.label)
        igw_id = igw.get("InternetGatewayId")
        if not attached_to(igw, vpc_id):
            done = {"Resource.AlreadyAssociated": partial(self.attached, igw_id, vpc_id, vpc_label)}
            net.act(f"attach internet gateway {self.label} to {vpc_label}", attach_internet_gateway, repeated=done,
                    InternetGatewayId=igw_id, VpcId=vpc_id)
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
