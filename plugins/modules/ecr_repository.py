#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ecr_repository
short_description: Create, update or delete an ECR repository (tag mutability, scan on push, lifecycle policy, tags)
version_added: 0.1.0
description:
  - Creates the private ECR repository I(name) with its tags in the same call, or brings its tag mutability,
    scan on push setting, lifecycle policy and tags to the requested values; with I(state=absent) deletes it.
  - The repository is read once (C(DescribeRepositories), C(ListTagsForResource), C(GetLifecyclePolicy)) and
    compared field by field, so a second run with the same arguments makes no call that writes.
  - Replaces C(community.aws.ecs_ecr), which cannot tag the repository and fails in check mode when it would
    create a repository with a lifecycle policy.
author:
  - jwtpizza.cloud developers (@jwtpizza)
notes:
  - Reads are normalised before the comparison. A missing C(imageTagMutability) counts as C(MUTABLE) and a missing
    C(imageScanningConfiguration) as C(scan_on_push=false) (the AWS defaults; neither AWS nor the moto emulator
    omits them today). A repository without a lifecycle policy (C(LifecyclePolicyNotFoundException)) has
    C(lifecycle_policy={}), and one without tags C(tags={}).
  - Lifecycle policies are compared as parsed JSON with the rules sorted by C(rulePriority), so key order and
    white space never count as a change.
  - A create that ECR refuses with C(RepositoryAlreadyExistsException) (its first try reached ECR and the answer was
    lost, so botocore sent it again; or another run created it meanwhile) reads the repository of that name and
    brings it to the requested settings, reporting a change.
  - With I(state=absent), a repository that still holds images is deleted only with I(force_delete=true);
    otherwise the module fails and says so. A missing repository is not an error (C(changed=false)).
