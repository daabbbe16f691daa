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
  - With I(bootstrap_without_image=true) and an I(image) in an ECR repository that has no image with that tag yet,
    the service is created (or kept) with a desired count of 0 so that no deployment fails; C(image_available)
    is then false.
  - With I(state=absent) the service is scaled to 0, deleted and waited C(INACTIVE), and every C(ACTIVE)
    revision of I(family) is deregistered.
author:
  - jwtpizza.cloud developers (@jwtpizza)
options:
  state: {description: C(present) or C(absent)., type: str, choices: [present, absent], default: present}
  cluster: {description: Name or ARN of the ECS cluster., type: str, required: true}
  name: {description: Name of the service., type: str, required: true}
  family: {description: Task definition family. Defaults to I(name)., type: str}
  container_name: {description: Name of the one container. Required with I(state=present)., type: str}
  image: {description: "Container image, C(<repository uri>:<tag>). Required with I(state=present).", type: str}
  container_port: {description: TCP port the container listens on and the target group forwards to., type: int, default: 80}
  cpu: {description: Task CPU units as Fargate accepts them (C(256) to C(16384))., type: str, default: "512"}
  memory: {description: Task memory in MiB valid for I(cpu) on Fargate., type: str, default: "1024"}
  cpu_architecture: {description: CPU architecture of the Linux task., type: str, choices: [ARM64, X86_64], default: ARM64}
  execution_role_arn: {description: Task execution role (pulls the image; writes logs; reads I(secrets))., type: str}
  task_role_arn: {description: Role of the application in the task; empty for none., type: str, default: ""}
  environment: {description: Plain environment variables of the container., type: dict, default: {}}
  secrets: {description: Variable name to the ARN of an SSM parameter or Secrets Manager secret (C(valueFrom))., type: dict, default: {}}
  log_group: {description: "Log group of the C(awslogs) driver (stream prefix C(ecs)); no logs when omitted.", type: str}
  desired_count: {description: Desired number of tasks., type: int, default: 1}
  scaling_bounds:
    description:
      - Bounds within which Application Auto Scaling moves the desired count. When the service exists and its current
        desired count lies within them (and is not 0 while I(desired_count) is not), it is kept, so a run does not
        undo scaling.
    type: dict
    suboptions:
      min: {description: Minimum task count., type: int, required: true}
      max: {description: Maximum task count., type: int, required: true}
  bootstrap_without_image: {description: Run 0 tasks while the ECR repository of I(image) lacks its tag., type: bool, default: false}
  minimum_healthy_percent: {description: Lower limit of running tasks during a deployment (percent)., type: int, default: 100}
  maximum_percent: {description: Upper limit of running tasks during a deployment (percent)., type: int, default: 200}
  health_check_grace_period: {description: Seconds failing ALB health checks of a new task are ignored., type: int, default: 60}
  subnets: {description: Subnets of the tasks. Required with I(state=present)., type: list, elements: str}
  security_groups: {description: Security groups of the tasks. Required with I(state=present)., type: list, elements: str}
  assign_public_ip: {description: Give each task a public IP., type: bool, default: false}
  target_group_arn: {description: Target group the container is registered in; no load balancer when omitted., type: str}
  wait: {description: After a change that runs tasks wait for the rollout (a failure names the events)., type: bool, default: false}
  wait_timeout: {description: Seconds to wait for a rollout or for a deleted service to become C(INACTIVE)., type: int, default: 600}
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
    subnets: [subnet-0123, subnet-4567]
    security_groups: [sg-0123]
    assign_public_ip: true
    target_group_arn: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/jwt-pizza-dev-tg/0123456789abcdef
    bootstrap_without_image: true
    scaling_bounds: {min: 1, max: 4}
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
task_definition_registered: {description: Whether this run registered a new task definition revision., returned: always, type: bool}
desired_count: {description: Desired count the service has after this run., returned: always, type: int, sample: 1}
image_available: {description: False while I(bootstrap_without_image) finds no image with the tag., returned: always, type: bool}
deregistered_task_definitions:
  description: Task definition revisions deregistered by I(state=absent).
  returned: always
  type: list
  elements: str
  sample: ["arn:aws:ecs:us-east-1:123456789012:task-definition/jwt-pizza-dev-service:1"]
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import aws_call
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import diff_owned
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import wait_for
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import state_option
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import tag_options

