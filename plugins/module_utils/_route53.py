# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Route 53 helpers shared by the jwtpizza.cloud modules.

This file is private to this collection (the leading underscore says so): its
interface may change without notice and other collections must not import it.

Record names are compared normalised (lowercase, no trailing dot, Route 53's
octal escapes such as ``\\052`` for ``*`` decoded).  Every function wraps one
boto3 call under ``Route53Errors``, so throttling is retried and errors arrive as
``JwtPizzaAWSError``.
"""

from __future__ import annotations

import re

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import Route53Errors


def normalize_name(name):
    """Lowercase DNS name without the trailing dot, Route 53 escapes decoded."""
    name = re.sub(r"\\(\d{3})", lambda m: chr(int(m.group(1), 8)), name or "")
    return name.rstrip(".").lower()


def record_key(record):
    """Hashable identity of a simple record {name, type, value}."""
    return (normalize_name(record["name"]), record["type"].upper(), normalize_name(record["value"]))


@Route53Errors.lookup("describe the hosted zone")
def get_hosted_zone(client, zone_id):
    """get_hosted_zone, or None when the zone does not exist."""
    return client.get_hosted_zone(Id=zone_id)


@Route53Errors.lookup("read a record set of the hosted zone")
def _list_from(client, zone_id, name, rtype):
    return client.list_resource_record_sets(
        HostedZoneId=zone_id, StartRecordName=name, StartRecordType=rtype, MaxItems="1"
    )


def get_record_set(client, zone_id, name, rtype):
    """The record set (boto3 dict) named ``name`` of type ``rtype`` without a set identifier.

    Returns None when it does not exist, or False when the zone does not exist.
    """
    page = _list_from(client, zone_id, name, rtype)
    if page is None:
        return False
    for rrset in page.get("ResourceRecordSets", []):
        if (
            normalize_name(rrset["Name"]) == normalize_name(name)
            and rrset["Type"] == rtype
            and "SetIdentifier" not in rrset
        ):
            return rrset
    return None


def record_values(rrset):
    """Normalised values of a simple record set (empty for an alias)."""
    return sorted(normalize_name(rr["Value"]) for rr in (rrset or {}).get("ResourceRecords", []))


@Route53Errors.call("change record sets of the hosted zone")
def change_record_sets(client, zone_id, changes, comment):
    """One ChangeResourceRecordSets call with all ``changes``."""
    return client.change_resource_record_sets(
        HostedZoneId=zone_id, ChangeBatch={"Comment": comment, "Changes": changes}
    )


def upsert_change(record, ttl=300):
    """UPSERT change of a simple record {name, type, value}."""
    return {
        "Action": "UPSERT",
        "ResourceRecordSet": {
            "Name": record["name"],
            "Type": record["type"],
            "TTL": ttl,
            "ResourceRecords": [{"Value": record["value"]}],
        },
    }


def zone_delegation(client, zone_id):
    """Describe the zone's delegation: name, name servers, and whether public DNS agrees.

    Returns {"name", "name_servers", "delegated" (True/False/None), "detail"}; never raises
    for DNS problems (dnspython is optional and public DNS may be unreachable).
    """
    zone = get_hosted_zone(client, zone_id)
    if zone is None:
        return {"name": None, "name_servers": [], "delegated": None, "detail": f"hosted zone {zone_id} does not exist"}
    name = normalize_name(zone["HostedZone"]["Name"])
    servers = sorted(normalize_name(ns) for ns in zone.get("DelegationSet", {}).get("NameServers", []))
    result = {"name": name, "name_servers": servers, "delegated": None, "detail": ""}
    if zone["HostedZone"].get("Config", {}).get("PrivateZone"):
        result["detail"] = f"{name} is a private zone: ACM cannot read validation records from it"
        result["delegated"] = False
        return result
    try:
        import dns.resolver  # pylint: disable=import-outside-toplevel
    except ImportError:
        result["detail"] = (
            f"delegation could not be checked (dnspython is not installed); "
            f"the registrar of {name} must list exactly these name servers: {', '.join(servers) or 'none'}"
        )
        return result
    try:
        answer = dns.resolver.resolve(name, "NS", lifetime=5)
        public = sorted(normalize_name(rr.to_text()) for rr in answer)
    except Exception as exc:
        result["detail"] = (
            f"delegation could not be checked ({exc.__class__.__name__}: {exc}); "
            f"the registrar of {name} must list exactly these name servers: {', '.join(servers) or 'none'}"
        )
        return result
    result["delegated"] = set(public) == set(servers)
    if result["delegated"]:
        result["detail"] = f"{name} is delegated to the zone's name servers ({', '.join(servers)})"
    else:
        result["detail"] = (
            f"{name} is NOT delegated to this zone: public DNS answers {', '.join(public) or 'nothing'}, "
            f"the registrar must list {', '.join(servers) or 'none'}"
        )
    return result
