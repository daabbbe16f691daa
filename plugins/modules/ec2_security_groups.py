#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ec2_security_groups
short_description: Create, update or delete a set of VPC security groups whose rules may name each other
version_added: 0.1.0
description:
  - Manages the security groups O(groups) of the VPC O(vpc_id) in one module call, with one C(DescribeSecurityGroups)
    for all of them; a rule may name another group of the set by O(groups[].ingress[].group_name), so a load balancer
    group and the task group that admits only it are created and wired in one step.
  - The rules of each group are exactly O(groups[].ingress) (and O(groups[].egress) when given); missing rules are
    added before extra ones are revoked, so a changed rule never leaves a gap; a changed description is updated in
    place. Tags are O(tags) plus C(Name) = the group's name.
  - Replaces a loop of C(amazon.aws.ec2_security_group), which sleeps 3 seconds after every create and waits on rule
    propagation with 10-second sleeps, and answers a retried write that had reached EC2 with
    C(InvalidPermission.Duplicate).
author:
  - jwtpizza.cloud developers (@jwtpizza)
notes:
  - Groups are found by name in O(vpc_id), so a run killed between two calls finds what it created. A retried
    C(AuthorizeSecurityGroupIngress) that EC2 answers C(InvalidPermission.Duplicate) (its first try reached EC2) adds
    the rules one by one, each duplicate counting as done; a revoke of a rule already gone counts as done.
  - A new group starts with EC2's default egress rule (all traffic to C(0.0.0.0/0)); O(groups[].egress) replaces it.
  - The description of a group is set when it is created; EC2 cannot change it, so another one only warns.
  - With O(state=absent) the module first waits (C(DescribeNetworkInterfaces) by C(group-id), every 15 seconds, up to
    O(wait_timeout)) until no network interface uses the groups (those of a deleted load balancer or of stopped
    Fargate tasks linger on AWS for up to 15-20 minutes), then deletes the groups in reverse order (a later group may
    name an earlier one), retrying C(DependencyViolation) until O(wait_timeout), then failing naming the group.
