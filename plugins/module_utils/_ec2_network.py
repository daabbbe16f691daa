# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the resources of ec2_public_network share: the ``Network`` context, the EC2 call wrapper and small helpers.

This file is private to this collection (the leading underscore says so): its
interface may change without notice and other collections must not import it.

``Network`` holds what every resource shares (the client, the names, the tags,
the record of writes, check mode); the resources, one class and file each,
create, fix and delete one kind of resource through it: ``Vpc``
(``_ec2_vpc``), ``Subnets`` (``_ec2_subnets``), ``InternetGateway``
(``_ec2_internet_gateway``) and ``RouteTable`` (``_ec2_route_table``).
Every EC2 call is a small function under ``EC2Errors``, made by ``ec2_call``;
``tag_specs`` and ``tags_of`` are used by the other EC2 modules too.
"""

from __future__ import annotations


from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import EC2Errors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaTimeout
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import error_code
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import retry_while

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


describe_availability_zones = ec2_call("describe_availability_zones", "AvailabilityZones")
create_tags = ec2_call("create_tags")
delete_tags = ec2_call("delete_tags")


# ---------------------------------------------------------------- small helpers


def tag_specs(kind, tags):
    return [{"ResourceType": kind, "Tags": ansible_dict_to_boto3_tag_list(tags, "Key", "Value")}]


def tags_of(resource):
    return boto3_tag_list_to_ansible_dict((resource or {}).get("Tags") or [], "Key", "Value")


def by_filter(name, value):
    return [{"Name": name, "Values": [value]}]


def ipv6_block(resource, unless=None):
    """The IPv6 block of a VPC or subnet: associated (given ``unless``: in any other state, as moto garbles them), or ''."""
    for assoc in resource.get("Ipv6CidrBlockAssociationSet") or []:
        state = assoc.get("Ipv6CidrBlockState", {}).get("State")
        if assoc.get("Ipv6CidrBlock") and (state not in unless if unless else state == "associated"):
            return assoc["Ipv6CidrBlock"]
    return ""


def retag(act, label, resource_id, current, want, purge):
    """Bring the tags of an EC2 resource from ``current`` to ``want`` (keeping others unless ``purge``) through
    ``act(what, call, **params)``, which records the write and makes it unless in check mode; the tags as they will be."""
    to_set, to_unset = compare_aws_tags(current, want, purge)
    if to_unset:
        keys = [{"Key": key} for key in to_unset]
        act(f"untag {label}: {', '.join(sorted(to_unset))}", delete_tags, Resources=[resource_id], Tags=keys)
    if to_set:
        pairs = ansible_dict_to_boto3_tag_list(to_set, "Key", "Value")
        act(f"tag {label}: {', '.join(sorted(to_set))}", create_tags, Resources=[resource_id], Tags=pairs)
    return {k: v for k, v in {**current, **want}.items() if k not in to_unset}


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

    def act(self, what, call, retry=NOT_YET, timeout=SETTLE_TIMEOUT, delay=SETTLE_DELAY, repeated=None, **params):
        """Record a write; make it unless in check mode, retrying on the codes ``retry`` (default: a fresh ID not visible yet).

        ``repeated`` maps the codes by which EC2 refuses a write that is already done (its first try reached EC2, the
        answer was lost and botocore sent it again) to a check(exc): it reads what EC2 holds and returns it as the
        write's answer, or raises JwtPizzaAWSError naming what is there instead (a real conflict).
        """
        self.actions.append(what)
        if self.module.check_mode:
            return None
        try:
            return retry_while(lambda exc: error_code(exc) in retry, lambda: call(self.client, **params), timeout, delay,
                               f"AWS to accept: {what}")
        except JwtPizzaAWSError as exc:
            check = (repeated or {}).get(error_code(exc))
            if check is None:
                raise
            return check(exc)

    def create(self, what, call, copies, **params):
        """``act`` for a create that EC2 takes no idempotency token for; then delete the copies its earlier tries made.

        botocore sends the create again when its answer is lost after it reached EC2, and each try makes a resource.
        copies: (kind, key, read, delete): ``read()`` lists the resources of this identity (Name tag, CIDR, VPC), one
        read made only after a create; every one whose ``key`` is not the answer's is deleted with ``delete`` (made
        moments ago by this very call, it holds nothing yet).
        """
        made = self.act(what, call, **params)
        if made:
            kind, key, read, delete = copies
            for copy in read():
                if copy[key] != made[key]:
                    self.act(f"delete {kind} {copy[key]} (a copy left by a retried create)", delete, **{key: copy[key]})
        return made

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
        return retag(self.act, f"{kind} {name}", resource_id, current, self.want_tags(name), self.purge_tags and self.tags is not None)

    def spread_zone(self, index):
        """The index-th of the region's available zones, in turn: subnets without a zone land in different ones
        (letters differ between accounts, so none is assumed; read only when a subnet is created)."""
        if self.zones is None:
            found = describe_availability_zones(self.client, Filters=[{"Name": "state", "Values": ["available"]}])
            zones = [z for z in found if z.get("ZoneType", "availability-zone") == "availability-zone"]
            self.zones = sorted(z["ZoneName"] for z in zones)
        return self.zones[index % len(self.zones)] if self.zones else None
