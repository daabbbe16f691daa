#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudfront_invalidate
short_description: Invalidate paths of a CloudFront distribution, billed as few paths as possible
version_added: 0.1.0
description:
  - Creates one invalidation of O(paths) on a CloudFront distribution, found by O(distribution_id) or by its
    comment O(distribution_name) (the name the collection's C(jwtpizza.cloud.cloudfront_site_distribution)
    gives it), and optionally waits until CloudFront reports it C(Completed).
  - An empty O(paths) makes no call and reports no change, so the C(invalidation_paths) result of
    M(jwtpizza.cloud.s3_site_sync) can be passed as is, even when the sync changed nothing.
  - CloudFront bills each invalidated path (a wildcard path counts as one); above O(max_paths) paths the module
    invalidates C(/*) instead.
author: jwtpizza.cloud developers (@jwtpizza)
options:
  distribution_id:
    description: ID of the distribution. One of O(distribution_id) and O(distribution_name) is required.
    type: str
  distribution_name:
    description:
      - Comment of the distribution (all distributions are listed, page by page); exactly one must have it.
    type: str
  paths:
    description:
      - Paths to invalidate, each starting with C(/) (one without is given one); duplicates count once.
      - Empty means nothing to invalidate.
    type: list
    elements: str
    required: true
  max_paths:
    description: Above this number of paths, invalidate C(/*) (billed as one path) instead.
    type: int
    default: 15
  caller_reference:
    description:
      - The unique reference of the invalidation request.
      - "CloudFront answers a request whose reference it has already seen with the invalidation it created
        then, and creates nothing. A retried run (a task's C(retries), or a run repeated after an error that
        hid the answer) must therefore send the same reference, so that one invalidation is created and billed
        once; but a later deploy that invalidates the same paths must send a new one, or it gets the old,
        completed invalidation back and the new files stay hidden behind the cache."
      - "When not set: C(jwtpizza.cloud/) followed by a SHA-256 digest of O(reference_seed) and the sorted
        paths actually sent; O(reference_seed) must then be set to something that identifies the deploy (the
        version of the build, a commit, a CI run) and stays the same when the deploy is retried."
    type: str
  reference_seed:
    description:
      - What makes the default O(caller_reference) unique per deploy (see there). Required unless
        O(caller_reference) is set.
    type: str
  wait:
    description: Wait until the invalidation's status is C(Completed) (compared without regard to case).
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait with O(wait=true) before failing.
    type: int
    default: 600
notes:
  - The status is compared without regard to case (C(Completed); older versions of the moto emulator said
    C(COMPLETED)), which is why the module polls instead of using boto3's C(invalidation_completed) waiter.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
attributes:
  check_mode:
    support: full
    description: Reports the paths it would invalidate and creates nothing; RV(invalidation.id) is then empty.
  diff_mode:
    support: full
    description: With C(--diff), shows the paths it invalidates (before is empty).
  idempotent:
    support: partial
    details:
      - An invalidation is an action, not a state - every run with paths reports a change. A retry with the same
        O(caller_reference) creates nothing new on AWS (CloudFront returns the first invalidation).
"""

EXAMPLES = r"""
- name: Invalidate what the frontend sync changed, and wait until it is done
  jwtpizza.cloud.cloudfront_invalidate:
    distribution_name: jwtpizza-prod
    paths: "{{ site_sync.invalidation_paths }}"
    reference_seed: "{{ frontend_version }}"
    wait: true

- name: Invalidate everything with an explicit reference
  jwtpizza.cloud.cloudfront_invalidate:
    distribution_id: E2QWRUHAPOMQZL
    paths: ["/*"]
    caller_reference: "deploy-{{ lookup('ansible.builtin.env', 'GITHUB_RUN_ID') }}"
"""

RETURN = r"""
invalidation:
  description: The invalidation created (or the one CloudFront returned for a reused reference); empty without paths.
  type: dict
  returned: always
  contains:
    id:
      description: ID of the invalidation (empty in check mode).
      type: str
      sample: I2J0I21PCUYOIK
    status:
      description: Its status, C(InProgress) or C(Completed) (empty in check mode).
      type: str
      sample: Completed
    paths:
      description: The paths invalidated, sorted.
      type: list
      elements: str
      sample: [/, /index.html]
    caller_reference:
      description: The reference sent.
      type: str
      sample: jwtpizza.cloud/6f1ed002ab5595859014ebf0951522d9
distribution_id:
  description: ID of the distribution (empty without paths).
  type: str
  returned: always
  sample: E2QWRUHAPOMQZL
path_count:
  description: Number of paths billed (C(/*) counts as one).
  type: int
  returned: always
  sample: 2
fell_back_to_wildcard:
  description: Whether more than O(max_paths) paths were replaced by C(/*).
  type: bool
  returned: always
  sample: false
"""

import hashlib
import json

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _cloudfront as cf
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import CloudFrontErrors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import DiffTracker
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import wait_for

WILDCARD = "/*"
POLL_DELAY = 5


@CloudFrontErrors.call("create the invalidation")
def create_invalidation(client, dist_id, paths, reference):
    batch = {"Paths": {"Quantity": len(paths), "Items": paths}, "CallerReference": reference}
    return client.create_invalidation(DistributionId=dist_id, InvalidationBatch=batch)["Invalidation"]


@CloudFrontErrors.call("read the invalidation")
def get_invalidation(client, dist_id, invalidation_id):
    return client.get_invalidation(DistributionId=dist_id, Id=invalidation_id)["Invalidation"]


def normalize_paths(paths, max_paths):
    """(sorted unique paths to send, whether they fell back to /*)."""
    unique = sorted({path if path.startswith("/") else "/" + path for path in paths})
    if WILDCARD in unique:
        return [WILDCARD], False
    if len(unique) > max_paths:
        return [WILDCARD], True
    return unique, False


def default_reference(seed, paths):
    digest = hashlib.sha256(json.dumps([seed, sorted(paths)]).encode()).hexdigest()[:32]
    return f"{cf.CALLER_REFERENCE_PREFIX}{digest}"


def is_completed(invalidation):
    return (invalidation.get("Status") or "").lower() == "completed"


class InvalidationManager:
    def __init__(self, module, sleep=None):
        self.module = module
        self.params = module.params
        self.sleep = sleep

    def distribution_id(self, client):
        if self.params["distribution_id"]:
            return self.params["distribution_id"]
        name = self.params["distribution_name"]
        matches = [d["Id"] for d in cf.list_distributions(client) if d.get("Comment") == name]
        if len(matches) != 1:
            found = ", ".join(matches) or "none"
            raise JwtPizzaAWSError(message=f"Expected one distribution with the comment {name!r} (distribution_name), found {found}")
        return matches[0]

    def wait(self, client, dist_id, invalidation):
        def probe():
            current = get_invalidation(client, dist_id, invalidation["Id"])
            return is_completed(current), current

        kwargs = {"sleep": self.sleep} if self.sleep else {}
        return wait_for(
            probe,
            self.params["wait_timeout"],
            POLL_DELAY,
            f"invalidation {invalidation['Id']} of distribution {dist_id} to be Completed",
            explain=lambda current: f"its status is still {current.get('Status')!r}",
            **kwargs,
        )

    def ensure_present(self):
        paths, fell_back = normalize_paths(self.params["paths"], self.params["max_paths"])
        result = {"changed": False, "invalidation": {}, "distribution_id": "", "path_count": 0, "fell_back_to_wildcard": False}
        if not paths:
            return result
        reference = self.params["caller_reference"] or default_reference(self.params["reference_seed"], paths)
        client = self.module.client("cloudfront")
        dist_id = self.distribution_id(client)
        view = {"id": "", "status": "", "paths": paths, "caller_reference": reference}
        result.update(changed=True, distribution_id=dist_id, path_count=len(paths), fell_back_to_wildcard=fell_back)
        result["diff"] = DiffTracker.of({}, {"paths": paths})
        if not self.module.check_mode:
            invalidation = create_invalidation(client, dist_id, paths, reference)
            if self.params["wait"] and not is_completed(invalidation):
                invalidation = self.wait(client, dist_id, invalidation)
            view.update(id=invalidation["Id"], status=invalidation.get("Status", ""))
        result["invalidation"] = view
        return result


def main():
    module = JwtPizzaModule(
        argument_spec=dict(
            distribution_id=dict(type="str"),
            distribution_name=dict(type="str"),
            paths=dict(type="list", elements="str", required=True),
            max_paths=dict(type="int", default=15),
            caller_reference=dict(type="str"),
            reference_seed=dict(type="str"),
            wait=dict(type="bool", default=False),
            wait_timeout=dict(type="int", default=600),
        ),
        required_one_of=[("distribution_id", "distribution_name"), ("caller_reference", "reference_seed")],
        mutually_exclusive=[("distribution_id", "distribution_name")],
        supports_check_mode=True,
    )
    if module.params["max_paths"] < 1:
        module.fail_json(msg="max_paths must be at least 1")
    module.run(InvalidationManager(module).ensure_present)


if __name__ == "__main__":
    main()
