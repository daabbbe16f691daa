#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ecs_fargate_service
short_description: One-container Fargate task definition and ECS service behind a target group
version_added: 0.1.0
description:
  - Registers a new revision of the task definition I(family) only when the owned fields of its latest C(ACTIVE)
    revision differ from the requested ones, then creates the ECS service or updates only the fields that differ.
  - The service runs on Fargate in C(awsvpc) mode with a deployment circuit breaker (with rollback), tags
    propagated from the service and ECS managed tags, optionally attached to an ALB target group.
  - "Only owned fields are compared, and a field that a read omits is not drift: C(deploymentConfiguration),
    C(healthCheckGracePeriodSeconds), C(propagateTags) and C(enableECSManagedTags) are compared only when the read
    returns them (the moto emulator stores none of them); container definitions are compared on name, image,
    essential, port mappings (C(hostPort) defaults to the container port and C(protocol) to C(tcp)), environment
    and secrets (order-free, missing = empty) and log configuration, so defaults that ECS adds are ignored;
    subnets and security groups are compared as sets; a missing C(taskRoleArn) equals an empty one."
  - C(RegisterTaskDefinition) takes no idempotency token, so a register whose answer was lost (botocore sent it again)
    may leave identical revisions; one C(ListTaskDefinitions) follows every register, and identical revisions above
    the one compared with are such copies. The first is kept (as a run without faults numbers it) and the later ones
    are deregistered and deleted.
  - With I(bootstrap_without_image=true) and an I(image) in an ECR repository that has no image with that tag yet,
    the service is created (or kept) with a desired count of 0 so that no deployment fails; C(image_available)
    is then false.
  - Service tags whose key starts with C(jwtpizza.cloud:) belong to the deploy tools (the rollback record of
    M(jwtpizza.cloud.ecs_rollout)) and are never purged.
  - With I(state=absent) the service is scaled to 0, deleted and waited C(INACTIVE), and every C(ACTIVE)
    revision of I(family) is deregistered, then deleted (DeleteTaskDefinitions; a deregistered revision stays
    listed and tagged until then).
author:
  - jwtpizza.cloud developers (@jwtpizza)
