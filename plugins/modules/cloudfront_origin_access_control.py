#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudfront_origin_access_control
short_description: Manage a CloudFront Origin Access Control
version_added: 0.1.0
description:
  - Creates, updates and deletes a CloudFront Origin Access Control (OAC), with which CloudFront signs its
    requests to a private origin such as an S3 bucket.
  - The OAC is identified by O(name), which CloudFront keeps unique in an account.
  - A create that CloudFront refuses with C(OriginAccessControlAlreadyExists) (its first try reached CloudFront
    and the answer was lost, so botocore sent it again; or another run created it meanwhile) reads the control of
    that name and brings it to the requested settings, reporting a change.
author: jwtpizza.cloud developers (@jwtpizza)
options:
  name:
    description: Name of the origin access control, unique in the account (at most 64 characters).
    type: str
    required: true
  description:
    description:
      - Description of the origin access control.
      - When not set, a new OAC gets an empty description and an existing one keeps its own.
    type: str
  origin_type:
    description: Type of origin the OAC signs requests to.
    type: str
    default: s3
    choices: [s3, mediastore, mediapackagev2, lambda]
  signing_behavior:
    description:
      - V(always) signs every origin request (the setting for a private S3 bucket), V(never) signs none,
        V(no-override) signs only requests without an C(Authorization) header.
    type: str
    default: always
    choices: [always, never, no-override]
  signing_protocol:
    description: Signing protocol.
    type: str
    default: sigv4
    choices: [sigv4]
  state:
    description:
      - V(present) creates or updates the OAC, V(absent) deletes it.
      - CloudFront refuses to delete an OAC that a distribution still uses; delete the distribution first.
        Just after that distribution is deleted CloudFront may still answer C(OriginAccessControlInUse) (or
        C(PreconditionFailed) when the ETag moved); the delete is then retried, with the ETag read again, for up
        to O(wait_timeout) seconds, and the failure names the last answer.
    type: str
    default: present
    choices: [present, absent]
  wait_timeout:
    description: Seconds O(state=absent) retries a delete that CloudFront refuses as described in O(state).
    type: int
    default: 600
notes:
  - "Only the name, description (when set), origin type, signing behaviour and signing protocol are compared.
    An empty description may be missing from a read (the emulator omits it); it counts as empty."
attributes:
  check_mode:
    support: partial
    details:
      - An OAC still to be created has no ID in check mode (C(origin_access_control) is empty).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
"""

EXAMPLES = r"""
- name: Let CloudFront sign its requests to the frontend bucket
  jwtpizza.cloud.cloudfront_origin_access_control:
    name: jwtpizza-prod-frontend
    description: CloudFront access to the jwtpizza-prod frontend bucket
  register: oac

- name: Delete the origin access control
  jwtpizza.cloud.cloudfront_origin_access_control:
    name: jwtpizza-prod-frontend
    state: absent
"""

RETURN = r"""
origin_access_control:
  description: The origin access control; empty when O(state=absent) or when check mode would create it.
  type: dict
  returned: always
  contains:
    id:
      description: ID of the origin access control, for the distribution's origin.
      type: str
      sample: E2QWRUHAPOMQZL
    name:
      description: Its name.
      type: str
      sample: jwtpizza-prod-frontend
    description:
      description: Its description.
      type: str
      sample: CloudFront access to the jwtpizza-prod frontend bucket
    origin_type:
      description: Type of origin.
      type: str
      sample: s3
    signing_behavior:
      description: Signing behaviour.
      type: str
      sample: always
    signing_protocol:
      description: Signing protocol.
      type: str
      sample: sigv4
    etag:
      description: Current ETag, returned after a write (a read-only run does not fetch it).
      type: str
      sample: E2QWRUHEXAMPLE
      returned: when the module wrote the OAC
