#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: route53_alias
short_description: Manage the A and AAAA alias records of one name in a Route 53 hosted zone
version_added: 0.1.0
description:
  - Points one DNS name at an AWS target (CloudFront distribution, load balancer) with C(A) and C(AAAA)
    alias records, in a single change batch.
  - Reads the zone's records for the name once and writes only what differs, so a re-run makes no write.
  - With I(state=present), an alias record of the name whose type is not in I(record_types) is deleted in the same
    batch (an C(AAAA) alias to a load balancer that is IPv4-only answers nothing).
  - With I(state=absent) the records are deleted with the values read from the zone, so the caller need not
    know the alias target; a missing zone or missing records are not an error.
author:
  - jwtpizza.cloud developers (@jwtpizza)
options:
  zone_id:
    description:
      - ID of the hosted zone (see M(jwtpizza.cloud.route53_hosted_zone)).
      - With I(state=absent) an empty value means the zone is gone, and there is nothing to delete.
    type: str
    required: true
  name:
    description: The record name, inside the zone (for example C(pizza.example.com)).
    type: str
    required: true
  record_types:
    description: The alias record types to manage.
    type: list
    elements: str
    choices: [A, AAAA]
    default: [A, AAAA]
  target_dns_name:
    description:
      - DNS name of the alias target. Required with I(state=present).
      - In check mode an empty value stands for a target that does not exist yet (a distribution or load balancer
        the same check run would create); the records are then reported as to be created.
    type: str
  target_hosted_zone_id:
    description:
      - Hosted zone ID of the alias target (C(Z2FDTNDATAQYW2) for CloudFront, the load balancer's
        C(CanonicalHostedZoneId) for an ALB). Required with I(state=present).
    type: str
  evaluate_target_health:
    description: Let Route 53 check the target's health.
    type: bool
    default: false
  state:
    description: Whether the records exist.
    type: str
    choices: [present, absent]
    default: present
attributes:
  check_mode:
    support: partial
    details:
      - With an empty I(zone_id) or alias target (a zone, distribution or load balancer the same check run would
        create), the records are reported as to be created with an unknown target.
notes:
  - Alias records of other types, or non-alias records of the same name and type, are replaced on C(present).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
"""

EXAMPLES = r"""
- name: Point pizza.example.com at a CloudFront distribution
  jwtpizza.cloud.route53_alias:
    zone_id: Z0123456789ABCDEFGHIJ
    name: pizza.example.com
    target_dns_name: d111111abcdef8.cloudfront.net
    target_hosted_zone_id: Z2FDTNDATAQYW2

- name: Remove the records without knowing their target
  jwtpizza.cloud.route53_alias:
    zone_id: Z0123456789ABCDEFGHIJ
    name: pizza.example.com
    state: absent
"""

RETURN = r"""
zone_id:
  description: ID of the hosted zone, empty when it does not exist (I(state=absent) only).
  returned: always
  type: str
  sample: Z0123456789ABCDEFGHIJ
records:
  description: The alias records of the name after the run.
  returned: always
  type: list
  elements: dict
  sample:
    - name: pizza.example.com.
      type: A
      alias_target:
        dns_name: d1.cloudfront.net.
        hosted_zone_id: Z2FDTNDATAQYW2
        evaluate_target_health: false