options:
  state:
    description: C(present) or C(absent).
    type: str
    choices: [present, absent]
    default: present
  cluster:
    description: Name or ARN of the ECS cluster.
    type: str
    required: true
  name:
    description: Name of the service.
    type: str
    required: true
  family:
    description: Task definition family. Defaults to I(name).
    type: str
  container_name:
    description: Name of the one container. Required with I(state=present) (may be empty in check mode).
    type: str
  image:
    description:
      - Container image, C(<repository uri>:<tag>). Required with I(state=present) (may be empty in check mode).
      - With I(keep_deployed_image=true), only the image of a service that does not exist yet.
    type: str
  keep_deployed_image:
    description:
      - When the service exists, keep the image its current task definition runs in I(container_name) (put there by
        a deploy, e.g. M(jwtpizza.cloud.ecs_rollout)) instead of I(image). The image is neither compared nor
        reverted, the other owned fields are compared with that task definition (not with the newest revision of
        I(family)), and I(bootstrap_without_image) checks that image only while the service runs no tasks.
      - Without a service, or when its task definition has no container I(container_name), I(image) is used.
    type: bool
    default: false
  container_port:
    description: TCP port the container listens on and the target group forwards to.
    type: int
    default: 80
  cpu:
    description: Task CPU units as Fargate accepts them (C(256) to C(16384)).
    type: str
    default: "512"
  memory:
    description: Task memory in MiB valid for I(cpu) on Fargate.
    type: str
    default: "1024"
  cpu_architecture:
    description: CPU architecture of the Linux task.
    type: str
    choices: [ARM64, X86_64]
    default: ARM64
  execution_role_arn:
    description: Task execution role (pulls the image; writes logs; reads I(secrets)).
    type: str
  task_role_arn:
    description: Role of the application in the task; empty for none.
    type: str
    default: ""
  environment:
    description: Plain environment variables of the container.
    type: dict
    default: {}
  secrets:
    description:
      - Variable name to the ARN of an SSM parameter or Secrets Manager secret (C(valueFrom)); a Secrets Manager ARN
        may end in C(:<json key>:<version stage>:<version id>) (each part may be empty, e.g. C(...:password::)).
      - Anything else, a plain value included, fails the module before any AWS call, naming only the variable.
    type: dict
    default: {}
  log_group:
    description: Log group of the C(awslogs) driver (stream prefix C(ecs)); no logs when omitted.
    type: str
  desired_count:
    description: Desired number of tasks.
    type: int
    default: 1
  scaling_bounds:
    description:
      - Bounds within which Application Auto Scaling moves the desired count. When the service exists and its current
        desired count lies within them (and is not 0 while I(desired_count) is not), it is kept, so a run does not
        undo scaling.
    type: dict
    suboptions:
      min:
        description: Minimum task count.
        type: int
        required: true
      max:
        description: Maximum task count.
        type: int
        required: true
  bootstrap_without_image:
    description: Run 0 tasks while the ECR repository of I(image) lacks its tag.
    type: bool
    default: false
  minimum_healthy_percent:
    description: Lower limit of running tasks during a deployment (percent).
    type: int
    default: 100
  maximum_percent:
    description: Upper limit of running tasks during a deployment (percent).
    type: int
    default: 200
  health_check_grace_period:
    description: Seconds failing ALB health checks of a new task are ignored.
    type: int
    default: 60
  subnets:
    description: Subnets of the tasks. Required with I(state=present) (may be empty in check mode).
    type: list
    elements: str
  security_groups:
    description: Security groups of the tasks. Required with I(state=present) (may be empty in check mode).
    type: list
    elements: str
  assign_public_ip:
    description: Give each task a public IP.
    type: bool
    default: false
  target_group_arn:
    description: Target group the container is registered in; no load balancer when omitted.
    type: str
  wait:
    description:
      - After a change that runs tasks, wait for the rollout.
      - Where ECS reports C(rolloutState), done means the deployment this run started is C(COMPLETED), the service runs
        the task definition of this run and its running count equals its desired count; a C(FAILED) deployment or a
        service back on another task definition (circuit-breaker rollback) fails the module, naming the latest
        service events. Without C(rolloutState), done means one deployment left and running equal to desired.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait for a rollout or for a deleted service to become C(INACTIVE).
    type: int
    default: 600
attributes:
  check_mode:
    support: partial
    details:
      - A check run registers nothing, so the ARN of a revision still to be registered is reported as
        C(<family>:<revision>) and the rollout is not waited for.
      - I(container_name), I(image), I(subnets) and I(security_groups) may be empty in check mode (they may name
        resources the same check run would create).
  diff_mode:
    support: full
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
"""

EXAMPLES = r"""
- name: Run the backend on Fargate behind its target group
  jwtpizza.cloud.ecs_fargate_service:
    cluster: jwt-pizza-dev
    name: jwt-pizza-dev-service
    container_name: jwt-pizza-service
    image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/jwt-pizza-service:latest
    execution_role_arn: arn:aws:iam::123456789012:role/jwt-pizza-dev-ecs-execution
    secrets:
      DB_PASSWORD: arn:aws:ssm:us-east-1:123456789012:parameter/jwt-pizza/db-password
    log_group: /ecs/jwt-pizza-dev-service
    subnets:
      - subnet-0123
      - subnet-4567
    security_groups:
      - sg-0123
    assign_public_ip: true
    target_group_arn: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/jwt-pizza-dev-tg/0123456789abcdef
    bootstrap_without_image: true
    scaling_bounds:
      min: 1
      max: 4
    tags:
      Project: jwt-pizza

- name: Delete the service and deregister its task definitions
  jwtpizza.cloud.ecs_fargate_service:
    cluster: jwt-pizza-dev
    name: jwt-pizza-dev-service
    state: absent
