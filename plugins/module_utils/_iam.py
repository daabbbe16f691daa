# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The IAM role calls and checks of iam_roles: one small function per boto3 call, a role read once, input checked.

This file is private to this collection (the leading underscore says so): its
interface may change without notice and other collections must not import it.

A role is read with ``GetRole`` (trust policy, description, session duration,
tags), ``ListAttachedRolePolicies``, ``ListRolePolicies`` and one
``GetRolePolicy`` per inline policy, into a flat ``view`` that the module
compares, shows in ``--diff`` and returns.  Policy documents are compared as
parsed JSON with amazon.aws's ``compare_policies`` (key order, a string against
a one-element list, the account ID against its root ARN are no difference).
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import IAMErrors

ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
POLICY_NAME = re.compile(r"^[\w+=,.@-]{1,128}$")
POLICY_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(aws|[0-9]{12}):policy/\S+$")
SESSION_SECONDS = (3600, 43200)
DESCRIPTION_LENGTH = 1000


class InputError(ValueError):
    """An option that IAM would refuse; the message names it."""


@IAMErrors.lookup("get the role")
def get_role(client, name):
    return client.get_role(RoleName=name)["Role"]


@IAMErrors.lookup("list the managed policies of the role", default=[])
def list_attached(client, name):
    pages = client.get_paginator("list_attached_role_policies").paginate(RoleName=name)
    return [policy["PolicyArn"] for page in pages for policy in page.get("AttachedPolicies", [])]


@IAMErrors.lookup("list the inline policies of the role", default=[])
def list_inline(client, name):
    pages = client.get_paginator("list_role_policies").paginate(RoleName=name)
    return [policy for page in pages for policy in page.get("PolicyNames", [])]


@IAMErrors.lookup("get an inline policy of the role")
def get_inline(client, name, policy_name):
    return document(client.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"])


@IAMErrors.call("create the role")
def create_role(client, params):
    return client.create_role(**params)["Role"]


@IAMErrors.call("update the trust policy of the role")
def update_trust(client, name, policy):
    client.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(policy))


@IAMErrors.call("update the role")
def update_role(client, name, changes):
    client.update_role(RoleName=name, **changes)


@IAMErrors.call("attach a managed policy to the role")
def attach_policy(client, name, arn):
    client.attach_role_policy(RoleName=name, PolicyArn=arn)


@IAMErrors.delete("detach a managed policy from the role")
def detach_policy(client, name, arn):
    client.detach_role_policy(RoleName=name, PolicyArn=arn)
    return True


@IAMErrors.call("put an inline policy of the role")
def put_inline(client, name, policy_name, policy):
    client.put_role_policy(RoleName=name, PolicyName=policy_name, PolicyDocument=json.dumps(policy))


@IAMErrors.delete("delete an inline policy of the role")
def delete_inline(client, name, policy_name):
    client.delete_role_policy(RoleName=name, PolicyName=policy_name)
    return True


@IAMErrors.call("tag the role")
def tag_role(client, name, tags):
    client.tag_role(RoleName=name, Tags=[{"Key": key, "Value": value} for key, value in sorted(tags.items())])


@IAMErrors.call("untag the role")
def untag_role(client, name, keys):
    client.untag_role(RoleName=name, TagKeys=sorted(keys))


@IAMErrors.delete("delete the role")
def delete_role(client, name):
    client.delete_role(RoleName=name)
    return True


def document(value):
    """A policy document as a dict: botocore decodes IAM's URL-encoded JSON, but a raw answer may still be text."""
    if isinstance(value, str):
        return json.loads(unquote(value))
    return value


def differs(current, wanted):
    """Whether two policy documents grant something different (None: no document)."""
    if current is None or wanted is None:
        return current is not wanted
    return compare_policies(current, wanted)


def view(role, managed, inline):
    """The flat view of a role read from IAM (GetRole's Role, the attached ARNs, the inline documents by name)."""
    return {
        "arn": role["Arn"],
        "role_id": role.get("RoleId", ""),
        "description": role.get("Description") or "",
        "trust_policy": document(role.get("AssumeRolePolicyDocument")) or {},
        "max_session_duration": role.get("MaxSessionDuration") or SESSION_SECONDS[0],
        "managed_policies": sorted(managed),
        "inline_policies": inline,
        "tags": boto3_tag_list_to_ansible_dict(role.get("Tags") or [], "Key", "Value"),
    }


def read_role(client, name, documents=True, role=None):
    """The view of role ``name`` (None when it does not exist); without ``documents`` inline policies map to None.

    ``role``: GetRole's answer when the caller has it already.
    """
    role = role or get_role(client, name)
    if role is None:
        return None
    managed = list_attached(client, name)
    names = list_inline(client, name)
    inline = {policy: get_inline(client, name, policy) if documents else None for policy in names}
    # A policy deleted between the list and the get is gone: leave it out.
    return view(role, managed, {policy: doc for policy, doc in inline.items() if doc is not None or not documents})


def _policy(value, where):
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise InputError(f"{where} is not valid JSON: {exc}") from None
    if not isinstance(value, dict) or not value.get("Statement"):
        raise InputError(f"{where} must be a policy document (a dict with a non-empty Statement); got {value!r}")
    return value


def check_roles(roles, state):
    """Check the ``roles`` option before any call (inline documents given as JSON text are parsed in place).  Raises InputError."""
    names = [spec["name"] for spec in roles]
    if len(set(names)) != len(names):
        raise InputError(f"roles must have different names; got {', '.join(names)}")
    for spec in roles:
        name = spec["name"]
        if not ROLE_NAME.match(name or ""):
            raise InputError(f"roles[].name must be 1-64 letters, digits or +=,.@_-; got {name!r}")
        if state == "absent" or spec["state"] == "absent":
            continue
        where = f"roles[{name}]"
        if not spec["trust_policy"]:
            raise InputError(f"{where}.trust_policy is required with state=present")
        _policy(spec["trust_policy"], f"{where}.trust_policy")
        if len(spec["description"] or "") > DESCRIPTION_LENGTH:
            raise InputError(f"{where}.description must be at most {DESCRIPTION_LENGTH} characters")
        duration = spec["max_session_duration"]
        if duration is not None and not SESSION_SECONDS[0] <= duration <= SESSION_SECONDS[1]:
            raise InputError(f"{where}.max_session_duration must be {SESSION_SECONDS[0]} to {SESSION_SECONDS[1]} seconds; got {duration}")
        bad = [arn for arn in spec["managed_policies"] or [] if not POLICY_ARN.match(arn)]
        if bad:
            raise InputError(f"{where}.managed_policies must hold policy ARNs (arn:aws:iam::<account or aws>:policy/...); got {bad}")
        for policy_name, policy in (spec["inline_policies"] or {}).items():
            if not POLICY_NAME.match(policy_name):
                raise InputError(f"{where}.inline_policies: {policy_name!r} is not a policy name (1-128 letters, digits or +=,.@_-)")
            spec["inline_policies"][policy_name] = _policy(policy, f"{where}.inline_policies[{policy_name}]")
