# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""ECS helpers of jwtpizza.cloud: task definitions, services and the rollout verdict.

This file is private to this collection (the leading underscore says so): its
interface may change without notice and other collections must not import it.

- one small function per ECS call, under ``ECSErrors`` (whose catch-all
  ``ClientException`` is never read as "missing");
- ``found``: the items of a describe-style answer, where ECS reports a missing
  resource as a ``failures`` item with reason ``MISSING``;
- the task-definition piece (``latest_active_task_definition``,
  ``task_definition_request``, the normalisation of owned fields) and the
  service piece (``describe_service``, ``service_request``,
  ``normalise_service``);
- ``rollout_verdict`` / ``wait_rollout``: when a rollout is done, failed or
  still running, shared by the modules that update a service;
- the redeploy piece of ``ecs_rollout``: ``revision_request`` (a
  RegisterTaskDefinition request copied from a described revision, keeping only
  the fields botocore's service model accepts), ``pick_container``,
  ``ecr_image`` / ``describe_ecr_image`` (does an image exist in ECR),
  ``stopped_task_reasons`` and the service tag ``PREVIOUS_TASK_DEFINITION_TAG``.
"""

from __future__ import annotations

import re
import time

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import ECRErrors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import ECSErrors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import wait_for

TD_FIELDS = (
    "cpu",
    "memory",
    "networkMode",
    "requiresCompatibilities",
    "runtimePlatform",
    "executionRoleArn",
    "taskRoleArn",
    "containerDefinitions",
)
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
ROLLOUT_DELAY = 10
EVENTS_SHOWN = 5
STOPPED_TASKS_SHOWN = 3
# The service tag in which ecs_rollout records the task definition that ran before its last rollout; tags under
# TAG_NAMESPACE belong to this collection's deploy tools, and ecs_fargate_service never purges them.
TAG_NAMESPACE = "jwtpizza.cloud:"
PREVIOUS_TASK_DEFINITION_TAG = TAG_NAMESPACE + "previous-task-definition"
# An image in ECR: <registry>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>(:<tag>|@sha256:<digest>).
ECR_IMAGE = re.compile(
    r"^(?P<registry>\d{12})\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/(?P<repo>[^:@]+)"
    r"(:(?P<tag>[\w.-]+)|@(?P<digest>sha256:[0-9a-f]{64}))$"
)

# What a container's secrets[].valueFrom may be (ECS developer guide, "Pass sensitive data to a container"): the ARN
# of an SSM parameter, or of a Secrets Manager secret, optionally followed by :<json key>:<version stage>:<version id>
# (each part may be empty).  A name alone would work in the same region, but IAM grants need the ARN.
SECRET_REFERENCE = re.compile(
    r"^arn:aws[a-z-]*:(ssm:[a-z0-9-]+:\d{12}:parameter/.+"
    r"|secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@!-]+(:[^:]*:[^:]*:[^:]*)?)$"
)
ENVIRONMENT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class RolloutFailed(JwtPizzaAWSError):
    """A rollout failed: its deployment is FAILED or the service went back to another task definition."""


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


@ECSErrors.call("delete the task definitions")
def delete_task_definitions(client, arns):
    """Delete INACTIVE revisions, at most 10 per call (DeleteTaskDefinitions' limit); a deregistered revision stays
    listed, tagged and billed against the account's quota until it is deleted."""
    for start in range(0, len(arns), 10):
        answer = client.delete_task_definitions(taskDefinitions=arns[start:start + 10])
        failures = [f for f in answer.get("failures") or [] if f.get("reason") != "MISSING"]
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


@ECRErrors.call("describe the ECR image")
def describe_ecr_image(client, registry, repository, image_id):
    """The image details of ``image_id`` ({"imageTag": ...} or {"imageDigest": ...}); ECRErrors.is_missing says why not."""
    return client.describe_images(registryId=registry, repositoryName=repository, imageIds=[image_id])["imageDetails"]


@ECSErrors.call("tag the ECS resource")
def tag_resource(client, arn, tags):
    client.tag_resource(resourceArn=arn, tags=ansible_dict_to_boto3_tag_list(tags, "key", "value"))


@ECSErrors.call("untag the ECS resource")
def untag_resource(client, arn, keys):
    client.untag_resource(resourceArn=arn, tagKeys=keys)


def latest_active_task_definition(client, family):
    """(task definition, tags list) of the newest ACTIVE revision of ``family``, or (None, [])."""
    arns = list_task_definitions(client, family)
    if not arns:
        return None, []
    answer = describe_task_definition(client, arns[-1])
    return answer["taskDefinition"], answer.get("tags") or []


# ---------------------------------------------------------------- task definition


def by_name(items):
    """Environment or secrets items sorted by name, each {name, value} or {name, valueFrom}."""
    out = []
    for item in items or []:
        key = "valueFrom" if "valueFrom" in item else "value"
        out.append({"name": item["name"], key: item.get(key)})
    return sorted(out, key=lambda i: i["name"])


def normalise_port(port):
    return {
        "containerPort": port["containerPort"],
        "hostPort": port.get("hostPort", port["containerPort"]),
        "protocol": port.get("protocol", "tcp"),
    }


def normalise_container(container):
    """The owned fields of a container definition, defaults filled as ECS fills them.

    Of the log configuration only the driver and its options count: a read may add empty fields such as
    secretOptions.
    """
    log = container.get("logConfiguration") or {}
    ports = [normalise_port(p) for p in container.get("portMappings") or []]
    return {
        "name": container.get("name"),
        "image": container.get("image"),
        "essential": container.get("essential", True),
        "portMappings": sorted(ports, key=lambda p: p["containerPort"]),
        "environment": by_name(container.get("environment")),
        "secrets": by_name(container.get("secrets")),
        "logConfiguration": {k: v for k, v in log.items() if k in ("logDriver", "options")},
    }


def normalise_task_definition(td):
    """The owned fields of a task definition (requested or read); {} for none."""
    if not td:
        return {}
    return {
        "cpu": str(td.get("cpu")),
        "memory": str(td.get("memory")),
        "networkMode": td.get("networkMode"),
        "requiresCompatibilities": sorted(td.get("requiresCompatibilities") or []),
        "runtimePlatform": td.get("runtimePlatform") or {},
        "executionRoleArn": td.get("executionRoleArn") or "",
        "taskRoleArn": td.get("taskRoleArn") or "",
        "containerDefinitions": [normalise_container(c) for c in td.get("containerDefinitions") or []],
    }


# ---------------------------------------------------------------- requests (from the options of ecs_fargate_service)


def container_input_errors(environment, secrets):
    """Why ``environment`` ({name: value}) and ``secrets`` ({name: ARN}) cannot go into a container definition; [] when
    they can.  The messages name the variables, never a value (a value put in ``secrets`` by mistake may be a secret)."""
    errors = []
    bad_names = sorted(name for name in [*environment, *secrets] if not ENVIRONMENT_NAME.match(str(name)))
    if bad_names:
        errors.append(
            f"environment and secrets must be keyed by environment variable names (letters, digits, _); invalid: {', '.join(bad_names)}"
        )
    bad_refs = sorted(name for name, ref in secrets.items() if not (isinstance(ref, str) and SECRET_REFERENCE.match(ref)))
    if bad_refs:
        errors.append(
            "secrets must map each variable to the ARN of an SSM parameter (arn:aws:ssm:<region>:<account>:parameter/<name>) "
            "or of a Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>[:<json key>:<version stage>"
            f":<version id>]), never to the secret itself; invalid: {', '.join(bad_refs)}"
        )
    both = sorted(set(environment) & set(secrets))
    if both:
        errors.append(f"a variable is either in environment or in secrets, not both: {', '.join(both)}")
    return errors


def container_definition(p, region):
    """The one container of the task definition the options ``p`` describe."""
    container = {
        "name": p["container_name"],
        "image": p["image"],
        "essential": True,
        "portMappings": [{"containerPort": p["container_port"], "hostPort": p["container_port"], "protocol": "tcp"}],
        "environment": [{"name": k, "value": str(v)} for k, v in sorted(p["environment"].items())],
        "secrets": [{"name": k, "valueFrom": v} for k, v in sorted(p["secrets"].items())],
    }
    if p["log_group"]:
        container["logConfiguration"] = {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": p["log_group"],
                "awslogs-region": region,
                "awslogs-stream-prefix": "ecs",
            },
        }
    return container


def task_definition_request(p, family, region):
    """RegisterTaskDefinition parameters of a one-container Fargate task (empty role ARNs still included)."""
    return {
        "family": family,
        "cpu": p["cpu"],
        "memory": p["memory"],
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "runtimePlatform": {"cpuArchitecture": p["cpu_architecture"], "operatingSystemFamily": "LINUX"},
        "executionRoleArn": p["execution_role_arn"] or "",
        "taskRoleArn": p["task_role_arn"] or "",
        "containerDefinitions": [container_definition(p, region)],
    }


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


# ---------------------------------------------------------------- service


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


def primary_deployment_id(service):
    """The id of the PRIMARY deployment of a service answer (CreateService/UpdateService), or None."""
    primary = next((d for d in (service or {}).get("deployments") or [] if d.get("status") == "PRIMARY"), None)
    return primary.get("id") if primary else None


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
        service = describe_service(client, cluster, name)
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


def deployment_of(service, task_definition):
    """The id of the PRIMARY deployment of an UpdateService answer when it runs ``task_definition``, else None."""
    primary = next((d for d in (service or {}).get("deployments") or [] if d.get("status") == "PRIMARY"), None)
    return primary.get("id") if primary and primary.get("taskDefinition") == task_definition else None


def stopped_task_reasons(client, cluster, service, task_definition, limit=STOPPED_TASKS_SHOWN):
    """Why the newest stopped tasks of ``task_definition`` stopped (task and container reasons), as one string."""
    arns = list_stopped_tasks(client, cluster, service)
    tasks = [t for t in describe_tasks(client, cluster, arns[:100]) if t.get("taskDefinitionArn") == task_definition] if arns else []
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


# ---------------------------------------------------------------- new revisions (ecs_rollout)


def request_of(value, shape):
    """``value`` reduced to what ``shape`` (a botocore input shape) accepts: unknown and None members dropped."""
    if shape.type_name == "structure":
        return {k: request_of(v, shape.members[k]) for k, v in value.items() if k in shape.members and v is not None}
    if shape.type_name == "list":
        return [request_of(item, shape.member) for item in value]
    if shape.type_name == "map":
        return {k: request_of(v, shape.value) for k, v in value.items()}
    return value


def revision_request(client, task_definition, tags):
    """RegisterTaskDefinition parameters copying a described revision (and its tags list).

    Only the members of the operation's input shape, read from botocore's service model at run time, are kept, so
    read-only fields of DescribeTaskDefinition (ARN, revision, status, registeredAt, fields added later) are never
    sent.
    """
    shape = client.meta.service_model.operation_model("RegisterTaskDefinition").input_shape
    request = request_of(dict(task_definition, tags=tags or []), shape)
    if not request.get("tags"):
        request.pop("tags", None)
    return request


def pick_container(task_definition, name=None):
    """The container definition called ``name``, or the only one; raises naming the containers otherwise."""
    containers = task_definition.get("containerDefinitions") or []
    names = ", ".join(c.get("name", "") for c in containers) or "none"
    arn = task_definition.get("taskDefinitionArn")
    if name:
        chosen = next((c for c in containers if c.get("name") == name), None)
        if chosen is None:
            raise JwtPizzaAWSError(message=f"Task definition {arn} has no container {name}; its containers: {names}")
        return chosen
    if len(containers) != 1:
        raise JwtPizzaAWSError(message=f"Task definition {arn} has several containers ({names}): set container_name")
    return containers[0]


def environment_dict(container):
    """The plain environment of a container definition as {name: value}."""
    return {item["name"]: item.get("value", "") for item in container.get("environment") or []}


def with_container(task_definition, name, image, environment):
    """A copy of ``task_definition`` whose container ``name`` runs ``image`` with ``environment`` ({name: value})."""
    containers = []
    for container in task_definition.get("containerDefinitions") or []:
        if container.get("name") == name:
            env = [{"name": k, "value": str(v)} for k, v in sorted(environment.items())]
            container = dict(container, image=image, environment=env)
        containers.append(container)
    return dict(task_definition, containerDefinitions=containers)


def ecr_image(image):
    """(registry, repository, {"imageTag"|"imageDigest": ...}) of an ECR image reference, or None for other images."""
    match = ECR_IMAGE.match(image or "")
    if not match:
        return None
    image_id = {"imageDigest": match["digest"]} if match["digest"] else {"imageTag": match["tag"]}
    return match["registry"], match["repo"], image_id