options:
  name:
    description: Name of the repository.
    type: str
    required: true
  state:
    description: C(present) creates or updates the repository, C(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  image_tag_mutability:
    description:
      - C(MUTABLE) lets a tag (C(latest)) move to a new image; C(IMMUTABLE) forbids it.
      - When unset, an existing repository keeps its setting and a new one is C(MUTABLE).
    type: str
    choices: [MUTABLE, IMMUTABLE]
  scan_on_push:
    description:
      - Scan every pushed image for known vulnerabilities.
      - When unset, an existing repository keeps its setting and a new one does not scan.
    type: bool
  lifecycle_policy:
    description:
      - Lifecycle policy document, as a dict or a JSON string.
      - An empty document (C({}) or C("")) removes the policy; when unset, the policy is left as it is.
    type: json
  force_delete:
    description: With I(state=absent), delete the repository even when it still holds images (they are deleted too).
    type: bool
    default: false
attributes:
  check_mode:
    support: partial
    details:
      - A repository still to be created has no ARN, URI nor registry ID in check mode (C(repository) is empty).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
"""

EXAMPLES = r"""
- name: Create the repository of the backend image, tagged, with a lifecycle policy
  jwtpizza.cloud.ecr_repository:
    name: jwt-pizza-dev-service
    image_tag_mutability: MUTABLE
    scan_on_push: true
    lifecycle_policy:
      rules:
        - rulePriority: 1
          description: Expire untagged images one day after push
          selection:
            tagStatus: untagged
            countType: sinceImagePushed
            countUnit: days
            countNumber: 1
          action:
            type: expire
    tags:
      Project: jwt-pizza
      Environment: dev
      ManagedBy: jwtpizza.cloud
  register: ecr

- name: Delete the repository together with its images
  jwtpizza.cloud.ecr_repository:
    name: jwt-pizza-dev-service
    state: absent
    force_delete: true
"""

RETURN = r"""
repository:
  description: The repository after the run (empty when it does not exist, or is still to be created in check mode).
  returned: always
  type: dict
  contains:
    name:
      description: Name of the repository.
      type: str
      sample: jwt-pizza-dev-service
    arn:
      description: ARN of the repository.
      type: str
      sample: arn:aws:ecr:us-west-2:123456789012:repository/jwt-pizza-dev-service
    uri:
      description: URI of the repository, to push and pull images (without tag).
      type: str
      sample: 123456789012.dkr.ecr.us-west-2.amazonaws.com/jwt-pizza-dev-service
    registry_id:
      description: Account ID of the registry that holds the repository.
      type: str
      sample: "123456789012"
    image_tag_mutability:
      description: Tag mutability of the repository.
      type: str
      sample: MUTABLE
    scan_on_push:
      description: Whether pushed images are scanned.
      type: bool
      sample: true
    tags:
      description: Tags of the repository.
      type: dict
      sample:
        Project: jwt-pizza
        Environment: dev
        ManagedBy: jwtpizza.cloud
lifecycle_policy:
  description: The lifecycle policy after the run, parsed (empty when there is none).
  returned: always
  type: dict
  sample:
    rules:
      - rulePriority: 1
        description: Expire untagged images one day after push
        selection:
          tagStatus: untagged
          countType: sinceImagePushed
          countUnit: days
          countNumber: 1
        action:
          type: expire
"""

import json

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import DiffTracker
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import ECRErrors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import diff_owned
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import error_code
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import state_option
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import tag_options

OWNED = ("image_tag_mutability", "scan_on_push", "lifecycle_policy", "tags")


@ECRErrors.lookup("describe repository")
def describe_repository(client, name):
    return next(iter(client.describe_repositories(repositoryNames=[name]).get("repositories", [])), None)


@ECRErrors.lookup("list tags of repository")
def list_tags(client, arn):
    return client.list_tags_for_resource(resourceArn=arn).get("tags", [])


@ECRErrors.lookup("get lifecycle policy of repository")
def get_lifecycle_policy(client, name):
    return client.get_lifecycle_policy(repositoryName=name).get("lifecyclePolicyText")


@ECRErrors.call("create repository")
def create_repository(client, **params):
    return client.create_repository(**params)["repository"]


@ECRErrors.call("put image tag mutability of repository")
def put_image_tag_mutability(client, name, mutability):
    client.put_image_tag_mutability(repositoryName=name, imageTagMutability=mutability)


@ECRErrors.call("put image scanning configuration of repository")
def put_image_scanning_configuration(client, name, scan_on_push):
    client.put_image_scanning_configuration(repositoryName=name, imageScanningConfiguration={"scanOnPush": scan_on_push})


@ECRErrors.call("put lifecycle policy of repository")
def put_lifecycle_policy(client, name, policy):
    client.put_lifecycle_policy(repositoryName=name, lifecyclePolicyText=json.dumps(policy, sort_keys=True))


@ECRErrors.delete("delete lifecycle policy of repository")
def delete_lifecycle_policy(client, name):
    client.delete_lifecycle_policy(repositoryName=name)


@ECRErrors.call("tag repository")
def tag_repository(client, arn, tags):
    client.tag_resource(resourceArn=arn, tags=tags)


@ECRErrors.call("untag repository")
def untag_repository(client, arn, keys):
    client.untag_resource(resourceArn=arn, tagKeys=keys)


@ECRErrors.delete("delete repository")
def delete_repository(client, name, force):
    client.delete_repository(repositoryName=name, force=force)


def parse_policy(value, what="lifecycle_policy"):
    """A lifecycle policy (dict or JSON text) as a dict with its rules sorted by priority; {} for none."""
    if value in (None, ""):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise JwtPizzaAWSError(message=f"{what} is not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise JwtPizzaAWSError(message=f"{what} must be a JSON object, got {type(value).__name__}")
    rules = value.get("rules")
    if isinstance(rules, list):
        # ECR requires a unique integer rulePriority per rule (Lifecycle policy properties, rulePriority).
        priorities = [rule.get("rulePriority") if isinstance(rule, dict) else None for rule in rules]
        if not all(isinstance(p, int) and not isinstance(p, bool) for p in priorities) or len(set(priorities)) < len(rules):
            raise JwtPizzaAWSError(message=f"{what}: every rule needs a unique integer rulePriority; got {priorities}")
        value = dict(value, rules=sorted(rules, key=lambda rule: rule["rulePriority"]))
    return value


def normalise(raw, tags, policy_text):
    """The repository as returned, with what reads may omit filled in (see notes)."""
    return {
        "name": raw["repositoryName"],
        "arn": raw["repositoryArn"],
        "uri": raw.get("repositoryUri", ""),
        "registry_id": raw.get("registryId", ""),
        "image_tag_mutability": raw.get("imageTagMutability") or "MUTABLE",
        "scan_on_push": bool((raw.get("imageScanningConfiguration") or {}).get("scanOnPush", False)),
        "tags": boto3_tag_list_to_ansible_dict(tags or [], "Key", "Value"),
        "lifecycle_policy": parse_policy(policy_text, what="the lifecycle policy read"),
    }


class EcrRepository:
    def __init__(self, module):
        self.module = module
        self.client = module.client("ecr")
        params = module.params
        self.name = params["name"]
        self.desired = {
            "image_tag_mutability": params["image_tag_mutability"],
            "scan_on_push": params["scan_on_push"],
            "lifecycle_policy": params["lifecycle_policy"],  # parsed by ensure_present, where errors are reported
            "tags": params["tags"],
        }
        self.purge_tags = params["purge_tags"]
        self.force_delete = params["force_delete"]

    def result(self, current, changed=False, before=None, after=None):
        current = dict(current or {})
        policy = current.pop("lifecycle_policy", {})
        return {
            "changed": changed,
            "repository": current,
            "lifecycle_policy": policy,
            "diff": DiffTracker.of(before, after),
        }

    def read(self):
        raw = describe_repository(self.client, self.name)
        if raw is None:
            return None
        tags = list_tags(self.client, raw["repositoryArn"])
        policy = get_lifecycle_policy(self.client, self.name)
        return normalise(raw, tags, policy)

    def ensure_present(self):
        if self.desired["lifecycle_policy"] is not None:
            self.desired["lifecycle_policy"] = parse_policy(self.desired["lifecycle_policy"])
        current = self.read()
        if current is None:
            created = self.create()
            if created is not None:
                return created
            # Taken by this very create's first try (its answer was lost and botocore sent it again), or by another run
            # meanwhile: created here, whatever else has to be brought in line.
            current = self.read()
            if current is None:
                raise JwtPizzaAWSError(message=f"ECR says a repository named {self.name} exists, but describes none")
            return dict(self.update(current), changed=True)
        return self.update(current)

    def update(self, current):
        before = {k: current[k] for k in OWNED}
        changes = diff_owned(self.desired, current, OWNED[:3])
        tags_to_set, tags_to_unset = {}, []
        if self.desired["tags"] is not None:
            tags_to_set, tags_to_unset = compare_aws_tags(current["tags"], self.desired["tags"], self.purge_tags)
        after = dict(before, **{k: v["after"] for k, v in changes.items()})
        after["tags"] = {k: v for k, v in {**current["tags"], **tags_to_set}.items() if k not in tags_to_unset}
        changed = bool(changes or tags_to_set or tags_to_unset)
        shown = {**current, **after}
        if not changed or self.module.check_mode:
            return self.result(shown, changed=changed, before=before, after=after)

        if "image_tag_mutability" in changes:
            put_image_tag_mutability(self.client, self.name, after["image_tag_mutability"])
        if "scan_on_push" in changes:
            put_image_scanning_configuration(self.client, self.name, after["scan_on_push"])
        if "lifecycle_policy" in changes:
            if after["lifecycle_policy"]:
                put_lifecycle_policy(self.client, self.name, after["lifecycle_policy"])
            else:
                delete_lifecycle_policy(self.client, self.name)
        if tags_to_unset:
            untag_repository(self.client, current["arn"], tags_to_unset)
        if tags_to_set:
            tag_repository(self.client, current["arn"], ansible_dict_to_boto3_tag_list(tags_to_set, "Key", "Value"))
        return self.result(shown, changed=True, before=before, after=after)

    def create(self):
        """Create the repository; None when ECR refuses its name as taken (the caller reads it)."""
        desired = self.desired
        after = {
            "image_tag_mutability": desired["image_tag_mutability"] or "MUTABLE",
            "scan_on_push": bool(desired["scan_on_push"]),
            "lifecycle_policy": desired["lifecycle_policy"] or {},
            "tags": desired["tags"] or {},
        }
        if self.module.check_mode:
            return self.result({}, changed=True, after=after)
        params = {
            "repositoryName": self.name,
            "imageTagMutability": after["image_tag_mutability"],
            "imageScanningConfiguration": {"scanOnPush": after["scan_on_push"]},
        }
        if after["tags"]:
            params["tags"] = ansible_dict_to_boto3_tag_list(after["tags"], "Key", "Value")
        try:
            raw = create_repository(self.client, **params)
        except JwtPizzaAWSError as exc:
            if error_code(exc) != "RepositoryAlreadyExistsException":
                raise
            return None
        if after["lifecycle_policy"]:
            put_lifecycle_policy(self.client, self.name, after["lifecycle_policy"])
        # The creation's answer and the request are the repository: no read again.
        created = {**normalise(raw, [], None), **after}
        return self.result(created, changed=True, after=after)

    def ensure_absent(self):
        current = self.read()
        if current is None:
            return self.result(None)
        before = {k: current[k] for k in OWNED}
        if not self.module.check_mode:
            try:
                delete_repository(self.client, self.name, self.force_delete)
            except JwtPizzaAWSError as exc:
                if error_code(exc) != "RepositoryNotEmptyException":
                    raise
                raise JwtPizzaAWSError(
                    message=f"ECR repository {self.name} still holds images, not deleted; set force_delete=true to "
                    "delete it together with them"
                ) from exc
        return self.result(None, changed=True, before=before)


def main():
    module = JwtPizzaModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            **state_option(),
            image_tag_mutability=dict(type="str", choices=["MUTABLE", "IMMUTABLE"]),
            scan_on_push=dict(type="bool"),
            lifecycle_policy=dict(type="json"),
            force_delete=dict(type="bool", default=False),
            **tag_options(),
        ),
        supports_check_mode=True,
    )
    repository = EcrRepository(module)
    module.run_state(repository)


if __name__ == "__main__":
    main()
