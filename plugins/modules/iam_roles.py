#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: iam_roles
short_description: Create, update or delete a set of IAM roles with their trust, managed and inline policies in one call
version_added: 0.1.0
description:
  - Manages the IAM roles O(roles) in one module call. Each role is read once (C(GetRole) for its trust policy,
    description, session duration and tags, C(ListAttachedRolePolicies), C(ListRolePolicies) and one
    C(GetRolePolicy) per inline policy), then brought to the requested trust policy, description, managed policies,
    inline policies and tags; a role with O(roles[].state=absent) is deleted with its policies.
  - Policy documents are compared as parsed JSON (amazon.aws's C(compare_policies)), so another key order, a string
    against a one-element list or an account ID against its root ARN is no difference. A second run with the same
    arguments makes no call that writes.
  - Replaces a loop of C(amazon.aws.iam_role) followed by C(amazon.aws.iam_policy) (one module run per role and
    per inline policy), and the deprecation warning C(iam_role) prints on every run about its
    C(assume_role_policy_document_raw) return value.
author:
  - jwtpizza.cloud developers (@jwtpizza)
notes:
  - IAM is eventually consistent. After C(CreateRole) the module polls C(GetRole) (every 2 seconds, up to
    O(wait_timeout)) until the new role is visible, before attaching its policies.
  - A C(CreateRole) answered with C(EntityAlreadyExists) (its first try reached IAM but the answer was lost, or
    another run created the role meanwhile) reads the role and brings it to the requested state, as if it had been
    found.
  - Deleting a role first deletes its inline policies and detaches its managed policies, then calls C(DeleteRole).
    A role that does not exist is no change. Instance profiles are never touched, neither created nor deleted; a
    role still in an instance profile cannot be deleted, and the module fails naming it.
  - New roles get the path C(/); the path and the permissions boundary of an existing role are left as they are.
options:
  roles:
    description: The roles, handled in this order (with O(state=absent) only their names count).
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Name of the role (1-64 letters, digits or C(+=,.@_-)).
        type: str
        required: true
      description:
        description:
          - Description of the role (at most 1000 characters).
          - Unset keeps the description of an existing role (a new role gets none).
        type: str
      trust_policy:
        description:
          - The trust policy (C(AssumeRolePolicyDocument)), a policy document with a non-empty C(Statement).
          - Required with O(roles[].state=present).
        type: dict
      max_session_duration:
        description:
          - Longest session of the role in seconds, 3600 to 43200.
          - Unset keeps that of an existing role (a new role gets IAM's default, 3600).
        type: int
      managed_policies:
        description:
          - ARNs of the managed policies attached to the role; exactly these are attached (new ones are attached
            before the others are detached). An empty list detaches every one.
          - Unset leaves the attachments as they are.
        type: list
        elements: str
      inline_policies:
        description:
          - The inline policies of the role, a dict of policy name to policy document; exactly these exist (new or
            changed ones are put before the others are deleted). An empty dict deletes every one.
          - Unset leaves the inline policies as they are.
        type: dict
      state:
        description: C(present) creates or updates the role; C(absent) deletes it with its policies.
        type: str
        choices: [present, absent]
        default: present
  state:
    description: C(present) applies O(roles[].state) to each role; C(absent) deletes every role of O(roles).
    type: str
    choices: [present, absent]
    default: present
  wait_timeout:
    description: Seconds to wait for a new role to be visible to C(GetRole).
    type: int
    default: 120
attributes:
  check_mode:
    support: full
    details:
      - A role still to be created has an empty ARN and role ID in RV(roles).
  diff_mode:
    support: full
    details:
      - Per role its description, trust policy, session duration, managed policies, inline policies (name to
        document) and tags; a role that does not exist is left out of that side.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
"""

EXAMPLES = r"""
- name: The ECS task execution role with its managed policy and an inline policy, and no task role
  jwtpizza.cloud.iam_roles:
    roles:
      - name: jwt-pizza-dev-ecs-execution
        description: ECS task execution
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal:
                Service: ecs-tasks.amazonaws.com
              Action: sts:AssumeRole
        managed_policies:
          - arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy
        inline_policies:
          read-secrets:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: ssm:GetParameters
                Resource: arn:aws:ssm:us-west-2:123456789012:parameter/jwt-pizza/dev/db-password
      - name: jwt-pizza-dev-ecs-task
        state: absent
    tags:
      Project: jwt-pizza
  register: iam

- name: Delete both roles with their policies
  jwtpizza.cloud.iam_roles:
    roles:
      - name: jwt-pizza-dev-ecs-execution
      - name: jwt-pizza-dev-ecs-task
    state: absent
"""

RETURN = r"""
roles:
  description:
    - Each role of O(roles) by name, after the run (in check mode, as it would be), with the keys below.
    - A role that does not exist after the run (deleted, or absent) has only an empty C(arn); a role still to be
      created in check mode has an empty C(arn) and C(role_id).
  returned: always
  type: dict
  contains:
    arn:
      description: ARN of the role.
      type: str
      sample: arn:aws:iam::123456789012:role/jwt-pizza-dev-ecs-execution
    role_id:
      description: Unique ID of the role.
      type: str
      sample: AROA0123456789EXAMPLE
    description:
      description: Description of the role.
      type: str
      sample: ECS task execution
    trust_policy:
      description: The trust policy.
      type: dict
      sample: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: ecs-tasks.amazonaws.com}, Action: sts:AssumeRole}]}
    max_session_duration:
      description: Longest session in seconds.
      type: int
      sample: 3600
    managed_policies:
      description: ARNs of the attached managed policies, sorted.
      type: list
      elements: str
      sample: [arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy]
    inline_policies:
      description: The inline policies, name to document.
      type: dict
      sample: {read-secrets: {Version: "2012-10-17", Statement: []}}
    tags:
      description: Tags of the role.
      type: dict
      sample: {Project: jwt-pizza}
  sample:
    jwt-pizza-dev-ecs-execution: {arn: "arn:aws:iam::123456789012:role/jwt-pizza-dev-ecs-execution", role_id: AROA0123456789EXAMPLE}
    jwt-pizza-dev-ecs-task: {arn: ""}
