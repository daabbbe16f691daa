# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The rules of ec2_security_groups: wanted rules expanded, rules read from EC2 flattened, both compared.

This file is private to this collection (the leading underscore says so): its
interface may change without notice and other collections must not import it.

EC2 groups rules into ``IpPermissions`` (a protocol and port range with several
sources).  Here every rule is flattened into one ``Rule`` per source, so that two
sets of rules compare as sets; ``permissions`` groups them back for a call.  A
rule's description is not part of its identity (EC2 updates it in place).
"""

from __future__ import annotations

from collections import namedtuple

# One source of one protocol and port range.  kind: "cidr_ip", "cidr_ipv6" or "group" (value: the group ID, or
# "<name>" for a group of the set that does not exist yet, in check mode).
Rule = namedtuple("Rule", "protocol from_port to_port kind value")

PROTOCOLS = {"tcp": "tcp", "udp": "udp", "all": "-1", "-1": "-1"}
KINDS = (("cidr_ip", "IpRanges", "CidrIp"), ("cidr_ipv6", "Ipv6Ranges", "CidrIpv6"))


class RuleError(ValueError):
    """A wanted rule that cannot be expressed; the message names the group and the rule."""


def port_range(port, where):
    """(from, to) of a port (80) or a range ("8000-8100")."""
    text = str(port).strip()
    low, sep, high = text.partition("-")
    try:
        first, last = int(low), int(high if sep else low)
    except ValueError:
        raise RuleError(f"{where}: port {port!r} is not a port or a range such as 8000-8100") from None
    if not 0 <= first <= last <= 65535:
        raise RuleError(f"{where}: port {port!r} is not within 0-65535 (low-high)")
    return first, last


def expand(rule, names, ids, where):
    """The wanted rule (the module's suboptions) as {Rule: description}.

    names: the group names of the set; ids: their IDs where they exist ({name: id}).
    """
    protocol = PROTOCOLS.get(str(rule.get("protocol") or "tcp").lower())
    if protocol is None:
        raise RuleError(f"{where}: protocol must be tcp, udp or all; got {rule.get('protocol')!r}")
    if protocol == "-1":
        if rule.get("ports"):
            raise RuleError(f"{where}: protocol all covers every port; leave ports out")
        ranges = [(None, None)]
    else:
        if not rule.get("ports"):
            raise RuleError(f"{where}: ports are required with protocol {rule.get('protocol') or 'tcp'}")
        ranges = [port_range(port, where) for port in rule["ports"]]
    sources = [("cidr_ip", cidr) for cidr in rule.get("cidr_ip") or []]
    sources += [("cidr_ipv6", cidr) for cidr in rule.get("cidr_ipv6") or []]
    if rule.get("group_name"):
        if rule["group_name"] not in names:
            raise RuleError(f"{where}: group_name {rule['group_name']!r} is not a group of this set ({', '.join(names)})")
        sources.append(("group", ids.get(rule["group_name"]) or f"<{rule['group_name']}>"))
    if rule.get("group_id"):
        sources.append(("group", rule["group_id"]))
    if not sources:
        raise RuleError(f"{where}: give a source (cidr_ip, cidr_ipv6, group_name or group_id)")
    description = rule.get("description") or ""
    return {Rule(protocol, low, high, kind, value): description for low, high in ranges for kind, value in sources}


def wanted_rules(rules, names, ids, where):
    """{Rule: description} of a list of wanted rules; None (not managed) stays None."""
    if rules is None:
        return None
    wanted = {}
    for index, rule in enumerate(rules):
        wanted.update(expand(rule, names, ids, f"{where} rule {index + 1}"))
    return wanted


def read_rules(permissions):
    """{Rule: description} of EC2's IpPermissions (or IpPermissionsEgress); prefix lists are not managed here."""
    found = {}
    for permission in permissions or []:
        protocol = str(permission.get("IpProtocol", "-1"))
        if protocol == "-1":
            low = high = None
        else:
            low, high = permission.get("FromPort"), permission.get("ToPort")
        for kind, key, field in KINDS:
            for source in permission.get(key) or []:
                found[Rule(protocol, low, high, kind, source[field])] = source.get("Description") or ""
        for pair in permission.get("UserIdGroupPairs") or []:
            found[Rule(protocol, low, high, "group", pair["GroupId"])] = pair.get("Description") or ""
    return found


def permissions(rules):
    """EC2 IpPermissions for {Rule: description}, one permission per protocol and port range."""
    grouped = {}
    for rule in sorted(rules, key=sort_key):
        permission = grouped.setdefault((rule.protocol, rule.from_port, rule.to_port), {"IpProtocol": rule.protocol})
        if rule.protocol != "-1":
            permission.update(FromPort=rule.from_port, ToPort=rule.to_port)
        description = rules[rule]
        if rule.kind == "group":
            source, key = {"GroupId": rule.value}, "UserIdGroupPairs"
        else:
            _kind, key, field = next(k for k in KINDS if k[0] == rule.kind)
            source = {field: rule.value}
        if description:
            source["Description"] = description
        permission.setdefault(key, []).append(source)
    return list(grouped.values())


def sort_key(rule):
    """Protocol, then ports in numeric order (an all-traffic rule has none), then the other end."""
    ports = tuple(port for port in (rule.from_port, rule.to_port) if port is not None)
    return (rule.protocol, ports, rule.kind, rule.value)


def compare(current, wanted):
    """(to_add, to_remove, to_describe) between two {Rule: description}; wanted None manages nothing."""
    if wanted is None:
        return {}, {}, {}
    to_add = {rule: text for rule, text in wanted.items() if rule not in current}
    to_remove = {rule: text for rule, text in current.items() if rule not in wanted}
    to_describe = {rule: text for rule, text in wanted.items() if rule in current and current[rule] != text}
    return to_add, to_remove, to_describe


def label(rule, description="", names=None):
    """'tcp 80 from 0.0.0.0/0 (HTTP)' for the diff and the actions; group IDs of the set shown by name."""
    ports = "all ports" if rule.protocol == "-1" else (
        str(rule.from_port) if rule.from_port == rule.to_port else f"{rule.from_port}-{rule.to_port}")
    protocol = "all" if rule.protocol == "-1" else rule.protocol
    source = (names or {}).get(rule.value, rule.value)
    return f"{protocol} {ports} {source}" + (f" ({description})" if description else "")


def labels(rules, names=None):
    """Sorted labels of {Rule: description}; None (not managed) stays None."""
    if rules is None:
        return None
    return [label(rule, rules[rule], names) for rule in sorted(rules, key=sort_key)]
