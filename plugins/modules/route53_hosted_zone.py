#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: route53_hosted_zone
short_description: Find, optionally create, or delete the public hosted zone of a domain
version_added: 0.1.0
description:
  - Looks the public hosted zone of I(name) up once and returns its ID and name servers.
  - With I(state=present) a missing zone is an error naming the domain, unless I(create=true); then the zone
    is created (tagged) and its name servers are returned so they can be delegated at the registrar.
    With I(fail_if_missing=false) a missing zone is not an error and the returned ID is empty (teardown uses this).
  - With I(state=absent) the zone is deleted, but only when this collection created it (its caller reference says
    so) or it carries all of I(tags); a zone that still holds records other than its own C(NS) and C(SOA) is an
    error listing them.
  - A zone this module created is re-tagged when its tags drift (a run killed between the create and the tagging
    call leaves it untagged).
author:
  - jwtpizza.cloud developers (@jwtpizza)
options:
  name:
    description: The domain, for example C(example.com).
    type: str
    required: true
  zone_id:
    description:
      - ID of the public zone of I(name) to use when Route 53 holds several public zones of that name (it allows
        that; only the one the registrar delegates to answers). Without it, more than one public zone of I(name) is
        an error listing their IDs. Private zones of the same name never count.
      - A zone ID that is not one of the public zones of I(name) is an error; when Route 53 has no public zone of
        I(name), the zone is missing (see I(fail_if_missing)), and with I(state=present) an error (never created).
    type: str
  state:
    description: C(present) finds (or creates) the zone, C(absent) deletes it; see the description.
    type: str
    choices: [present, absent]
    default: present
  fail_if_missing:
    description: With I(state=present) and I(create=false), fail when the zone does not exist.
    type: bool
    default: true
  create:
    description: With I(state=present), create the zone when it does not exist.
    type: bool
    default: false
  tags:
    description: Tags given to a zone this module creates; with I(state=absent), the tags a zone must carry to be deleted.
    type: dict
    default: {}
attributes:
  check_mode:
    support: partial
    details:
      - A zone still to be created is reported with an empty ID and no name servers.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
"""

EXAMPLES = r"""
- name: Find the zone of example.com, failing when it does not exist
  jwtpizza.cloud.route53_hosted_zone:
    name: example.com
  register: zone

- name: Create the zone when it is missing
  jwtpizza.cloud.route53_hosted_zone:
    name: example.com
    create: true
    tags:
      ManagedBy: jwtpizza.cloud
"""

RETURN = r"""
zone_id:
  description: ID of the hosted zone (empty when it does not exist).
  returned: always
  type: str
  sample: Z0123456789ABCDEFGHIJ
name_servers:
  description: The zone's name servers, to delegate the domain to.
  returned: when the zone exists
  type: list
  elements: str
  sample:
    - ns-1.awsdns-01.org
created:
  description: Whether this run created the zone.
  returned: always
  type: bool