"""

import time

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _cloudfront as cf
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import DiffTracker
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import diff_owned
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import error_code
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import state_option

FIELDS = ("name", "description", "origin_type", "signing_behavior", "signing_protocol")


def _view(item):
    """The compared fields of an OAC summary or config; a missing description counts as empty."""
    return {
        "name": item.get("Name"),
        "description": item.get("Description") or "",
        "origin_type": item.get("OriginAccessControlOriginType"),
        "signing_behavior": item.get("SigningBehavior"),
        "signing_protocol": item.get("SigningProtocol"),
    }


def _config(view):
    return {
        "Name": view["name"],
        "Description": view["description"] or "",
        "SigningProtocol": view["signing_protocol"],
        "SigningBehavior": view["signing_behavior"],
        "OriginAccessControlOriginType": view["origin_type"],
    }


class OriginAccessControlManager:
    sleep = staticmethod(time.sleep)
    clock = staticmethod(time.monotonic)
    poll_delay = 15

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.client = module.client("cloudfront")

    def find(self):
        """The summary of the OAC named ``name``, or None."""
        name = self.params["name"]
        matches = [x for x in cf.list_origin_access_controls(self.client) if x.get("Name") == name]
        if len(matches) > 1:
            ids = ", ".join(x["Id"] for x in matches)
            raise JwtPizzaAWSError(message=f"Several origin access controls are named {name!r}: {ids}")
        return matches[0] if matches else None

    def desired(self):
        return {
            "name": self.params["name"],
            "description": self.params["description"],
            "origin_type": self.params["origin_type"],
            "signing_behavior": self.params["signing_behavior"],
            "signing_protocol": self.params["signing_protocol"],
        }

    @staticmethod
    def result(oac_id, view, etag=None):
        out = dict(view, id=oac_id)
        if etag:
            out["etag"] = etag
        return out

    def create(self, desired):
        """Create the control; None when CloudFront refuses its name as taken (the first try of this very create
        reached CloudFront and its answer was lost, or another run created it meanwhile): the caller reads it."""
        after = dict(desired, description=desired["description"] or "")
        try:
            created = cf.create_origin_access_control(self.client, _config(after))
        except JwtPizzaAWSError as exc:
            if error_code(exc) != "OriginAccessControlAlreadyExists":
                raise
            return None
        oac = created["OriginAccessControl"]
        view = _view(oac["OriginAccessControlConfig"])
        return {"changed": True, "origin_access_control": self.result(oac["Id"], view, created["ETag"]),
                "diff": DiffTracker.of({}, after)}

    def ensure_present(self):
        desired = self.desired()
        found = self.find()
        if found is None:
            if self.module.check_mode:
                after = dict(desired, description=desired["description"] or "")
                return {"changed": True, "origin_access_control": {}, "diff": DiffTracker.of({}, after)}
            created = self.create(desired)
            if created is not None:
                return created
            found = self.find()
            if found is None:
                raise JwtPizzaAWSError(message=f"CloudFront says an origin access control named {desired['name']!r} "
                                               "exists, but none is listed")
            # Taken by this run's own first try: created here, whatever else has to be brought in line.
            return dict(self.update(desired, found), changed=True)
        return self.update(desired, found)

    def update(self, desired, found):
        current = _view(found)
        changes = diff_owned(desired, current, FIELDS)
        after = dict(current, **{k: v["after"] for k, v in changes.items()})
        diff = DiffTracker.of(current, after)
        if not changes or self.module.check_mode:
            return {"changed": bool(changes), "origin_access_control": self.result(found["Id"], current), "diff": diff}
        read = cf.get_origin_access_control(self.client, found["Id"])
        if read is None:
            raise JwtPizzaAWSError(message=f"Origin access control {found['Id']} vanished while being updated")
        updated = cf.update_origin_access_control(self.client, found["Id"], _config(after), read["ETag"])
        view = _view(updated["OriginAccessControl"]["OriginAccessControlConfig"])
        return {"changed": True, "origin_access_control": self.result(found["Id"], view, updated["ETag"]), "diff": diff}

    def ensure_absent(self):
        found = self.find()
        if found is None:
            return {"changed": False, "origin_access_control": {}, "diff": DiffTracker.of({}, {})}
        diff = DiffTracker.of(_view(found), {})
        if not self.module.check_mode:
            oac_id = found["Id"]
            cf.delete_retrying(
                lambda: (cf.get_origin_access_control(self.client, oac_id) or {}).get("ETag"),
                lambda etag: cf.delete_origin_access_control(self.client, oac_id, etag),
                cf.ORIGIN_ACCESS_CONTROL_NOT_YET,
                self.params["wait_timeout"],
                self.poll_delay,
                f"origin access control {oac_id} ({found.get('Name')})",
                sleep=self.sleep,
                clock=self.clock,
            )
        return {"changed": True, "origin_access_control": {}, "diff": diff}


def main():
    module = JwtPizzaModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            description=dict(type="str"),
            origin_type=dict(type="str", default="s3", choices=["s3", "mediastore", "mediapackagev2", "lambda"]),
            signing_behavior=dict(type="str", default="always", choices=["always", "never", "no-override"]),
            signing_protocol=dict(type="str", default="sigv4", choices=["sigv4"]),
            **state_option(),
            wait_timeout=dict(type="int", default=600),
        ),
        supports_check_mode=True,
    )
    if len(module.params["name"]) > 64:
        module.fail_json(msg="name must be at most 64 characters")
    manager = OriginAccessControlManager(module)
    module.run_state(manager)


if __name__ == "__main__":
    main()