"""

from ansible_collections.amazon.aws.plugins.module_utils.transformation import boto3_resource_to_ansible_dict

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import DiffTracker
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import Route53Errors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import state_option
from ansible_collections.jwtpizza.cloud.plugins.module_utils._route53 import change_record_sets
from ansible_collections.jwtpizza.cloud.plugins.module_utils._route53 import normalize_name


CHANGE_COMMENT = "jwtpizza.cloud route53_alias"
RECORD_TYPES = ("A", "AAAA")


def fqdn(name):
    return normalize_name(name) + "."


@Route53Errors.lookup("list record sets")
def list_record_sets(client, zone_id, name):
    return client.list_resource_record_sets(HostedZoneId=zone_id, StartRecordName=name, MaxItems="10")[
        "ResourceRecordSets"
    ]


def normalise(record_set):
    """Keep the fields that define an alias record, in a comparable shape."""
    target = record_set.get("AliasTarget")
    result = {"Name": fqdn(record_set["Name"]), "Type": record_set["Type"]}
    if target:
        result["AliasTarget"] = {
            "DNSName": fqdn(target["DNSName"]),
            "HostedZoneId": target["HostedZoneId"],
            "EvaluateTargetHealth": bool(target.get("EvaluateTargetHealth", False)),
        }
    else:
        result["TTL"] = record_set.get("TTL")
        result["ResourceRecords"] = record_set.get("ResourceRecords", [])
    return result


class AliasRecords:
    def __init__(self, module):
        self.module = module
        self.client = module.client("route53")
        params = module.params
        self.name = fqdn(params["name"])
        self.types = params["record_types"]
        self.zone_id = (params["zone_id"] or "").split("/")[-1]

    def current(self, zone_id, types=None):
        """The name's records of ``types`` (default: record_types) by type, or None when the zone does not exist."""
        records = list_record_sets(self.client, zone_id, self.name)
        if records is None:
            return None
        types = types or self.types
        return {r["Type"]: normalise(r) for r in records if fqdn(r["Name"]) == self.name and r["Type"] in types}

    def desired(self):
        params = self.module.params
        return {
            t: {
                "Name": self.name,
                "Type": t,
                "AliasTarget": {
                    "DNSName": fqdn(params["target_dns_name"]),
                    "HostedZoneId": params["target_hosted_zone_id"],
                    "EvaluateTargetHealth": params["evaluate_target_health"],
                },
            }
            for t in self.types
        }

    def result(self, zone_id, changed, before, after):
        records = [boto3_resource_to_ansible_dict(after[t]) for t in sorted(after)]
        diff = DiffTracker()
        diff.add("records", list(before.values()), list(after.values()))
        return {
            "changed": changed,
            "zone_id": zone_id or "",
            "records": records,
            "diff": diff,
        }

    def ensure_present(self):
        # In check mode the target may be a distribution or load balancer the same run would create.
        unknown_target = self.module.require_unless_check_mode("target_dns_name", "target_hosted_zone_id")
        zone_id = self.zone_id
        before = self.current(zone_id, RECORD_TYPES) if zone_id else None
        if before is None:
            if not (self.module.check_mode and not zone_id):
                raise JwtPizzaAWSError(message=f"Hosted zone {zone_id or '(empty zone_id)'} not found")
            before = {}  # check mode: the zone itself is still to be created
        # Managed here: the wanted types, and alias records of the other type (a non-alias record of it is not ours).
        before = {t: r for t, r in before.items() if t in self.types or "AliasTarget" in r}
        if unknown_target:
            unknown = {t: {"Name": self.name, "Type": t, "AliasTarget": "(known once the target exists)"} for t in self.types}
            return self.result(zone_id, True, before, unknown)
        desired = self.desired()
        changes = [{"Action": "UPSERT", "ResourceRecordSet": r} for t, r in desired.items() if before.get(t) != r]
        # An alias of a type no longer wanted (AAAA to a load balancer that is now IPv4-only) answers nothing: it goes.
        changes += [{"Action": "DELETE", "ResourceRecordSet": r} for t, r in before.items() if t not in self.types]
        if changes and not self.module.check_mode:
            change_record_sets(self.client, zone_id, changes, CHANGE_COMMENT)
        return self.result(zone_id, bool(changes), before, desired if changes else before)

    def ensure_absent(self):
        zone_id = self.zone_id
        before = self.current(zone_id) if zone_id else None
        if not before:
            return self.result(zone_id, False, {}, {})
        if not self.module.check_mode:
            deletes = [{"Action": "DELETE", "ResourceRecordSet": r} for r in before.values()]
            change_record_sets(self.client, zone_id, deletes, CHANGE_COMMENT)
        return self.result(zone_id, True, before, {})


def main():
    argument_spec = dict(
        zone_id=dict(type="str", required=True),
        name=dict(type="str", required=True),
        record_types=dict(type="list", elements="str", choices=["A", "AAAA"], default=["A", "AAAA"]),
        target_dns_name=dict(type="str"),
        target_hosted_zone_id=dict(type="str"),
        evaluate_target_health=dict(type="bool", default=False),
        **state_option(),
    )
    module = JwtPizzaModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
    )
    records = AliasRecords(module)
    module.run_state(records)


if __name__ == "__main__":
    main()