"""

import time

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import DiffTracker
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import Route53Errors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import error_code
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import state_option
from ansible_collections.jwtpizza.cloud.plugins.module_utils._route53 import get_hosted_zone


@Route53Errors.call("list hosted zones by name")
def list_zones_by_name(client, name, zone_id=None):
    """One page of ListHostedZonesByName from ``name`` (and ``zone_id``, to continue after a page)."""
    params = {"DNSName": name, "MaxItems": "100"}
    if zone_id:
        params["HostedZoneId"] = zone_id
    return client.list_hosted_zones_by_name(**params)


@Route53Errors.call("create hosted zone")
def create_zone(client, name, caller_reference):
    return client.create_hosted_zone(Name=name, CallerReference=caller_reference)


@Route53Errors.call("tag hosted zone")
def tag_zone(client, zone_id, tags):
    client.change_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id, AddTags=tags)


@Route53Errors.call("read hosted zone tags")
def zone_tags(client, zone_id):
    return client.list_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id)["ResourceTagSet"].get("Tags", [])


@Route53Errors.call("list record sets")
def list_record_sets(client, zone_id):
    paginator = client.get_paginator("list_resource_record_sets")
    return paginator.paginate(HostedZoneId=zone_id).build_full_result()["ResourceRecordSets"]


@Route53Errors.delete("delete hosted zone")
def delete_zone(client, zone_id):
    return client.delete_hosted_zone(Id=zone_id)


# Zones this module creates carry a caller reference with this prefix: proof of ownership even when a run
# was killed between CreateHostedZone and the tagging call (a zone cannot be tagged in the create call).
REFERENCE_PREFIX = "jwtpizza.cloud/"


def public_zones_named(client, name):
    """The public zones (ListHostedZonesByName entries) whose name is exactly ``name`` (with its trailing dot).

    Route 53 lists zones in name order, so the ones named ``name`` come first and together; the listing goes on
    while a page ends inside them.
    """
    found, page = [], list_zones_by_name(client, name)
    while True:
        zones = page.get("HostedZones", [])
        found += [z for z in zones if z["Name"].lower() == name and not z.get("Config", {}).get("PrivateZone")]
        if not (page.get("IsTruncated") and zones and zones[-1]["Name"].lower() == name):
            return found
        page = list_zones_by_name(client, page["NextDNSName"], page["NextHostedZoneId"])


def find_zone(client, name, zone_id=None):
    """Return (zone_id, name_servers, caller_reference) of the public zone of name, or (None, [], "").

    Route 53 allows several public zones of one name; only one of them is delegated.  More than one is an error
    listing their IDs, unless ``zone_id`` names one of them.
    """
    wanted = name.rstrip(".").lower() + "."
    zones = public_zones_named(client, wanted)
    ids = [z["Id"].split("/")[-1] for z in zones]
    if zone_id and zones:
        if zone_id not in ids:
            raise JwtPizzaAWSError(
                message=(
                    f"zone_id (jwtpizza_hosted_zone_id) {zone_id} is not a public hosted zone of {name}; "
                    f"the public zones of {name} are: {', '.join(ids) or 'none'}"
                )
            )
        zones = [zones[ids.index(zone_id)]]
    elif len(zones) > 1:
        raise JwtPizzaAWSError(
            message=(
                f"{len(zones)} public Route 53 hosted zones are named {name} ({', '.join(ids)}): only the one the "
                f"registrar delegates to answers; set zone_id (jwtpizza_hosted_zone_id) to its ID, or delete the others"
            )
        )
    if not zones:
        return None, [], ""
    zone_id = zones[0]["Id"].split("/")[-1]
    details = get_hosted_zone(client, zone_id) or {}
    return zone_id, details.get("DelegationSet", {}).get("NameServers", []), zones[0].get("CallerReference", "")


class HostedZone:
    def __init__(self, module):
        self.module = module
        self.client = module.client("route53")
        self.name = module.params["name"].rstrip(".").lower()
        self.tags = module.params["tags"]
        self.zone_id = (module.params["zone_id"] or "").split("/")[-1] or None

    def result(self, zone_id, name_servers, changed=False, created=False, before=None, after=None):
        diff = DiffTracker.of(before, after)
        return {
            "changed": changed,
            "created": created,
            "zone_id": zone_id or "",
            "name_servers": name_servers,
            "diff": diff,
        }

    def tag_drift(self, zone_id):
        """Tags of ours that the zone lacks or holds with another value."""
        tags = boto3_tag_list_to_ansible_dict(zone_tags(self.client, zone_id))
        return {k: v for k, v in self.tags.items() if tags.get(k) != v}

    def ensure_present(self):
        zone_id, name_servers, reference = find_zone(self.client, self.name, self.zone_id)
        if zone_id:
            # A zone we created is kept tagged (a run killed after the create left it untagged).
            missing = self.tag_drift(zone_id) if self.module.params["create"] and reference.startswith(REFERENCE_PREFIX) else {}
            if missing and not self.module.check_mode:
                tag_zone(self.client, zone_id, ansible_dict_to_boto3_tag_list(missing))
            return self.result(zone_id, name_servers, changed=bool(missing), after={"tags": missing} if missing else None)
        if not self.module.params["create"]:
            if not self.module.params["fail_if_missing"]:
                return self.result("", [])
            raise JwtPizzaAWSError(
                message=(
                    f"No public Route 53 hosted zone for domain {self.name}: create it (and delegate the domain "
                    f"to its name servers), or set create (jwtpizza_create_zone) to true"
                )
            )
        if self.zone_id:
            raise JwtPizzaAWSError(
                message=(
                    f"zone_id (jwtpizza_hosted_zone_id) {self.zone_id} names a zone that does not exist: Route 53 has no "
                    f"public zone of {self.name}; unset it to create one"
                )
            )
        after = {"name": self.name, "tags": self.tags}
        if self.module.check_mode:
            return self.result("", [], changed=True, created=True, after=after)
        # Route 53 never accepts a caller reference twice, not even after the zone is deleted: each create
        # gets its own.  A retried request (same reference) answers HostedZoneAlreadyExists: find the zone.
        reference = f"{REFERENCE_PREFIX}{self.name}/{time.time_ns()}"
        try:
            response = create_zone(self.client, self.name, reference)
        except JwtPizzaAWSError as exc:
            if error_code(exc) != "HostedZoneAlreadyExists":
                raise
            zone_id, name_servers, reference = find_zone(self.client, self.name, self.zone_id)
            if not zone_id:
                raise
            response = {"HostedZone": {"Id": zone_id}, "DelegationSet": {"NameServers": name_servers}}
        zone_id = response["HostedZone"]["Id"].split("/")[-1]
        if self.tags:
            tag_zone(self.client, zone_id, ansible_dict_to_boto3_tag_list(self.tags))
        name_servers = response.get("DelegationSet", {}).get("NameServers", [])
        return self.result(zone_id, name_servers, changed=True, created=True, after=after)

    def ensure_absent(self):
        zone_id, name_servers, reference = find_zone(self.client, self.name, self.zone_id)
        if not zone_id:
            return self.result("", [])
        tags = boto3_tag_list_to_ansible_dict(zone_tags(self.client, zone_id))
        if not reference.startswith(REFERENCE_PREFIX) and any(tags.get(k) != v for k, v in self.tags.items()):
            self.module.warn(f"Hosted zone {self.name} ({zone_id}) was not created by this collection: kept")
            return self.result(zone_id, name_servers)
        others = [
            f"{r['Name']} {r['Type']}"
            for r in list_record_sets(self.client, zone_id)
            if r["Type"] not in ("NS", "SOA")
        ]
        # In check mode the records may be ones the same run removes first (teardown order): report the delete.
        if others and not self.module.check_mode:
            raise JwtPizzaAWSError(
                message=f"Hosted zone {self.name} ({zone_id}) still holds records, not deleted: {', '.join(others)}"
            )
        if not self.module.check_mode:
            delete_zone(self.client, zone_id)
        return self.result(zone_id, name_servers, changed=True, before={"name": self.name, "tags": tags})


def main():
    module = JwtPizzaModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            zone_id=dict(type="str"),
            **state_option(),
            fail_if_missing=dict(type="bool", default=True),
            create=dict(type="bool", default=False),
            tags=dict(type="dict", default={}),
        ),
        supports_check_mode=True,
    )
    zone = HostedZone(module)
    module.run_state(zone)


if __name__ == "__main__":
    main()