actions:
  description: What the run did (in check mode, would do), one line per write.
  returned: always
  type: list
  elements: str
  sample: ["create role jwt-pizza-dev-ecs-execution", "put inline policy read-secrets of jwt-pizza-dev-ecs-execution"]
"""

import json
import time

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _iam as iam
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import DiffTracker
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import error_code
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import state_option
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import tag_options
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import wait_for

WAIT_DELAY = 2
# What --diff shows of a role (the view's other keys, arn and role_id, are not settings).
# UpdateRole's settings, as the actions name them.
SETTINGS = {"Description": "description", "MaxSessionDuration": "max session duration"}
SHOWN = ("description", "trust_policy", "max_session_duration", "managed_policies", "inline_policies", "tags")


class Roles:
    """Reads each role of the set once, then creates, updates or deletes it; one DiffTracker for all of them."""

    def __init__(self, module):
        self.module = module
        self.p = module.params
        self.client = module.client("iam")
        self.actions = []
        self.roles = {}
        self.diff = DiffTracker(omit_none=True)

    def write(self, what, call, *args):
        """Record a write and make it unless in check mode."""
        self.actions.append(what)
        if self.module.check_mode:
            return None
        return call(self.client, *args)

    def result(self):
        return {"changed": bool(self.actions), "actions": self.actions, "roles": self.roles, "diff": self.diff}

    def ensure_present(self):
        for spec in self.p["roles"]:
            if spec["state"] == "absent":
                self.absent(spec["name"])
            else:
                self.present(spec)
        return self.result()

    def ensure_absent(self):
        for spec in self.p["roles"]:
            self.absent(spec["name"])
        return self.result()

    def visible(self, name):
        """GetRole's answer for a role just created, once IAM shows it (eventual consistency)."""

        def probe():
            role = iam.get_role(self.client, name)
            return role is not None, role

        return wait_for(probe, self.p["wait_timeout"], WAIT_DELAY, f"IAM role {name} to exist",
                        explain=lambda _role: "GetRole still answers NoSuchEntity", sleep=time.sleep)

    def create(self, spec):
        """Create the role with its trust policy, description, session duration and tags; its view after that."""
        name, tags = spec["name"], self.p["tags"] or {}
        params = {"RoleName": name, "AssumeRolePolicyDocument": json.dumps(spec["trust_policy"])}
        if spec["description"]:
            params["Description"] = spec["description"]
        if spec["max_session_duration"] is not None:
            params["MaxSessionDuration"] = spec["max_session_duration"]
        if tags:
            params["Tags"] = ansible_dict_to_boto3_tag_list(tags, "Key", "Value")
        try:
            created = self.write(f"create role {name}", iam.create_role, params) or {}
        except JwtPizzaAWSError as exc:
            # The first try reached IAM (its answer was lost), or another run created the role meanwhile.
            if error_code(exc) != "EntityAlreadyExists":
                raise
            return iam.read_role(self.client, name, role=self.visible(name))
        if created:  # not in check mode
            self.visible(name)
        return iam.view({"Arn": created.get("Arn", ""), "RoleId": created.get("RoleId", ""), "Description": spec["description"],
                         "AssumeRolePolicyDocument": spec["trust_policy"], "MaxSessionDuration": params.get("MaxSessionDuration"),
                         "Tags": params.get("Tags", [])}, [], {})

    def present(self, spec):
        name = spec["name"]
        before = iam.read_role(self.client, name)
        current = before or self.create(spec)
        after = dict(current)
        self.update_trust(name, current, spec, after)
        self.update_settings(name, current, spec, after)
        self.update_managed(name, current, spec, after)
        self.update_inline(name, current, spec, after)
        self.update_tags(name, current, after)
        self.diff.add(name, self.shown(before), self.shown(after))
        self.roles[name] = after

    @staticmethod
    def shown(role):
        return None if role is None else {key: role[key] for key in SHOWN}

    def update_trust(self, name, current, spec, after):
        if iam.differs(current["trust_policy"], spec["trust_policy"]):
            self.write(f"update the trust policy of {name}", iam.update_trust, name, spec["trust_policy"])
            after["trust_policy"] = spec["trust_policy"]

    def update_settings(self, name, current, spec, after):
        changes = {}
        if spec["description"] is not None and spec["description"] != current["description"]:
            changes["Description"] = after["description"] = spec["description"]
        duration = spec["max_session_duration"]
        if duration is not None and duration != current["max_session_duration"]:
            changes["MaxSessionDuration"] = after["max_session_duration"] = duration
        if changes:
            what = " and ".join(SETTINGS[key] for key in changes)
            # UpdateRole without a Description clears the description: always send the one the role keeps.
            self.write(f"update the {what} of {name}", iam.update_role, name, {"Description": after["description"], **changes})

    def update_managed(self, name, current, spec, after):
        wanted = spec["managed_policies"]
        if wanted is None:
            return
        for arn in sorted(set(wanted) - set(current["managed_policies"])):
            self.write(f"attach {arn} to {name}", iam.attach_policy, name, arn)
        for arn in sorted(set(current["managed_policies"]) - set(wanted)):
            self.write(f"detach {arn} from {name}", iam.detach_policy, name, arn)
        after["managed_policies"] = sorted(set(wanted))

    def update_inline(self, name, current, spec, after):
        wanted = spec["inline_policies"]
        if wanted is None:
            return
        have = current["inline_policies"]
        kept = {}
        for policy_name, policy in sorted(wanted.items()):
            if iam.differs(have.get(policy_name), policy):
                self.write(f"put inline policy {policy_name} of {name}", iam.put_inline, name, policy_name, policy)
                kept[policy_name] = policy
            else:
                kept[policy_name] = have[policy_name]
        for policy_name in sorted(set(have) - set(wanted)):
            self.write(f"delete inline policy {policy_name} of {name}", iam.delete_inline, name, policy_name)
        after["inline_policies"] = kept

    def update_tags(self, name, current, after):
        if self.p["tags"] is None:
            return
        to_set, to_unset = compare_aws_tags(current["tags"], self.p["tags"], self.p["purge_tags"])
        if to_unset:
            self.write(f"untag {name}: {', '.join(sorted(to_unset))}", iam.untag_role, name, to_unset)
        if to_set:
            self.write(f"tag {name}: {', '.join(sorted(to_set))}", iam.tag_role, name, to_set)
        after["tags"] = {key: value for key, value in {**current["tags"], **to_set}.items() if key not in to_unset}

    def absent(self, name):
        self.roles[name] = {"arn": ""}
        current = iam.read_role(self.client, name, documents=self.module._diff)
        if current is None:
            return
        for policy_name in sorted(current["inline_policies"]):
            self.write(f"delete inline policy {policy_name} of {name}", iam.delete_inline, name, policy_name)
        for arn in current["managed_policies"]:
            self.write(f"detach {arn} from {name}", iam.detach_policy, name, arn)
        try:
            self.write(f"delete role {name}", iam.delete_role, name)
        except JwtPizzaAWSError as exc:
            if error_code(exc) != "DeleteConflict":
                raise
            raise JwtPizzaAWSError(message=(
                f"Could not delete role {name}: something still uses it (an instance profile, which this module never "
                f"touches, or a policy added meanwhile)"), exception=exc.exception) from exc
        self.diff.add(name, self.shown(current), None)


def main():
    module = JwtPizzaModule(
        argument_spec=dict(
            roles=dict(type="list", elements="dict", required=True, options=dict(
                name=dict(type="str", required=True),
                description=dict(type="str"),
                trust_policy=dict(type="dict"),
                max_session_duration=dict(type="int"),
                managed_policies=dict(type="list", elements="str"),
                inline_policies=dict(type="dict"),
                **state_option(),
            )),
            wait_timeout=dict(type="int", default=120),
            **state_option(),
            **tag_options(),
        ),
        supports_check_mode=True,
    )
    try:
        iam.check_roles(module.params["roles"], module.params["state"])
    except iam.InputError as exc:
        module.fail_json(msg=str(exc))
    module.run_state(Roles(module))


if __name__ == "__main__":
    main()