"""

RETURN = r"""
service_arn:
  description: ARN of the service (empty when absent or not yet created in check mode).
  returned: always
  type: str
  sample: arn:aws:ecs:us-east-1:123456789012:service/jwt-pizza-dev/jwt-pizza-dev-service
task_definition_arn:
  description: ARN of the task definition revision the service uses (empty when absent).
  returned: always
  type: str
  sample: arn:aws:ecs:us-east-1:123456789012:task-definition/jwt-pizza-dev-service:3
task_definition_registered:
  description: Whether this run registered a new task definition revision.
  returned: always
  type: bool
desired_count:
  description: Desired count the service has after this run.
  returned: always
  type: int
  sample: 1
image_available:
  description: False while I(bootstrap_without_image) finds no image with the tag.
  returned: always
  type: bool
deleted_task_definitions:
  description: Task definition revisions deleted by I(state=absent) (DeleteTaskDefinitions), after deregistering them.
  returned: O(state=absent)
  type: list
  elements: str
  sample: ["arn:aws:ecs:us-west-2:123456789012:task-definition/jwt-pizza-dev-service:1"]
deregistered_task_definitions:
  description: Task definition revisions deregistered by I(state=absent).
  returned: always
  type: list
  elements: str
  sample:
    - arn:aws:ecs:us-east-1:123456789012:task-definition/jwt-pizza-dev-service:1
