#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ecs_rollout
short_description: Deploy an image to an existing ECS service, force a redeployment or roll back, and wait for it
version_added: 0.1.0
description:
  - Rolls out a new image (or a forced redeployment, or a rollback) to an ECS service that already exists, and waits
    until ECS reports the rollout done.
  - "With I(image): registers a new revision of the task definition the service runs now (DescribeServices, then
    DescribeTaskDefinition with its tags), in which only the image (and I(environment)) of one container changed.
    The request is built from the described revision, keeping only the fields that C(RegisterTaskDefinition)
    accepts according to botocore's service model (read at run time), so read-only fields are never sent; the tags
    of the revision are kept. When the running revision already has that image and environment, nothing is
    registered and nothing updated. Identical revisions that a retried register left (its answer was lost, botocore
    sent it again) are deregistered and deleted but the first, as in M(jwtpizza.cloud.ecs_fargate_service)."
  - With I(force_new_deployment=true), the service is redeployed (new tasks) with the revision it runs, or with a new
    revision when I(environment) changes it.
  - "Rollback: after every rollout that changes the task definition, the module records the task definition that ran
    before it in the service tag C(jwtpizza.cloud:previous-task-definition) (with I(wait=true) only once the rollout
    succeeded). I(rollback=true) puts the service back on that task definition, waits the same way, and swaps the tag,
    so that a second rollback returns to the newer revision. It fails when no tag was recorded or when the recorded
    revision is no longer C(ACTIVE)."
  - "Waiting (I(wait=true)): success means that the deployment this update started (the PRIMARY deployment of the
    update's answer that runs the new task definition, matched by id) has C(rolloutState) C(COMPLETED), that the
    service runs the new task definition and that its running count equals its desired count. A C(FAILED)
    deployment, a service back on another task definition (the circuit breaker's rollback) and a timeout fail the
    module with the latest service events and the reasons why the newest stopped tasks of the new task definition
    stopped. Without C(rolloutState) (older API answers), done means one deployment left and running equal to
    desired."
  - I(minimum_desired_count) raises the desired count of the service to at least that number (the first deploy of
    a service bootstrapped with 0 tasks); it never lowers it, since Application Auto Scaling owns the count.
author:
  - jwtpizza.cloud developers (@jwtpizza)
options:
  cluster:
    description: Name or ARN of the ECS cluster.
    type: str
    required: true
  service:
    description: Name of the service, which must exist.
    type: str
    required: true
  image:
    description:
      - Full image reference to deploy, C(<repository uri>:<tag>) or C(<repository uri>@sha256:<digest>).
      - Exactly one of I(image), I(force_new_deployment=true) and I(rollback=true) is required.
    type: str
  force_new_deployment:
    description: Redeploy the task definition the service runs (new tasks, same image).
    type: bool
    default: false
  rollback:
    description: Put the service back on the task definition recorded in its C(jwtpizza.cloud:previous-task-definition) tag.
    type: bool
    default: false
  container_name:
    description:
      - Container whose image is replaced (and whose image is reported). Defaults to the only container of the task
        definition; with several containers the module fails, listing them.
    type: str
  environment:
    description:
      - Environment variables merged into the container's environment (a name given here replaces the one there).
      - Not with I(rollback).
    type: dict
  check_image:
    description:
      - When I(image) is in ECR, check with C(DescribeImages) before any write that its tag or digest exists, and fail
        naming the tag and the repository otherwise.
    type: bool
    default: true
  minimum_desired_count:
    description: Raise the desired count of the service to at least this many tasks; a higher count is kept.
    type: int
  wait:
    description: Wait until the rollout is done (see the description); without it the module returns after the update.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for the rollout.
    type: int
    default: 900
  delay:
    description: Seconds between two reads of the service while waiting.
    type: int
    default: 10
attributes:
  check_mode:
    support: full
    details:
      - A check run writes nothing; the diff shows the image, environment, task definition and desired count before
        and after, the new revision being named C(<family>:<revision>).
  diff_mode:
    support: full
  idempotent:
    support: partial
    details:
      - Deploying the image and environment the service runs already changes nothing.
      - I(force_new_deployment=true) and I(rollback=true) start a deployment on every run.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
"""

EXAMPLES = r"""
- name: Deploy the image CI pushed and raise the service from its bootstrap count of 0
  jwtpizza.cloud.ecs_rollout:
    cluster: jwt-pizza-dev-cluster
    service: jwt-pizza-dev-service
    image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/jwt-pizza-service:3f2c1ab
    minimum_desired_count: 1
    wait_timeout: 600
  register: deployed

- name: Redeploy the running revision with a changed setting
  jwtpizza.cloud.ecs_rollout:
    cluster: jwt-pizza-dev-cluster
    service: jwt-pizza-dev-service
    force_new_deployment: true
    environment:
      LOG_LEVEL: debug

- name: Go back to the task definition that ran before the last rollout
  jwtpizza.cloud.ecs_rollout:
    cluster: jwt-pizza-dev-cluster
    service: jwt-pizza-dev-service
    rollback: true
"""

RETURN = r"""
deployment_id:
  description: Id of the deployment this run started (of the service's PRIMARY deployment when nothing changed).
  returned: always
  type: str
  sample: ecs-svc/4875513657416826741
task_definition_arn:
  description: Task definition the service runs after this run (in check mode, the one it runs now).
  returned: always
  type: str
  sample: arn:aws:ecs:us-east-1:123456789012:task-definition/jwt-pizza-dev-service:4
previous_task_definition_arn:
  description: Task definition recorded for a rollback (the one that ran before the last rollout); empty when none.
  returned: always
  type: str
  sample: arn:aws:ecs:us-east-1:123456789012:task-definition/jwt-pizza-dev-service:3
image:
  description: Image of the container after this run.
  returned: always
  type: str
  sample: 123456789012.dkr.ecr.us-east-1.amazonaws.com/jwt-pizza-service:3f2c1ab
rollout_state:
  description: C(rolloutState) of the deployment (C(COMPLETED) after a successful wait); empty when ECS reports none.
  returned: always
  type: str
  sample: COMPLETED
duration:
  description: Seconds from the update of the service to the end of the wait (0 when nothing was updated).
  returned: always
  type: float
  sample: 74.2
events:
  description: The five latest service events, newest first.
  returned: always
  type: list
  elements: str
  sample: ["(service jwt-pizza-dev-service) has reached a steady state."]
desired_count:
  description: Desired count of the service after this run.
  returned: always
  type: int
  sample: 1
running_count:
  description: Running count of the service at the end of this run.
  returned: always
  type: int
  sample: 1
"""

import time

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _ecs as ecs
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import DiffTracker
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaTimeout
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import error_code
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ecs_rollout import EVENTS_SHOWN
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ecs_rollout import RolloutFailed
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ecs_rollout import deployment_of
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ecs_rollout import describe_ecr_image
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ecs_rollout import ecr_image
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ecs_rollout import stopped_task_reasons
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ecs_rollout import wait_rollout
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ecs_task_definition import environment_dict
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ecs_task_definition import pick_container
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ecs_task_definition import register_once
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ecs_task_definition import revision_request
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ecs_task_definition import with_container

MODES = ("image", "force_new_deployment", "rollback")


class Rollout:
    """One rollout of an existing service: a new revision (image/environment), a forced redeployment or a rollback."""

    def __init__(self, module):
        self.module = module
        self.p = module.params
        self.ecs = module.client("ecs")
        self.cluster = self.p["cluster"]
        self.name = self.p["service"]
        self.diff = DiffTracker()

    # ------------------------------------------------------------ reads and checks

    def check_options(self):
        chosen = [name for name in MODES if self.p[name]]
        if len(chosen) != 1:
            self.module.fail_json(
                msg=f"exactly one of image, force_new_deployment=true and rollback=true is required; got {chosen or 'none'}"
            )
        if self.p["rollback"] and self.p["environment"]:
            self.module.fail_json(msg="environment cannot be combined with rollback=true")

    def check_image(self, image):
        """Fail before any write when an ECR image's tag or digest does not exist."""
        reference = ecr_image(image)
        if not reference or not self.p["check_image"]:
            return
        registry, repository, image_id = reference
        wanted = image_id.get("imageTag") or image_id.get("imageDigest")
        try:
            found = describe_ecr_image(self.module.client("ecr"), registry, repository, image_id)
        except JwtPizzaAWSError as exc:
            if error_code(exc) == "RepositoryNotFoundException":
                message = f"Cannot deploy {image}: ECR repository {repository} of registry {registry} does not exist"
                raise JwtPizzaAWSError(message=message) from None
            if error_code(exc) != "ImageNotFoundException":
                raise
            found = []
        if not found:
            raise JwtPizzaAWSError(message=f"Cannot deploy {image}: ECR repository {repository} has no image {wanted}")

    def describe(self):
        """(service, its task definition, that revision's tags, the recorded previous task definition ARN)."""
        service = ecs.describe_service(self.ecs, self.cluster, self.name)
        if service is None:
            raise JwtPizzaAWSError(message=f"Service {self.name} of cluster {self.cluster} does not exist: create it first (site.yml)")
        answer = ecs.describe_task_definition(self.ecs, service["taskDefinition"])
        tags = {t["key"]: t["value"] for t in service.get("tags") or []}
        return service, answer["taskDefinition"], answer.get("tags") or [], tags.get(ecs.PREVIOUS_TASK_DEFINITION_TAG, "")

    def desired_count(self, service):
        """The current desired count, raised to minimum_desired_count (never lowered)."""
        have = service.get("desiredCount") or 0
        floor = self.p["minimum_desired_count"]
        return have if floor is None else max(have, floor)

    def stopped(self, task_definition):
        try:
            return stopped_task_reasons(self.ecs, self.cluster, self.name, task_definition)
        except JwtPizzaAWSError as exc:
            return f"could not be listed ({exc})"

    # ------------------------------------------------------------ plans

    def ensure(self):
        self.check_options()
        service, current, tags, previous = self.describe()
        desired = self.desired_count(service)
        container = pick_container(current, self.p["container_name"])
        if self.p["rollback"]:
            return self.roll_back(service, current, container, previous, desired)
        image = self.p["image"] or container["image"]
        before = environment_dict(container)
        after = {**before, **{k: str(v) for k, v in (self.p["environment"] or {}).items()}}
        if self.p["image"]:
            self.check_image(image)
        self.diff.add("image", container["image"], image)
        self.diff.add("environment", before, after)
        register = image != container["image"] or after != before
        forced = self.p["force_new_deployment"]
        if not (register or forced or desired != service.get("desiredCount")):
            return self.result(service, False, image, previous)
        target = current["taskDefinitionArn"]
        if register:
            target = f"{current['family']}:{current['revision'] + 1}"
        if self.module.check_mode:
            return self.planned(service, target, desired, image, previous)
        if register:
            definition = with_container(current, container["name"], image, after)
            target = register_once(self.ecs, revision_request(self.ecs, definition, tags), current["revision"])
        recorded = current["taskDefinitionArn"] if register else previous
        return self.roll_out(service, target, desired, image, previous, recorded, forced)

    def roll_back(self, service, current, container, previous, desired):
        tag = ecs.PREVIOUS_TASK_DEFINITION_TAG
        if not previous:
            raise JwtPizzaAWSError(
                message=f"Service {self.name} has no tag {tag}: no rollout of ecs_rollout recorded a task definition to roll back to"
            )
        if previous == current["taskDefinitionArn"]:
            return self.result(service, False, container["image"], previous)
        target = ecs.describe_task_definition(self.ecs, previous)["taskDefinition"]
        if target.get("status") != "ACTIVE":
            raise JwtPizzaAWSError(message=f"Cannot roll back service {self.name} to {previous}: it is {target.get('status')}")
        then = pick_container(target, container["name"])
        self.diff.add("image", container["image"], then["image"])
        self.diff.add("environment", environment_dict(container), environment_dict(then))
        if self.module.check_mode:
            return self.planned(service, previous, desired, then["image"], current["taskDefinitionArn"])
        return self.roll_out(service, previous, desired, then["image"], previous, current["taskDefinitionArn"], False)

    def planned(self, service, target, desired, image, previous):
        """The check-mode answer: what would change, nothing written."""
        self.diff.add("task_definition", service["taskDefinition"], target)
        self.diff.add("desired_count", service.get("desiredCount"), desired)
        out = self.result(service, True, image, previous)
        out["desired_count"] = desired
        return out

    # ------------------------------------------------------------ writes

    def roll_out(self, service, target, desired, image, previous, recorded, forced):
        """Update the service to ``target``, wait for the rollout, then record ``recorded`` as the previous revision."""
        self.diff.add("task_definition", service["taskDefinition"], target)
        self.diff.add("desired_count", service.get("desiredCount"), desired)
        request = {"cluster": self.cluster, "service": self.name, "taskDefinition": target}
        if desired != service.get("desiredCount"):
            request["desiredCount"] = desired
        if forced:
            request["forceNewDeployment"] = True
        started = time.monotonic()
        updated = ecs.update_service(self.ecs, request)
        deployment = deployment_of(updated, target)
        if self.p["wait"]:
            updated = self.wait(target, deployment)
        if recorded and recorded != previous:
            ecs.tag_resource(self.ecs, service["serviceArn"], {ecs.PREVIOUS_TASK_DEFINITION_TAG: recorded})
        return self.result(updated, True, image, recorded, deployment, round(time.monotonic() - started, 1))

    def wait(self, target, deployment):
        """The service once its rollout of ``target`` is done; a failure or timeout also names the stopped tasks."""
        try:
            return wait_rollout(
                self.ecs, self.cluster, self.name, target, deployment, timeout=self.p["wait_timeout"], delay=self.p["delay"]
            )
        except (RolloutFailed, JwtPizzaTimeout) as exc:
            raise type(exc)(message=f"{exc.message}; stopped tasks: {self.stopped(target)}") from None

    def result(self, service, changed, image, previous, deployment=None, duration=0.0):
        deployments = service.get("deployments") or []
        ours = next((d for d in deployments if deployment and d.get("id") == deployment), None)
        ours = ours or next((d for d in deployments if d.get("status") == "PRIMARY"), {})
        return {
            "changed": changed,
            "deployment_id": deployment or ours.get("id") or "",
            "task_definition_arn": service.get("taskDefinition") or "",
            "previous_task_definition_arn": previous or "",
            "image": image,
            "rollout_state": ours.get("rolloutState") or "",
            "duration": duration,
            "events": [e.get("message", "") for e in service.get("events") or []][: EVENTS_SHOWN],
            "desired_count": service.get("desiredCount") or 0,
            "running_count": service.get("runningCount") or 0,
            "diff": self.diff,
        }


def main():
    module = JwtPizzaModule(
        argument_spec=dict(
            cluster=dict(type="str", required=True),
            service=dict(type="str", required=True),
            image=dict(type="str"),
            force_new_deployment=dict(type="bool", default=False),
            rollback=dict(type="bool", default=False),
            container_name=dict(type="str"),
            environment=dict(type="dict"),
            check_image=dict(type="bool", default=True),
            minimum_desired_count=dict(type="int"),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=900),
            delay=dict(type="int", default=10),
        ),
        supports_check_mode=True,
    )
    module.run(Rollout(module).ensure)


if __name__ == "__main__":
    main()