ECR_IMAGE = re.compile(r"^(?P<registry>\d{12})\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/(?P<repo>[^:@]+):(?P<tag>[\w.-]+)$")
TD_FIELDS = ("cpu", "memory", "networkMode", "requiresCompatibilities", "runtimePlatform",
             "executionRoleArn", "taskRoleArn", "containerDefinitions")
SERVICE_FIELDS = ("taskDefinition", "desiredCount", "deploymentConfiguration", "healthCheckGracePeriodSeconds",
                  "networkConfiguration", "loadBalancers", "propagateTags", "enableECSManagedTags")


@aws_call("describe task definition", missing=("ClientException",))
def describe_task_definition(client, family):
    return client.describe_task_definition(taskDefinition=family, include=["TAGS"])


@aws_call("register task definition")
def register_task_definition(client, definition):
    return client.register_task_definition(**definition)["taskDefinition"]


@aws_call("list task definitions")
def list_task_definitions(client, family):
    paginator = client.get_paginator("list_task_definitions")
    return paginator.paginate(familyPrefix=family, status="ACTIVE").build_full_result()["taskDefinitionArns"]


@aws_call("deregister task definition", missing=("ClientException",))
def deregister_task_definition(client, arn):
    client.deregister_task_definition(taskDefinition=arn)


@aws_call("describe service", missing=("ClusterNotFoundException",))
def describe_service(client, cluster, name):
    services = client.describe_services(cluster=cluster, services=[name], include=["TAGS"])["services"]
    return next((s for s in services if s.get("status") != "INACTIVE"), None)


@aws_call("create service")
def create_service(client, request):
    return client.create_service(**request)["service"]


@aws_call("update service")
def update_service(client, request):
    return client.update_service(**request)["service"]


@aws_call("delete service", missing=("ServiceNotFoundException",))
def delete_service(client, cluster, name):
    client.delete_service(cluster=cluster, service=name)


@aws_call("tag resource")
def tag_resource(client, arn, tags):
    client.tag_resource(resourceArn=arn, tags=ansible_dict_to_boto3_tag_list(tags, "key", "value"))


@aws_call("untag resource")
def untag_resource(client, arn, keys):
    client.untag_resource(resourceArn=arn, tagKeys=keys)


@aws_call("describe ECR images", missing=("RepositoryNotFoundException", "ImageNotFoundException"))
def describe_image(client, registry, repository, tag):
    return client.describe_images(registryId=registry, repositoryName=repository, imageIds=[{"imageTag": tag}])["imageDetails"]


def by_name(items):
    return sorted(({"name": i["name"], "valueFrom" if "valueFrom" in i else "value": i.get("valueFrom", i.get("value"))}
                   for i in items or []), key=lambda i: i["name"])


def normalise_container(c):
    """The owned fields of a container definition, defaults filled as ECS fills them (of the log configuration only
    the driver and its options: a read may add empty fields such as secretOptions)."""
    return {
        "name": c.get("name"), "image": c.get("image"), "essential": c.get("essential", True),
        "portMappings": sorted(
            ({"containerPort": p["containerPort"], "hostPort": p.get("hostPort", p["containerPort"]),
              "protocol": p.get("protocol", "tcp")} for p in c.get("portMappings") or []),
            key=lambda p: p["containerPort"]),
        "environment": by_name(c.get("environment")),
        "secrets": by_name(c.get("secrets")),
        "logConfiguration": {k: v for k, v in (c.get("logConfiguration") or {}).items() if k in ("logDriver", "options")},
    }