"""

import re

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _ecs as ecs
from ansible_collections.jwtpizza.cloud.plugins.module_utils import _ecs_task_definition as task_definitions
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import DiffTracker
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import ECRErrors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import state_option
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import tag_options
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ecs import EcsContext
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ecs_rollout import wait_rollout
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ecs_service import Service
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ecs_service import normalise_service
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ecs_service import service_request

ECR_IMAGE = re.compile(r"^(?P<registry>\d{12})\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/(?P<repo>[^:@]+):(?P<tag>[\w.-]+)$")
REQUIRED_WHEN_PRESENT = ("container_name", "image", "subnets", "security_groups")


@ECRErrors.lookup("describe the ECR image")
def describe_image(client, registry, repository, tag):
    images = client.describe_images(registryId=registry, repositoryName=repository, imageIds=[{"imageTag": tag}])
    return images["imageDetails"]


# Kept importable from the module for its callers and tests (normalise_service too, imported above).
normalise_container = task_definitions.normalise_container
normalise_task_definition = task_definitions.normalise_task_definition


def result(tracker, changed, **values):
    out = {
        "service_arn": "",
        "task_definition_arn": "",
        "task_definition_registered": False,
        "desired_count": 0,
        "image_available": True,
        "deregistered_task_definitions": [],
    }
    out.update(values, changed=changed, diff=tracker)
    return out


class FargateService:
    """The task definition (registered when its owned fields change), the service, their tags and the rollout wait.

    The two resources are ``TaskDefinitionFamily`` (_ecs_task_definition) and ``Service`` (_ecs_service); this class
    decides the image, the desired count and the order, and waits for the rollout.
    """

    def __init__(self, module):
        self.module = module
        self.p = module.params
        self.diff = DiffTracker()
        ctx = EcsContext(module, self.diff)
        self.ecs = ctx.client
        self.family = task_definitions.TaskDefinitionFamily(ctx, self.p["family"] or self.p["name"])
        self.service = Service(ctx)

    # ------------------------------------------------------------ decisions

    def image_available(self, image):
        match = ECR_IMAGE.match(image or "")
        if not self.p["bootstrap_without_image"] or not match:
            return True
        ecr = self.module.client("ecr")
        return bool(describe_image(ecr, match["registry"], match["repo"], match["tag"]))

    def wanted_count(self, current, image_available):
        """0 while the image is missing; the current count when scaling keeps it within scaling_bounds; else desired_count."""
        if not image_available:
            return 0
        wanted, bounds, have = self.p["desired_count"], self.p["scaling_bounds"], current.get("desiredCount")
        keep = bounds and have is not None and bounds["min"] <= have <= bounds["max"] and not (have == 0 and wanted > 0)
        return have if keep else wanted

    # ------------------------------------------------------------ states

    def ensure_present(self):
        """Register the task definition when its owned fields changed, then create or update the service."""
        # In check mode the network and repository may be ones the same run would create.
        self.module.require_unless_check_mode(*REQUIRED_WHEN_PRESENT)
        service = ecs.describe_service(self.ecs, self.p["cluster"], self.p["name"])
        deployed, deployed_tags, kept_image = self.family.deployed_image(service)
        image = kept_image or self.p["image"]
        td_arn, registered, changed = self.family.ensure(image, deployed, deployed_tags)
        # A service that runs tasks on a deployed image is not scaled to 0 because that image left the repository.
        image_available = bool(kept_image and service.get("desiredCount")) or self.image_available(image)
        wanted = service_request(self.p, td_arn, self.wanted_count(normalise_service(service), image_available))
        if service is None:
            changed = True
            service_arn, deployment = self.service.create(wanted)
        else:
            service_arn = service["serviceArn"]
            updated, deployment = self.service.update(service, wanted)
            changed |= updated
        if changed and self.p["wait"] and wanted["desiredCount"] > 0 and not self.module.check_mode:
            wait_rollout(self.ecs, self.p["cluster"], self.p["name"], td_arn, deployment, self.p["wait_timeout"])
        return result(
            self.diff,
            changed,
            service_arn=service_arn,
            task_definition_arn=td_arn,
            task_definition_registered=registered,
            desired_count=wanted["desiredCount"],
            image_available=image_available,
        )

    def ensure_absent(self):
        """Delete the service (scaled to 0, waited INACTIVE), then deregister and delete the revisions of the family."""
        changed = False
        service = ecs.describe_service(self.ecs, self.p["cluster"], self.p["name"])
        if service:
            changed = True
            self.service.delete(service)
        removed, arns, inactive = self.family.remove()
        changed |= removed
        return result(self.diff, changed, deregistered_task_definitions=arns, deleted_task_definitions=inactive)


def main():
    module = JwtPizzaModule(
        argument_spec=dict(
            **state_option(),
            cluster=dict(type="str", required=True),
            name=dict(type="str", required=True),
            family=dict(type="str"),
            container_name=dict(type="str"),
            image=dict(type="str"),
            keep_deployed_image=dict(type="bool", default=False),
            container_port=dict(type="int", default=80),
            cpu=dict(type="str", default="512"),
            memory=dict(type="str", default="1024"),
            cpu_architecture=dict(type="str", choices=["ARM64", "X86_64"], default="ARM64"),
            execution_role_arn=dict(type="str"),
            task_role_arn=dict(type="str", default=""),
            environment=dict(type="dict", default={}),
            secrets=dict(type="dict", default={}, no_log=False),
            log_group=dict(type="str"),
            desired_count=dict(type="int", default=1),
            scaling_bounds=dict(type="dict", options=dict(min=dict(type="int", required=True),
                                                          max=dict(type="int", required=True))),
            bootstrap_without_image=dict(type="bool", default=False),
            minimum_healthy_percent=dict(type="int", default=100),
            maximum_percent=dict(type="int", default=200),
            health_check_grace_period=dict(type="int", default=60),
            subnets=dict(type="list", elements="str"),
            security_groups=dict(type="list", elements="str"),
            assign_public_ip=dict(type="bool", default=False),
            target_group_arn=dict(type="str"),
            wait=dict(type="bool", default=False),
            wait_timeout=dict(type="int", default=600),
            **tag_options(),
        ),
        supports_check_mode=True,
    )
    errors = task_definitions.container_input_errors(module.params["environment"], module.params["secrets"])
    if errors and module.params["state"] == "present":
        module.fail_json(msg="; ".join(errors))
    service = FargateService(module)
    module.run_state(service)


if __name__ == "__main__":
    main()
