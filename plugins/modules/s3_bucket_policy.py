#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: s3_bucket_policy
short_description: Set or delete the policy of an existing S3 bucket, reading it once
version_added: 0.1.0
description:
  - Gives the existing bucket O(bucket) the policy O(policy) when its current policy differs (compared as policies,
    not as text; the order of statements and of keys, and a single value against a one-item list, are no
    difference); with O(state=absent) deletes the bucket's policy. A no-change run makes one call, C(GetBucketPolicy).
  - Does not create the bucket (M(amazon.aws.s3_bucket) does); with O(state=present) a missing bucket is an
    error, except in check mode, where it is the bucket the same check run would create first. A missing bucket or
    policy is not an error with O(state=absent).
  - Replaces the second M(amazon.aws.s3_bucket) call of the bucket role, which reads the twelve settings of the bucket
    (acceleration, ACL, encryption, ...) to change only its policy.
author:
  - jwtpizza.cloud developers (@jwtpizza)
options:
  bucket:
    description: Name of the bucket.
    type: str
    required: true
  policy:
    description:
      - The bucket policy, as a dict or a JSON string.
      - Required with O(state=present).
    type: json
  state:
    description: C(present) sets the policy, C(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
"""

EXAMPLES = r"""
- name: Let only one CloudFront distribution read the objects
  jwtpizza.cloud.s3_bucket_policy:
    bucket: jwt-pizza-dev-frontend
    policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal:
            Service: cloudfront.amazonaws.com
          Action: s3:GetObject
          Resource: arn:aws:s3:::jwt-pizza-dev-frontend/*
          Condition:
            StringEquals:
              AWS:SourceArn: arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE

- name: Delete the bucket policy
  jwtpizza.cloud.s3_bucket_policy:
    bucket: jwt-pizza-dev-frontend
    state: absent
"""

RETURN = r"""
policy:
  description: The bucket's policy after the run (in check mode, the policy it would have); empty when it has none.
  returned: always
  type: dict
  sample:
    Version: "2012-10-17"
    Statement: []
"""

import json

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import DiffTracker
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import S3Errors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import state_option


@S3Errors.call("read the bucket policy")
def get_bucket_policy(client, bucket):
    """The bucket's policy (a dict), {} when it has none (NoSuchBucketPolicy), None when the bucket does not exist."""
    try:
        return json.loads(client.get_bucket_policy(Bucket=bucket)["Policy"])
    except is_boto3_error_code("NoSuchBucketPolicy"):
        return {}
    except is_boto3_error_code("NoSuchBucket"):  # pylint: disable=duplicate-except
        return None


@S3Errors.call("write the bucket policy")
def put_bucket_policy(client, bucket, policy):
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))


@S3Errors.delete("delete the bucket policy")
def delete_bucket_policy(client, bucket):
    client.delete_bucket_policy(Bucket=bucket)
    return True


class BucketPolicy:
    def __init__(self, module):
        self.module = module
        self.bucket = module.params["bucket"]
        self.client = module.client("s3")
        self.diff = DiffTracker()

    def ensure_present(self):
        wanted = self.module.params["policy"]
        wanted = json.loads(wanted) if isinstance(wanted, str) else wanted
        current = get_bucket_policy(self.client, self.bucket)
        if current is None and not self.module.check_mode:
            self.module.fail_json(msg=f"bucket {self.bucket} does not exist: create it before its policy")
        if current and not compare_policies(current, wanted):
            return {"changed": False, "policy": current}
        self.diff.add("policy", current or {}, wanted)
        if not self.module.check_mode:
            put_bucket_policy(self.client, self.bucket, wanted)
        return {"changed": True, "policy": wanted, "diff": self.diff}

    def ensure_absent(self):
        current = get_bucket_policy(self.client, self.bucket)
        if not current:
            return {"changed": False, "policy": {}}
        self.diff.add("policy", current, {})
        # A bucket deleted since the read leaves nothing for this run to change.
        changed = self.module.check_mode or delete_bucket_policy(self.client, self.bucket)
        return {"changed": changed, "policy": {}, "diff": self.diff}


def main():
    module = JwtPizzaModule(
        argument_spec=dict(
            bucket=dict(type="str", required=True),
            policy=dict(type="json"),
            **state_option(),
        ),
        required_if=[("state", "present", ["policy"])],
        supports_check_mode=True,
    )
    module.run_state(BucketPolicy(module))


if __name__ == "__main__":
    main()
