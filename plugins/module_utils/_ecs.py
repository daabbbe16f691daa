# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""ECS helpers of jwtpizza.cloud: the ECS calls, and what the ECS resources of one module run share.

This file is private to this collection (the leading underscore says so): its
interface may change without notice and other collections must not import it.

- one small function per ECS call, under ``ECSErrors`` (whose catch-all
  ``ClientException`` is never read as "missing");
- ``found``: the items of a describe-style answer, where ECS reports a missing
  resource as a ``failures`` item with reason ``MISSING``;
- ``EcsContext``: the client, options, check mode and diff that the task
  definition family and the service of ecs_fargate_service share, and the tag
  sync of both (tags under ``TAG_NAMESPACE`` are never purged);
- the service tag ``PREVIOUS_TASK_DEFINITION_TAG`` of ecs_rollout.

The pieces built on them, one file per resource: ``_ecs_task_definition``
(task definitions), ``_ecs_service`` (the service) and ``_ecs_rollout`` (the
deployment a change starts, its verdict and wait).
"""

from __future__ import annotations

import re

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import ECSErrors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError

# The service tag in which ecs_rollout records the task definition that ran before its last rollout; tags under
# TAG_NAMESPACE belong to this collection's deploy tools, and ecs_fargate_service never purges them.
TAG_NAMESPACE = "jwtpizza.cloud:"
PREVIOUS_TASK_DEFINITION_TAG = TAG_NAMESPACE + "previous-task-definition"


# ---------------------------------------------------------------- AWS calls


def found(response, key, what):
    """The items ``response[key]`` of a describe-style answer; a ``failures`` item other than MISSING is an error."""
    failures = [f for f in response.get("failures") or [] if f.get("reason") != "MISSING"]
    if failures:
        reasons = "; ".join(f"{f.get('arn')}: {f.get('reason')} {f.get('detail') or ''}".strip() for f in failures)
        raise JwtPizzaAWSError(message=f"Failed to describe {what}: {reasons}")
    return response.get(key) or []


@ECSErrors.call("list the task definitions")
def list_task_definitions(client, family, status="ACTIVE"):
    """ARNs of the revisions of exactly ``family`` (familyPrefix also matches longer families) in ``status``, oldest
    first."""
    paginator = client.get_paginator("list_task_definitions")
    arns = paginator.paginate(familyPrefix=family, status=status).build_full_result()["taskDefinitionArns"]
    suffix = re.compile(r"task-definition/" + re.escape(family) + r":(\d+)$")
    ours = [(int(m.group(1)), arn) for arn in arns if (m := suffix.search(arn))]
    return [arn for _revision, arn in sorted(ours)]


@ECSErrors.call("describe the task definition")
def describe_task_definition(client, arn):
    return client.describe_task_definition(taskDefinition=arn, include=["TAGS"])


@ECSErrors.call("register the task definition")
def register_task_definition(client, definition):
    return client.register_task_definition(**definition)["taskDefinition"]


@ECSErrors.delete("deregister the task definition")
def deregister_task_definition(client, arn):
    client.deregister_task_definition(taskDefinition=arn)
    return True


def gone(failure):
    """Whether a DeleteTaskDefinitions failure says the revision does not exist (reason MISSING, or "The specified task
    definition does not exist. ...")."""
    reason = failure.get("reason") or ""
    return reason == "MISSING" or "does not exist" in reason


@ECSErrors.call("delete the task definitions")
def delete_task_definitions(client, arns):
    """Delete INACTIVE revisions, at most 10 per call (DeleteTaskDefinitions' limit); a deregistered revision stays
    listed, tagged and billed against the account's quota until it is deleted.  A revision that does not exist (any
    more: a retried call whose first try deleted it) is no failure."""
    for start in range(0, len(arns), 10):
        answer = client.delete_task_definitions(taskDefinitions=arns[start:start + 10])
        failures = [f for f in answer.get("failures") or [] if not gone(f)]
        if failures:
            reasons = "; ".join(f"{f.get('arn')}: {f.get('reason')} {f.get('detail') or ''}".strip() for f in failures)
            raise JwtPizzaAWSError(message=f"Failed to delete the task definitions: {reasons}")


@ECSErrors.lookup("describe the service")
def describe_service(client, cluster, name):
    """The service (with tags), or None when it or its cluster does not exist or it is INACTIVE (deleted)."""
    response = client.describe_services(cluster=cluster, services=[name], include=["TAGS"])
    services = found(response, "services", f"service {name} of cluster {cluster}")
    return next((s for s in services if s.get("status") != "INACTIVE"), None)


@ECSErrors.call("create the service")
def create_service(client, request):
    return client.create_service(**request)["service"]


@ECSErrors.call("update the service")
def update_service(client, request):
    return client.update_service(**request)["service"]


@ECSErrors.delete("delete the service")
def delete_service(client, cluster, name):
    client.delete_service(cluster=cluster, service=name)
    return True


@ECSErrors.call("list the stopped tasks of the service")
def list_stopped_tasks(client, cluster, service):
    return client.list_tasks(cluster=cluster, serviceName=service, desiredStatus="STOPPED", maxResults=100)["taskArns"]


@ECSErrors.call("describe the stopped tasks")
def describe_tasks(client, cluster, arns):
    return found(client.describe_tasks(cluster=cluster, tasks=arns), "tasks", "the stopped tasks")


@ECSErrors.call("tag the ECS resource")
def tag_resource(client, arn, tags):
    client.tag_resource(resourceArn=arn, tags=ansible_dict_to_boto3_tag_list(tags, "key", "value"))


@ECSErrors.call("untag the ECS resource")
def untag_resource(client, arn, keys):
    client.untag_resource(resourceArn=arn, tagKeys=keys)


# ---------------------------------------------------------------- shared context


class EcsContext:
    """What the ECS resources of one run share (as ``Network`` does for EC2): the module and its options (with
    ``tags``/``purge_tags``), the ECS client and the DiffTracker of ``--diff``."""

    def __init__(self, module, diff):
        self.module = module
        self.p = module.params
        self.client = module.client("ecs")
        self.diff = diff

    @property
    def check_mode(self):
        return self.module.check_mode

    def tag_list(self):
        return ansible_dict_to_boto3_tag_list(self.p["tags"], "key", "value")

    def sync_tags(self, kind, arn, current_tags):
        """Bring the tags of the resource to ``tags`` (purging others with purge_tags); True when they changed."""
        tags = self.p["tags"]
        if tags is None:
            return False
        # Tags of the deploy tools (ecs_rollout's rollback record) are not this module's to purge.
        current_tags = {k: v for k, v in current_tags.items() if not k.startswith(TAG_NAMESPACE)}
        to_set, to_remove = compare_aws_tags(current_tags, tags, purge_tags=self.p["purge_tags"])
        if not (to_set or to_remove):
            return False
        after = {k: v for k, v in {**current_tags, **to_set}.items() if k not in to_remove}
        self.diff.add(f"{kind}_tags", current_tags, after)
        if not self.check_mode:
            if to_set:
                tag_resource(self.client, arn, to_set)
            if to_remove:
                untag_resource(self.client, arn, to_remove)
        return True