options:
  vpc_id:
    description: The VPC of the groups.
    type: str
    required: true
  groups:
    description: The groups, in order (with O(state=absent) only their names count).
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Name of the group (unique in the VPC).
        type: str
        required: true
      description:
        description: Description of a group to create (EC2 requires one); defaults to the name.
        type: str
      ingress:
        description: Every inbound rule of the group; an empty list allows nothing in.
        type: list
        elements: dict
        default: []
        suboptions: &rule
          protocol:
            description: C(tcp), C(udp) or C(all) (every protocol and port).
            type: str
            default: tcp
          ports:
            description: Ports (C(443)) or ranges (C(8000-8100)); required unless O(groups[].ingress[].protocol=all).
            type: list
            elements: raw
          cidr_ip:
            description: IPv4 CIDRs of the other end.
            type: list
            elements: str
          cidr_ipv6:
            description: IPv6 CIDRs of the other end.
            type: list
            elements: str
          group_name:
            description: A group of O(groups) at the other end.
            type: str
          group_id:
            description: The ID of another security group at the other end.
            type: str
          description:
            description: Description of the rule.
            type: str
      egress:
        description: Every outbound rule of the group (the same keys as O(groups[].ingress)); unset keeps what the
          group has (a new group keeps EC2's default, all traffic to C(0.0.0.0/0)).
        type: list
        elements: dict
        suboptions: *rule
  state:
    description: C(present) creates or updates the groups; C(absent) deletes them.
    type: str
    choices: [present, absent]
    default: present
  wait_timeout:
    description: With O(state=absent), seconds to wait for network interfaces to release the groups, and to retry a
      deletion that EC2 refuses with C(DependencyViolation).
    type: int
    default: 1200
attributes:
  check_mode:
    support: partial
    details:
      - A group still to be created has no ID in check mode; rules naming it show C(<name>), and RV(group_ids) leaves
        it out.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
"""

EXAMPLES = r"""
- name: A load balancer group open to the internet and a task group open to it only
  jwtpizza.cloud.ec2_security_groups:
    vpc_id: vpc-0123456789abcdef0
    groups:
      - name: jwt-pizza-dev-alb
        description: load balancer
        ingress:
          - ports: [80, 443]
            cidr_ip: [0.0.0.0/0]
            cidr_ipv6: ["::/0"]
            description: HTTP and HTTPS from anywhere
        egress:
          - protocol: all
            cidr_ip: [0.0.0.0/0]
            cidr_ipv6: ["::/0"]
      - name: jwt-pizza-dev-tasks
        description: tasks
        ingress:
          - ports: [80]
            group_name: jwt-pizza-dev-alb
            description: Container port from the load balancer
    tags:
      Project: jwt-pizza
  register: groups

- name: Delete them, waiting up to 20 minutes for lingering network interfaces
  jwtpizza.cloud.ec2_security_groups:
    vpc_id: vpc-0123456789abcdef0
    groups:
      - name: jwt-pizza-dev-alb
      - name: jwt-pizza-dev-tasks
    state: absent
"""

RETURN = r"""
group_ids:
  description: The ID of each group by name; empty with O(state=absent); a group still to be created in check mode is
    left out.
  returned: always
  type: dict
  sample: {jwt-pizza-dev-alb: sg-0123456789abcdef0, jwt-pizza-dev-tasks: sg-0fedcba9876543210}
security_groups:
  description: The groups after the run, in the order of O(groups) (with O(state=absent), those deleted).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the group.
      type: str
      sample: jwt-pizza-dev-tasks
    group_id:
      description: ID of the group (empty when still to be created in check mode).
      type: str
      sample: sg-0fedcba9876543210
    ingress:
      description: The inbound rules, one line each (protocol, ports, other end, description); groups of the set by name.
      type: list
      elements: str
      sample: ["tcp 80 jwt-pizza-dev-alb (Container port from the load balancer)"]
    egress:
      description: The outbound rules, one line each.
      type: list
      elements: str
      sample: ["all all ports 0.0.0.0/0"]
    tags:
      description: Tags of the group.
      type: dict
      sample: {Name: jwt-pizza-dev-tasks, Project: jwt-pizza}
actions:
  description: What the run did (in check mode, would do), one line each.
  returned: always
  type: list
  elements: str
  sample: ["create security group jwt-pizza-dev-alb", "authorize ingress of jwt-pizza-dev-alb: tcp 443 0.0.0.0/0"]
"""

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import DiffTracker
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaTimeout
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import error_code
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import retry_while
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import state_option
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import tag_options
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_enis import wait_released
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import ec2_call
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import retag
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import tag_specs
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ec2_network import tags_of
from ansible_collections.jwtpizza.cloud.plugins.module_utils._security_groups import RuleError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._security_groups import compare
from ansible_collections.jwtpizza.cloud.plugins.module_utils._security_groups import labels
from ansible_collections.jwtpizza.cloud.plugins.module_utils._security_groups import permissions
from ansible_collections.jwtpizza.cloud.plugins.module_utils._security_groups import read_rules
from ansible_collections.jwtpizza.cloud.plugins.module_utils._security_groups import wanted_rules

describe_security_groups = ec2_call("describe_security_groups", "SecurityGroups")
create_security_group = ec2_call("create_security_group")
delete_security_group = ec2_call("delete_security_group", kind="delete")
# Per direction: authorize, revoke (False when the rule is already gone), update descriptions.
CALLS = {
    "ingress": (
        ec2_call("authorize_security_group_ingress"),
        ec2_call("revoke_security_group_ingress", kind="delete"),
        ec2_call("update_security_group_rule_descriptions_ingress"),
    ),
    "egress": (
        ec2_call("authorize_security_group_egress"),
        ec2_call("revoke_security_group_egress", kind="delete"),
        ec2_call("update_security_group_rule_descriptions_egress"),
    ),
}
# EC2's rules of a new VPC security group (EC2 User Guide, "Default security group rules": a new group allows all
# outbound traffic to 0.0.0.0/0 and nothing inbound).
NEW_GROUP = {"IpPermissions": [], "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}
# A fresh group ID that EC2 does not show yet (eventual consistency): a write naming it is retried.
SETTLE_TIMEOUT = 60
SETTLE_DELAY = 2
DELETE_DELAY = 15


class SecurityGroups:
    """Reads the groups of the set once, then creates the missing ones and brings rules and tags to the wanted ones."""

    def __init__(self, module):
        self.module = module
        self.p = module.params
        self.client = module.client("ec2")
        self.names = [group["name"] for group in self.p["groups"]]
        self.actions = []

    def write(self, what, call, **params):
        """Record a write and make it unless in check mode, retrying while EC2 does not show a fresh group yet."""
        self.actions.append(what)
        if self.module.check_mode:
            return None
        return retry_while(lambda exc: error_code(exc) == "InvalidGroup.NotFound", lambda: call(self.client, **params),
                           SETTLE_TIMEOUT, SETTLE_DELAY, f"EC2 to accept: {what}")

    def read(self):
        found = describe_security_groups(self.client, Filters=[
            {"Name": "vpc-id", "Values": [self.p["vpc_id"]]}, {"Name": "group-name", "Values": self.names}])
        return {group["GroupName"]: group for group in found if group["GroupName"] in self.names}

    @staticmethod
    def view(group, ingress, egress, tags, id_names):
        """What the diff shows of a group: its rules (groups of the set by name) and tags."""
        return {"ingress": labels(ingress, id_names), "egress": labels(egress, id_names), "tags": tags}

    def create(self, spec):
        name = spec["name"]
        params = {"GroupName": name, "Description": spec["description"] or name, "VpcId": self.p["vpc_id"],
                  "TagSpecifications": tag_specs("security-group", {**(self.p["tags"] or {}), "Name": name})}
        try:
            answer = self.write(f"create security group {name}", create_security_group, **params)
        except JwtPizzaAWSError as exc:
            # The first try of this create reached EC2 (its answer was lost): the group is there now.
            if error_code(exc) != "InvalidGroup.Duplicate":
                raise
            return self.read()[name]
        group_id = answer["GroupId"] if answer else ""
        return {**NEW_GROUP, "GroupId": group_id, "GroupName": name, "Tags": params["TagSpecifications"][0]["Tags"]}

    def authorize(self, direction, name, group_id, rules):
        authorize = CALLS[direction][0]
        what = f"authorize {direction} of {name}: " + "; ".join(labels(rules))
        try:
            self.write(what, authorize, GroupId=group_id, IpPermissions=permissions(rules))
        except JwtPizzaAWSError as exc:
            if error_code(exc) != "InvalidPermission.Duplicate":
                raise
            # Some were there already (an interrupted earlier run): add the others one by one.
            for rule, text in rules.items():
                try:
                    authorize(self.client, GroupId=group_id, IpPermissions=permissions({rule: text}))
                except JwtPizzaAWSError as inner:
                    if error_code(inner) != "InvalidPermission.Duplicate":
                        raise

    def revoke(self, direction, name, group_id, rules):
        revoke = CALLS[direction][1]
        what = f"revoke {direction} of {name}: " + "; ".join(labels(rules))
        if self.write(what, revoke, GroupId=group_id, IpPermissions=permissions(rules)) is False:
            # One of them was gone already: revoke the others one by one.
            for rule, text in rules.items():
                revoke(self.client, GroupId=group_id, IpPermissions=permissions({rule: text}))

    def ensure_rules(self, direction, name, group_id, current, wanted):
        to_add, to_remove, to_describe = compare(current, wanted)
        if to_add:
            self.authorize(direction, name, group_id, to_add)
        if to_describe:
            what = f"describe {direction} of {name}: " + "; ".join(labels(to_describe))
            self.write(what, CALLS[direction][2], GroupId=group_id, IpPermissions=permissions(to_describe))
        if to_remove:
            self.revoke(direction, name, group_id, to_remove)
        return current if wanted is None else wanted

    def ensure_tags(self, name, group_id, current):
        want = {**(self.p["tags"] or {}), "Name": name}
        return retag(self.write, name, group_id, current, want, self.p["purge_tags"] and self.p["tags"] is not None)

    def check_rules(self):
        """Expand every wanted rule once with placeholder IDs, so that a bad rule fails before any call."""
        for spec in self.p["groups"]:
            for direction in ("ingress", "egress"):
                wanted_rules(spec[direction], self.names, {}, f"groups[{spec['name']}].{direction}")

    def ensure_present(self):
        self.check_rules()
        found = self.read()
        id_names = {group["GroupId"]: name for name, group in found.items()}
        before = {name: self.view(group, read_rules(group.get("IpPermissions")), read_rules(group.get("IpPermissionsEgress")),
                                  tags_of(group), id_names) for name, group in found.items()}
        for spec in self.p["groups"]:
            group = found.get(spec["name"])
            if group is None:
                found[spec["name"]] = self.create(spec)
            elif spec["description"] and spec["description"] != group.get("Description"):
                self.module.warn(f"Security group {spec['name']} keeps its description {group.get('Description')!r}: "
                                 "EC2 cannot change the description of a group (delete the group to change it)")
        ids = {name: group["GroupId"] for name, group in found.items() if group.get("GroupId")}
        id_names = {group_id: name for name, group_id in ids.items()}
        diff, groups = DiffTracker(omit_none=True), []
        for spec in self.p["groups"]:
            name, group = spec["name"], found[spec["name"]]
            group_id = group.get("GroupId", "")
            rules = {direction: self.ensure_rules(direction, name, group_id, read_rules(group.get(key)),
                                                  wanted_rules(spec[direction], self.names, ids, name))
                     for direction, key in (("ingress", "IpPermissions"), ("egress", "IpPermissionsEgress"))}
            after = self.view(group, rules["ingress"], rules["egress"], self.ensure_tags(name, group_id, tags_of(group)), id_names)
            diff.add(name, before.get(name), after)
            groups.append({"name": name, "group_id": group_id, **after})
        return {"changed": bool(self.actions), "actions": self.actions, "group_ids": ids, "security_groups": groups,
                "diff": diff}

    def ensure_absent(self):
        found = self.read()
        groups = [found[name] for name in self.names if name in found]
        diff, id_names = DiffTracker(omit_none=True), {group["GroupId"]: group["GroupName"] for group in groups}
        for group in groups:
            diff.add(group["GroupName"], self.view(group, read_rules(group.get("IpPermissions")),
                                                   read_rules(group.get("IpPermissionsEgress")), tags_of(group), id_names), None)
        result = {"changed": bool(groups), "actions": [f"delete security group {g['GroupName']}" for g in groups],
                  "group_ids": {}, "security_groups": [{"name": g["GroupName"], "group_id": g["GroupId"]} for g in groups],
                  "diff": diff}
        if not groups or self.module.check_mode:
            return result
        ids = [group["GroupId"] for group in groups]
        what = f"security groups {', '.join(self.names)} of {self.p['vpc_id']}"
        waited = wait_released(self.client, [{"Name": "group-id", "Values": ids}], what, self.p["wait_timeout"])
        if waited:
            self.module.warn(waited[0].upper() + waited[1:])
        for group in reversed(groups):
            self.delete(group)
        return result

    def delete(self, group):
        try:
            retry_while(lambda exc: error_code(exc) == "DependencyViolation",
                        lambda: delete_security_group(self.client, GroupId=group["GroupId"]),
                        self.p["wait_timeout"], DELETE_DELAY, f"EC2 to delete security group {group['GroupName']}")
        except JwtPizzaTimeout as exc:
            raise JwtPizzaAWSError(message=(
                f"Could not delete security group {group['GroupName']} ({group['GroupId']}) of {self.p['vpc_id']}: another "
                f"group's rules or a resource (a load balancer, a task, a database) still use it. {exc.message}")) from exc


def main():
    rule = dict(
        protocol=dict(type="str", default="tcp"),
        ports=dict(type="list", elements="raw"),
        cidr_ip=dict(type="list", elements="str"),
        cidr_ipv6=dict(type="list", elements="str"),
        group_name=dict(type="str"),
        group_id=dict(type="str"),
        description=dict(type="str"),
    )
    module = JwtPizzaModule(
        argument_spec=dict(
            vpc_id=dict(type="str", required=True),
            groups=dict(type="list", elements="dict", required=True, options=dict(
                name=dict(type="str", required=True),
                description=dict(type="str"),
                ingress=dict(type="list", elements="dict", default=[], options=rule),
                egress=dict(type="list", elements="dict", options=rule),
            )),
            wait_timeout=dict(type="int", default=1200),
            **state_option(),
            **tag_options(),
        ),
        supports_check_mode=True,
    )
    names = [group["name"] for group in module.params["groups"]]
    if len(set(names)) != len(names):
        module.fail_json(msg=f"groups must have different names; got {', '.join(names)}")
    if not module.params["vpc_id"]:
        module.fail_json(msg="vpc_id must not be empty")
    manager = SecurityGroups(module)
    if module.params["state"] == "present":
        try:
            manager.check_rules()
        except RuleError as exc:
            module.fail_json(msg=str(exc))
    module.run_state(manager)


if __name__ == "__main__":
    main()