def normalise_task_definition(td):
    if not td:
        return {}
    return {
        "cpu": str(td.get("cpu")), "memory": str(td.get("memory")), "networkMode": td.get("networkMode"),
        "requiresCompatibilities": sorted(td.get("requiresCompatibilities") or []),
        "runtimePlatform": td.get("runtimePlatform") or {},
        "executionRoleArn": td.get("executionRoleArn") or "", "taskRoleArn": td.get("taskRoleArn") or "",
        "containerDefinitions": [normalise_container(c) for c in td.get("containerDefinitions") or []],
    }


def normalise_service(s):
    """The owned fields of a described service; fields the read omits stay None (not drift)."""
    if not s:
        return {}
    vpc = (s.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    deployment = s.get("deploymentConfiguration") or None
    if deployment:
        breaker = deployment.get("deploymentCircuitBreaker") or {"enable": False, "rollback": False}
        deployment = {"maximumPercent": deployment.get("maximumPercent"),
                      "minimumHealthyPercent": deployment.get("minimumHealthyPercent"),
                      "deploymentCircuitBreaker": {"enable": breaker.get("enable"), "rollback": breaker.get("rollback")}}
    return {
        "taskDefinition": s.get("taskDefinition"),
        "desiredCount": s.get("desiredCount"),
        "deploymentConfiguration": deployment,
        "healthCheckGracePeriodSeconds": s.get("healthCheckGracePeriodSeconds"),
        "networkConfiguration": {"awsvpcConfiguration": {
            "subnets": sorted(vpc.get("subnets") or []), "securityGroups": sorted(vpc.get("securityGroups") or []),
            "assignPublicIp": vpc.get("assignPublicIp", "DISABLED")}},
        "loadBalancers": sorted(({"targetGroupArn": lb.get("targetGroupArn"), "containerName": lb.get("containerName"),
                                  "containerPort": lb.get("containerPort")} for lb in s.get("loadBalancers") or []),
                                key=lambda lb: lb["targetGroupArn"] or ""),
        "propagateTags": s.get("propagateTags"),
        "enableECSManagedTags": s.get("enableECSManagedTags"),
    }


def result(changed, before, after, **values):
    out = {"service_arn": "", "task_definition_arn": "", "task_definition_registered": False, "desired_count": 0,
           "image_available": True, "deregistered_task_definitions": []}
    out.update(values, changed=changed, diff={"before": before, "after": after})
    return out


class FargateService:
    def __init__(self, module):
        self.module = module
        self.p = module.params
        self.ecs = module.client("ecs")
        self.family = self.p["family"] or self.p["name"]

    def container_definition(self):
        p = self.p
        container = {
            "name": p["container_name"], "image": p["image"], "essential": True,
            "portMappings": [{"containerPort": p["container_port"], "hostPort": p["container_port"], "protocol": "tcp"}],
            "environment": [{"name": k, "value": str(v)} for k, v in sorted(p["environment"].items())],
            "secrets": [{"name": k, "valueFrom": v} for k, v in sorted(p["secrets"].items())],
        }
        if p["log_group"]:
            container["logConfiguration"] = {"logDriver": "awslogs", "options": {
                "awslogs-group": p["log_group"], "awslogs-region": self.ecs.meta.region_name,
                "awslogs-stream-prefix": "ecs"}}
        return container

    def task_definition(self):
        p = self.p
        return {
            "family": self.family, "cpu": p["cpu"], "memory": p["memory"], "networkMode": "awsvpc",
            "requiresCompatibilities": ["FARGATE"],
            "runtimePlatform": {"cpuArchitecture": p["cpu_architecture"], "operatingSystemFamily": "LINUX"},
            "executionRoleArn": p["execution_role_arn"] or "", "taskRoleArn": p["task_role_arn"] or "",
            "containerDefinitions": [self.container_definition()],
        }

    def service_fields(self, task_definition_arn, desired_count):
        p = self.p
        return {
            "taskDefinition": task_definition_arn,
            "desiredCount": desired_count,
            "deploymentConfiguration": {
                "maximumPercent": p["maximum_percent"], "minimumHealthyPercent": p["minimum_healthy_percent"],
                "deploymentCircuitBreaker": {"enable": True, "rollback": True}},
            "healthCheckGracePeriodSeconds": p["health_check_grace_period"] if p["target_group_arn"] else None,
            "networkConfiguration": {"awsvpcConfiguration": {
                "subnets": sorted(p["subnets"]), "securityGroups": sorted(p["security_groups"]),
                "assignPublicIp": "ENABLED" if p["assign_public_ip"] else "DISABLED"}},
            "loadBalancers": [{"targetGroupArn": p["target_group_arn"], "containerName": p["container_name"],
                               "containerPort": p["container_port"]}] if p["target_group_arn"] else [],
            "propagateTags": "SERVICE",
            "enableECSManagedTags": True,
        }

    def image_available(self):
        match = ECR_IMAGE.match(self.p["image"] or "")
        if not self.p["bootstrap_without_image"] or not match:
            return True
        ecr = self.module.client("ecr")
        return bool(describe_image(ecr, match["registry"], match["repo"], match["tag"]))

    def wanted_count(self, current, image_available):
        if not image_available:
            return 0
        wanted, bounds, have = self.p["desired_count"], self.p["scaling_bounds"], current.get("desiredCount")
        keep = bounds and have is not None and bounds["min"] <= have <= bounds["max"] and not (have == 0 and wanted > 0)
        return have if keep else wanted

    def sync_tags(self, arn, current_tags):
        tags = self.p["tags"]
        if tags is None:
            return False
        to_set, to_remove = compare_aws_tags(current_tags, tags, purge_tags=self.p["purge_tags"])
        if not self.module.check_mode:
            if to_set:
                tag_resource(self.ecs, arn, to_set)
            if to_remove:
                untag_resource(self.ecs, arn, to_remove)
        return bool(to_set or to_remove)

    def ensure_present(self):
        """Register the task definition when its owned fields changed, then create or update the service."""
        checking = self.module.check_mode  # then the network and repository may be ones the same run would create
        if (missing := [o for o in ("container_name", "image", "subnets", "security_groups") if not self.p[o]]) and not checking:
            self.module.fail_json(msg=f"{', '.join(missing)} required with state=present")
        changed, before, after = False, {}, {}
        found = describe_task_definition(self.ecs, self.family)
        current_td = found["taskDefinition"] if found and found["taskDefinition"].get("status") == "ACTIVE" else None
        td_tags = boto3_tag_list_to_ansible_dict(found.get("tags") or [], "key", "value") if current_td else {}
        wanted_td = self.task_definition()
        td_changes = diff_owned(normalise_task_definition(wanted_td), normalise_task_definition(current_td), TD_FIELDS)
        registered = False
        if td_changes:
            before["task_definition"] = {k: v["before"] for k, v in td_changes.items()}
            after["task_definition"] = {k: v["after"] for k, v in td_changes.items()}
            changed = registered = True
            request = {k: v for k, v in wanted_td.items() if v != ""}
            if self.p["tags"]:
                request["tags"] = ansible_dict_to_boto3_tag_list(self.p["tags"], "key", "value")
            if self.module.check_mode:
                revision = (current_td or {}).get("revision", 0) + 1
                td_arn = f"{self.family}:{revision}"
            else:
                td_arn = register_task_definition(self.ecs, request)["taskDefinitionArn"]
        else:
            td_arn = current_td["taskDefinitionArn"]
            changed |= self.sync_tags(td_arn, td_tags)

        service = describe_service(self.ecs, self.p["cluster"], self.p["name"])
        image_available = self.image_available()
        wanted = self.service_fields(td_arn, self.wanted_count(normalise_service(service), image_available))
        service_arn = service["serviceArn"] if service else ""
        if service is None:
            changed = True
            after["service"] = wanted
            if not self.module.check_mode:
                request = {k: v for k, v in wanted.items() if v is not None}
                request.update(cluster=self.p["cluster"], serviceName=self.p["name"], launchType="FARGATE",
                               schedulingStrategy="REPLICA")
                if self.p["tags"]:
                    request["tags"] = ansible_dict_to_boto3_tag_list(self.p["tags"], "key", "value")
                service = create_service(self.ecs, request)
                service_arn = service["serviceArn"]
        else:
            changes = diff_owned(wanted, normalise_service(service), SERVICE_FIELDS)
            # A field the read omits (moto stores no deploymentConfiguration or grace period) is not drift.
            changes = {k: v for k, v in changes.items() if v["before"] is not None}
            if changes:
                changed = True
                before["service"] = {k: v["before"] for k, v in changes.items()}
                after["service"] = {k: v["after"] for k, v in changes.items()}
                if not self.module.check_mode:
                    request = {k: v["after"] for k, v in changes.items()}
                    request.update(cluster=self.p["cluster"], service=self.p["name"])
                    service = update_service(self.ecs, request)
            tags = boto3_tag_list_to_ansible_dict(service.get("tags") or [], "key", "value")
            changed |= self.sync_tags(service_arn, tags)
        if changed and self.p["wait"] and wanted["desiredCount"] > 0 and not self.module.check_mode:
            self.wait_rollout()
        return result(changed, before, after, service_arn=service_arn, task_definition_arn=td_arn,
                      task_definition_registered=registered, desired_count=wanted["desiredCount"],
                      image_available=image_available)

    def wait_rollout(self):
        """Done when one deployment is left and it completed (or, where rolloutState is not reported, runs all tasks)."""

        def explain(service):
            events = [e.get("message", "") for e in (service or {}).get("events", [])[:3]]
            return f"running {service.get('runningCount')} of {service.get('desiredCount')}; events: {events or 'none'}"

        def probe():
            service = describe_service(self.ecs, self.p["cluster"], self.p["name"]) or {}
            deployments = service.get("deployments") or []
            primary = next((d for d in deployments if d.get("status") == "PRIMARY"), {})
            if primary.get("rolloutState") == "FAILED":
                raise JwtPizzaAWSError(message=f"Rollout of service {self.p['name']} failed (circuit breaker): {explain(service)}")
            done = len(deployments) == 1 and (primary.get("rolloutState") == "COMPLETED"
                                              or service.get("runningCount", 0) >= service.get("desiredCount", 0))
            return done, service

        wait_for(probe, self.p["wait_timeout"], 10, f"service {self.p['name']} to finish its rollout", explain)

    def ensure_absent(self):
        changed, before = False, {}
        service = describe_service(self.ecs, self.p["cluster"], self.p["name"])
        if service:
            changed = True
            before["service"] = {"serviceArn": service["serviceArn"], "desiredCount": service.get("desiredCount")}
            if not self.module.check_mode:
                if service.get("desiredCount"):
                    update_service(self.ecs, {"cluster": self.p["cluster"], "service": self.p["name"], "desiredCount": 0})
                delete_service(self.ecs, self.p["cluster"], self.p["name"])

                def probe():
                    current = describe_service(self.ecs, self.p["cluster"], self.p["name"])
                    return current is None, current

                wait_for(probe, self.p["wait_timeout"], 5, f"service {self.p['name']} to become INACTIVE",
                         lambda s: f"status {s.get('status')}, running {s.get('runningCount')}")
        suffix = re.compile(r"task-definition/" + re.escape(self.family) + r":\d+$")
        arns = [a for a in list_task_definitions(self.ecs, self.family) if suffix.search(a)]
        if arns:
            changed = True
            before["task_definitions"] = arns
            if not self.module.check_mode:
                for arn in arns:
                    deregister_task_definition(self.ecs, arn)
        return result(changed, before, {}, deregistered_task_definitions=arns)


def main():
    module = JwtPizzaModule(
        argument_spec=dict(
            **state_option(),
            cluster=dict(type="str", required=True),
            name=dict(type="str", required=True),
            family=dict(type="str"),
            container_name=dict(type="str"),
            image=dict(type="str"),
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
    service = FargateService(module)
    module.run_state(service)


if __name__ == "__main__":
    main()
