# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The DNS validation records of the ACM certificates of acm_certificate, in a Route 53 hosted zone.

This file is private to this collection (the leading underscore says so): its
interface may change without notice and other collections must not import it.

``ValidationRecords`` writes the records ACM asks for where the zone lacks them
(or holds another value), finds the records to delete with the certificates
(only those whose value still matches and that no other certificate of the
region validates with), and explains a validation that does not end: the
status per name and the delegation of the zone.
"""

from __future__ import annotations

from ansible_collections.jwtpizza.cloud.plugins.module_utils._acm import describe_certificate
from ansible_collections.jwtpizza.cloud.plugins.module_utils._acm import list_certificates
from ansible_collections.jwtpizza.cloud.plugins.module_utils._acm import validation_records
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._route53 import change_record_sets
from ansible_collections.jwtpizza.cloud.plugins.module_utils._route53 import get_record_set
from ansible_collections.jwtpizza.cloud.plugins.module_utils._route53 import normalize_name
from ansible_collections.jwtpizza.cloud.plugins.module_utils._route53 import record_key
from ansible_collections.jwtpizza.cloud.plugins.module_utils._route53 import record_values
from ansible_collections.jwtpizza.cloud.plugins.module_utils._route53 import upsert_change
from ansible_collections.jwtpizza.cloud.plugins.module_utils._route53 import zone_delegation

CHANGE_COMMENT = "jwtpizza.cloud acm_certificate DNS validation"


class ValidationRecords:
    """The validation records of certificates in the hosted zone ``zone_id`` (None: no zone given)."""

    def __init__(self, acm, route53, zone_id):
        self.acm = acm
        self.route53 = route53
        self.zone_id = zone_id

    def zone_record(self, record):
        """The zone's record set of that name, None when missing; fails when the zone is missing."""
        rrset = get_record_set(self.route53, self.zone_id, record["name"], record["type"])
        if rrset is False:
            raise JwtPizzaAWSError(message=f"Hosted zone {self.zone_id} (hosted_zone_id) does not exist")
        return rrset

    def missing(self, cert):
        """The validation records of ``cert`` that the zone lacks or holds with another value."""
        return [r for r in validation_records(cert)[0] if record_values(self.zone_record(r)) != [normalize_name(r["value"])]]

    def upsert(self, records):
        change_record_sets(self.route53, self.zone_id, [upsert_change(r) for r in records], CHANGE_COMMENT)

    def deletions(self, certs):
        """DELETE changes for our validation records whose value still matches and no other certificate uses."""
        if not self.zone_id:
            return []
        ours = {c["CertificateArn"] for c in certs}
        records = {record_key(r): r for c in certs for r in validation_records(c)[0]}
        records = {k: r for k, r in records.items() if k not in self.used_elsewhere(ours, records)}
        changes = []
        for record in records.values():
            rrset = get_record_set(self.route53, self.zone_id, record["name"], record["type"])
            if rrset is False:
                return []  # the zone is gone, and its records with it
            if rrset and record_values(rrset) == [normalize_name(record["value"])]:
                changes.append({"Action": "DELETE", "ResourceRecordSet": rrset})
        return changes

    def delete(self, changes):
        change_record_sets(self.route53, self.zone_id, changes, CHANGE_COMMENT)

    def used_elsewhere(self, ours, records):
        """Keys of ``records`` that another certificate of the region still validates with."""
        domains = {k[0].split(".", 1)[1] for k in records if "." in k[0]}
        used = set()
        for summary in list_certificates(self.acm):
            if summary["CertificateArn"] in ours:
                continue
            names = [summary.get("DomainName", ""), *summary.get("SubjectAlternativeNames", []),
                     *summary.get("SubjectAlternativeNameSummaries", [])]
            if not {normalize_name(n).removeprefix("*.") for n in names} & domains:
                continue
            cert = describe_certificate(self.acm, summary["CertificateArn"])
            used |= {record_key(r) for r in validation_records(cert)[0]}
        return used & set(records)

    def explain(self, cert):
        """Validation status per name, and where DNS must point for ACM to see the records."""
        options = (cert or {}).get("DomainValidationOptions", [])
        per_name = "; ".join(
            f"{o['DomainName']}: {o.get('ValidationStatus', 'UNKNOWN')}"
            + (f" (record {o['ResourceRecord']['Name']} CNAME {o['ResourceRecord']['Value']})" if o.get("ResourceRecord") else "")
            for o in options
        )
        delegation = zone_delegation(self.route53, self.zone_id)
        return (f"status {(cert or {}).get('Status', 'UNKNOWN')}; validation per name: {per_name or 'none reported'}; "
                f"hosted zone {self.zone_id} ({delegation['name']}) name servers: "
                f"{', '.join(delegation['name_servers']) or 'none'}; {delegation['detail']}")
