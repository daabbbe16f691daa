# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""ECS rollouts of jwtpizza.cloud: the deployment a change starts, when it is done or failed, and why tasks stopped.

This file is private to this collection (the leading underscore says so): its
interface may change without notice and other collections must not import it.

- ``primary_deployment_id`` / ``deployment_of``: the deployment a create or
  update of the service started;
- ``rollout_verdict`` / ``wait_rollout``: when a rollout is done, failed
  (``RolloutFailed``) or still running, shared by the modules that update a
  service;
- for ecs_rollout: ``stopped_task_reasons`` (why the newest stopped tasks of a
  revision stopped) and ``ecr_image`` / ``describe_ecr_image`` (does an image
  exist in ECR).
"""

from __future__ import annotations

import re
import time

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _ecs as ecs
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import ECRErrors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import wait_for

ROLLOUT_DELAY = 10
EVENTS_SHOWN = 5
STOPPED_TASKS_SHOWN = 3
# An image in ECR: <registry>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>(:<tag>|@sha256:<digest>).
ECR_IMAGE = re.compile(
    r"^(?P<registry>\d{12})\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/(?P<repo>[^:@]+)"
    r"(:(?P<tag>[\w.-]+)|@(?P<digest>sha256:[0-9a-f]{64}))$"
)


class RolloutFailed(JwtPizzaAWSError):
    """A rollout failed: its deployment is FAILED or the service went back to another task definition."""


# ---------------------------------------------------------------- deployments


def primary_deployment_id(service):
    """The id of the PRIMARY deployment of a service answer (CreateService/UpdateService), or None."""
    primary = next((d for d in (service or {}).get("deployments") or [] if d.get("status") == "PRIMARY"), None)
    return primary.get("id") if primary else None


def deployment_of(service, task_definition):
    """The id of the PRIMARY deployment of an UpdateService answer when it runs ``task_definition``, else None."""
    primary = next((d for d in (service or {}).get("deployments") or [] if d.get("status") == "PRIMARY"), None)
    return primary.get("id") if primary and primary.get("taskDefinition") == task_definition else None


# ---------------------------------------------------------------- rollout


def latest_events(service):
    """The newest service events (ECS lists them newest first), as one string."""
    events = [e.get("message", "") for e in (service or {}).get("events") or []][:EVENTS_SHOWN]
    return "; ".join(events) if events else "none"


def describe_rollout(service):
    """The state of a service's rollout in words, for a failure or a timeout."""
    service = service or {}
    deployments = ", ".join(
        f"{d.get('id')} {d.get('status')} {d.get('taskDefinition')} rollout {d.get('rolloutState', 'unknown')}"
        for d in service.get("deployments") or []
    )
    return (
        f"service task definition {service.get('taskDefinition')}, running {service.get('runningCount')} of "
        f"{service.get('desiredCount')}; deployments: {deployments or 'none'}; latest events: {latest_events(service)}"
    )


def rollout_verdict(service, task_definition, deployment_id=None):
    """Whether the rollout of ``task_definition`` is done: True (done), False (not yet), or raise (failed).

    Where deployments report ``rolloutState`` (the current ECS API), the deployment this rollout started (by
    ``deployment_id``, else the PRIMARY one whose task definition is ``task_definition``) must be COMPLETED, the
    service must run ``task_definition`` and ``runningCount`` equal ``desiredCount``.  A FAILED deployment, or a
    service gone back to another task definition (circuit-breaker rollback), is a failure naming the latest events.
    Without ``rolloutState`` (older APIs, the emulator), done means one deployment left and running == desired.
    """
    service = service or {}
    deployments = service.get("deployments") or []
    running, desired = service.get("runningCount"), service.get("desiredCount")
    if not any("rolloutState" in d for d in deployments):
        return len(deployments) == 1 and running == desired
    if deployment_id:
        ours = next((d for d in deployments if d.get("id") == deployment_id), None)
    else:
        ours = next(
            (d for d in deployments if d.get("status") == "PRIMARY" and d.get("taskDefinition") == task_definition),
            None,
        )
    name = service.get("serviceName", "")
    if ours is not None and ours.get("rolloutState") == "FAILED":
        reason = ours.get("rolloutStateReason") or "no reason given"
        raise RolloutFailed(
            message=f"Rollout of {task_definition} to service {name} FAILED ({reason}); {describe_rollout(service)}"
        )
    if service.get("taskDefinition") != task_definition:
        raise RolloutFailed(
            message=(
                f"Service {name} went back to task definition {service.get('taskDefinition')} instead of "
                f"{task_definition} (circuit-breaker rollback); {describe_rollout(service)}"
            )
        )
    if ours is None:
        return False
    return ours.get("rolloutState") == "COMPLETED" and running == desired


def wait_rollout(client, cluster, name, task_definition, deployment_id=None, timeout=600, delay=ROLLOUT_DELAY,
                 sleep=time.sleep, clock=time.monotonic):
    """Describe the service until ``rollout_verdict`` says done; returns the service, raises on failure or timeout."""

    def probe():
        service = ecs.describe_service(client, cluster, name)
        if service is None:
            raise JwtPizzaAWSError(message=f"Service {name} of cluster {cluster} disappeared during its rollout")
        return rollout_verdict(service, task_definition, deployment_id), service

    return wait_for(
        probe,
        timeout,
        delay,
        f"service {name} to finish the rollout of {task_definition}",
        explain=describe_rollout,
        sleep=sleep,
        clock=clock,
    )


# ---------------------------------------------------------------- why a rollout failed, which image (ecs_rollout)


def stopped_task_reasons(client, cluster, service, task_definition, limit=STOPPED_TASKS_SHOWN):
    """Why the newest stopped tasks of ``task_definition`` stopped (task and container reasons), as one string."""
    arns = ecs.list_stopped_tasks(client, cluster, service)
    tasks = [t for t in ecs.describe_tasks(client, cluster, arns[:100]) if t.get("taskDefinitionArn") == task_definition] if arns else []
    tasks.sort(key=lambda t: str(t.get("stoppedAt") or t.get("createdAt") or ""), reverse=True)
    reasons = []
    for task in tasks[:limit]:
        containers = [
            f"container {c.get('name')}: {c['reason']}" + (f" (exit code {c['exitCode']})" if c.get("exitCode") is not None else "")
            for c in task.get("containers") or []
            if c.get("reason")
        ]
        text = f"task {task.get('taskArn', '').rsplit('/', 1)[-1]}: {task.get('stoppedReason') or 'no reason given'}"
        reasons.append("; ".join([text, *containers]))
    return " | ".join(reasons) if reasons else "none"


@ECRErrors.call("describe the ECR image")
def describe_ecr_image(client, registry, repository, image_id):
    """The image details of ``image_id`` ({"imageTag": ...} or {"imageDigest": ...}); ECRErrors.is_missing says why not."""
    return client.describe_images(registryId=registry, repositoryName=repository, imageIds=[image_id])["imageDetails"]


def ecr_image(image):
    """(registry, repository, {"imageTag"|"imageDigest": ...}) of an ECR image reference, or None for other images."""
    match = ECR_IMAGE.match(image or "")
    if not match:
        return None
    image_id = {"imageDigest": match["digest"]} if match["digest"] else {"imageTag": match["tag"]}
    return match["registry"], match["repo"], image_id
