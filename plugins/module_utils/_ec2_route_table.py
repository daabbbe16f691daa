# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The route table of ec2_public_network: <name>-public, default routes to the gateway, associated with the subnets.

This file is private to this collection (the leading underscore says so): its
interface may change without notice and other collections must not import it.

``RouteTable`` creates, fixes and deletes the table, its routes and its subnet
associations through the shared ``Network`` context (``_ec2_network``); each
EC2 call it makes is a small function below.
"""

from __future__ import annotations

from functools import partial

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import by_filter
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import ec2_call
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import tag_specs
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import tags_of

DEFAULT_ROUTES = ("0.0.0.0/0", "::/0")

describe_route_tables = ec2_call("describe_route_tables", "RouteTables")
create_route_table = ec2_call("create_route_table", "RouteTable")
create_route = ec2_call("create_route")
replace_route = ec2_call("replace_route")
delete_route = ec2_call("delete_route", kind="delete")
associate_route_table = ec2_call("associate_route_table")
replace_route_table_association = ec2_call("replace_route_table_association")
disassociate_route_table = ec2_call("disassociate_route_table", kind="delete")
delete_route_table = ec2_call("delete_route_table", kind="delete")


def destination(dest):
    return {"DestinationIpv6CidrBlock" if ":" in dest else "DestinationCidrBlock": dest}


def owned_routes(table):
    """{destination: gateway} of the routes the module manages: not local, not prefix lists ('blackhole' when broken)."""
    routes = {}
    for route in (table or {}).get("Routes") or []:
        dest = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
        if dest and route.get("GatewayId") != "local" and route.get("Origin") != "CreateRouteTable":
            routes[dest] = "blackhole" if route.get("State") == "blackhole" else route.get("GatewayId", "")
    return routes


class RouteTable:
    """The route table <name>-public: default routes to the gateway, and only them; associated with the subnets, and only them."""

    def __init__(self, net):
        self.net = net
        self.label = f"{net.name}-public"

    def read(self, vpc_id):
        return describe_route_tables(self.net.client, Filters=by_filter("vpc-id", vpc_id))

    def named(self, vpc_id):
        return describe_route_tables(self.net.client, Filters=by_filter("vpc-id", vpc_id) + by_filter("tag:Name", self.label))

    def ours(self, tables):
        return next((t for t in tables if tags_of(t).get("Name") == self.label), None)

    def ensure(self, table, tables, vpc_id, igw_id, igw_label, subnet_ids):
        """Create or fix the table, its routes and associations; returns (its ID, its owned state after)."""
        net = self.net
        if table is None:
            tags = net.want_tags(self.label)
            spec = tag_specs("route-table", tags)
            copies = ("route table", "RouteTableId", lambda: self.named(vpc_id), delete_route_table)
            table = net.create(f"create route table {self.label}", create_route_table, copies, VpcId=vpc_id, TagSpecifications=spec) or {}
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
                what = f"{verb} {dest} to {igw_label} in {self.label}"
                done = {"RouteAlreadyExists": partial(self.routed, table_id, dest, igw_id, what)}
                net.act(what, call, repeated=done, RouteTableId=table_id, GatewayId=igw_id, **destination(dest))
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
                what = f"move subnet {name} to route table {self.label}"
                # A repeated move names the association the first try replaced.
                done = {"InvalidAssociationID.NotFound": partial(self.associated, subnet_id, table_id, what)}
                net.act(what, replace_route_table_association, repeated=done, AssociationId=elsewhere[subnet_id], RouteTableId=table_id)
            elif subnet_id not in ours:
                what = f"associate subnet {name} with {self.label}"
                done = {"Resource.AlreadyAssociated": partial(self.associated, subnet_id, table_id, what)}
                net.act(what, associate_route_table, repeated=done, RouteTableId=table_id, SubnetId=subnet_id)
        for subnet_id in sorted(set(ours) - set(subnet_ids)):
            net.act(f"disassociate subnet {subnet_id} from {self.label}", disassociate_route_table, AssociationId=ours[subnet_id])

    def routed(self, table_id, dest, igw_id, what, exc):
        """A route refused with RouteAlreadyExists is done when it goes to the gateway (the first try made it)."""
        (table,) = describe_route_tables(self.net.client, RouteTableIds=[table_id])
        target = owned_routes(table).get(dest)
        if target == igw_id:
            return {}
        raise JwtPizzaAWSError(message=f"Could not {what}: {dest} goes to {target or 'another target'}", exception=exc.exception) from exc

    def associated(self, subnet_id, table_id, what, exc):
        """An association refused as done already is done when the subnet is in the table (the first try put it there)."""
        tables = describe_route_tables(self.net.client, Filters=by_filter("association.subnet-id", subnet_id))
        where = [t["RouteTableId"] for t in tables]
        if where == [table_id]:
            return {}
        raise JwtPizzaAWSError(
            message=f"Could not {what}: subnet {subnet_id} is associated with {', '.join(where) or 'no route table'}",
            exception=exc.exception,
        ) from exc

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
