# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ECS service of jwtpizza.cloud: its owned fields, the request of ecs_fargate_service, its create/update/delete.

This file is private to this collection (the leading underscore says so): its
interface may change without notice and other collections must not import it.

- ``service_request``: the owned fields (``SERVICE_FIELDS``) the options of
  ecs_fargate_service ask for;
- ``normalise_service``: the owned fields of a described service, where a field
  the read omits stays None (not drift);
- ``Service``: creates the service, updates only the fields that differ (and
  its tags), or scales it to 0, deletes it and waits until it is INACTIVE.
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _ecs as ecs
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import diff_owned
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import wait_for
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ecs_rollout import primary_deployment_id

SERVICE_FIELDS = (
    "taskDefinition",
    "desiredCount",
    "deploymentConfiguration",
    "healthCheckGracePeriodSeconds",
    "networkConfiguration",
    "loadBalancers",
    "propagateTags",
    "enableECSManagedTags",
)
INACTIVE_DELAY = 5


# ---------------------------------------------------------------- owned fields


def service_request(p, task_definition_arn, desired_count):
    """The owned service fields (SERVICE_FIELDS) the options ``p`` ask for; None where a field is not sent."""
    load_balancers = []
    if p["target_group_arn"]:
        load_balancers.append(
            {"targetGroupArn": p["target_group_arn"], "containerName": p["container_name"], "containerPort": p["container_port"]}
        )
    return {
        "taskDefinition": task_definition_arn,
        "desiredCount": desired_count,
        "deploymentConfiguration": {
            "maximumPercent": p["maximum_percent"],
            "minimumHealthyPercent": p["minimum_healthy_percent"],
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        },
        "healthCheckGracePeriodSeconds": p["health_check_grace_period"] if p["target_group_arn"] else None,
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "subnets": sorted(p["subnets"] or []),
                "securityGroups": sorted(p["security_groups"] or []),
                "assignPublicIp": "ENABLED" if p["assign_public_ip"] else "DISABLED",
            }
        },
        "loadBalancers": load_balancers,
        "propagateTags": "SERVICE",
        "enableECSManagedTags": True,
    }


def normalise_deployment_configuration(deployment):
    if not deployment:
        return None
    breaker = deployment.get("deploymentCircuitBreaker") or {"enable": False, "rollback": False}
    return {
        "maximumPercent": deployment.get("maximumPercent"),
        "minimumHealthyPercent": deployment.get("minimumHealthyPercent"),
        "deploymentCircuitBreaker": {"enable": breaker.get("enable"), "rollback": breaker.get("rollback")},
    }


def normalise_load_balancers(items):
    balancers = [
        {
            "targetGroupArn": lb.get("targetGroupArn"),
            "containerName": lb.get("containerName"),
            "containerPort": lb.get("containerPort"),
        }
        for lb in items or []
    ]
    return sorted(balancers, key=lambda lb: lb["targetGroupArn"] or "")


def normalise_service(service):
    """The owned fields of a described service; fields the read omits stay None (not drift)."""
    if not service:
        return {}
    vpc = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    return {
        "taskDefinition": service.get("taskDefinition"),
        "desiredCount": service.get("desiredCount"),
        "deploymentConfiguration": normalise_deployment_configuration(service.get("deploymentConfiguration")),
        "healthCheckGracePeriodSeconds": service.get("healthCheckGracePeriodSeconds"),
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "subnets": sorted(vpc.get("subnets") or []),
                "securityGroups": sorted(vpc.get("securityGroups") or []),
                "assignPublicIp": vpc.get("assignPublicIp", "DISABLED"),
            }
        },
        "loadBalancers": normalise_load_balancers(service.get("loadBalancers")),
        "propagateTags": service.get("propagateTags"),
        "enableECSManagedTags": service.get("enableECSManagedTags"),
    }


# ---------------------------------------------------------------- the service of ecs_fargate_service


class Service:
    """The service ``name`` of ``cluster`` (the options of ecs_fargate_service): created, updated field by field with its
    tags, or scaled to 0, deleted and waited INACTIVE; every change recorded in the context's diff."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.cluster = ctx.p["cluster"]
        self.name = ctx.p["name"]

    def create(self, wanted):
        """Create the service; returns (its ARN, the deployment it started); ("", None) in check mode."""
        ctx = self.ctx
        ctx.diff.add("service", None, wanted)
        if ctx.check_mode:
            return "", None
        request = {k: v for k, v in wanted.items() if v is not None}
        request.update(cluster=self.cluster, serviceName=self.name, launchType="FARGATE", schedulingStrategy="REPLICA")
        if ctx.p["tags"]:
            request["tags"] = ctx.tag_list()
        service = ecs.create_service(ctx.client, request)
        return service["serviceArn"], primary_deployment_id(service)

    def update(self, service, wanted):
        """Update the fields that differ; returns (changed, the deployment the update started or None)."""
        ctx = self.ctx
        changes = diff_owned(wanted, normalise_service(service), SERVICE_FIELDS)
        # A field the read omits (moto stores no deploymentConfiguration or grace period) is not drift.
        changes = {k: v for k, v in changes.items() if v["before"] is not None}
        deployment = None
        if changes:
            ctx.diff.add(
                "service",
                {k: v["before"] for k, v in changes.items()},
                {k: v["after"] for k, v in changes.items()},
            )
            if not ctx.check_mode:
                request = {k: v["after"] for k, v in changes.items()}
                request.update(cluster=self.cluster, service=self.name)
                deployment = primary_deployment_id(ecs.update_service(ctx.client, request))
        tags = boto3_tag_list_to_ansible_dict(service.get("tags") or [], "key", "value")
        tagged = ctx.sync_tags("service", service["serviceArn"], tags)
        return bool(changes) or tagged, deployment

    def delete(self, service):
        """Scale the service to 0, delete it and wait until it is INACTIVE."""
        ctx = self.ctx
        ctx.diff.add("service", {"serviceArn": service["serviceArn"], "desiredCount": service.get("desiredCount")}, None)
        if ctx.check_mode:
            return
        cluster, name = self.cluster, self.name
        if service.get("desiredCount"):
            ecs.update_service(ctx.client, {"cluster": cluster, "service": name, "desiredCount": 0})
        ecs.delete_service(ctx.client, cluster, name)

        def probe():
            current = ecs.describe_service(ctx.client, cluster, name)
            return current is None, current

        wait_for(
            probe,
            ctx.p["wait_timeout"],
            INACTIVE_DELAY,
            f"service {name} to become INACTIVE",
            lambda s: f"status {s.get('status')}, running {s.get('runningCount')}",
        )
