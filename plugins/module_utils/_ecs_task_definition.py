# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""ECS task definitions of jwtpizza.cloud: what a revision owns, how one is built, registered and retired.

This file is private to this collection (the leading underscore says so): its
interface may change without notice and other collections must not import it.

- the normalisation of the owned fields of a task definition
  (``normalise_task_definition``, ``normalise_container``), so that defaults
  ECS fills in are not drift;
- the request built from the options of ecs_fargate_service
  (``container_input_errors``, ``task_definition_request``) and
  ``TaskDefinitionFamily``, its family of revisions: the revision to compare
  with, a new one when owned fields change, all retired with state=absent;
- ``register_once``: RegisterTaskDefinition without the copies its retried tries
  leave (it takes no idempotency token);
- the new revisions of ecs_rollout: ``revision_request`` (a
  RegisterTaskDefinition request copied from a described revision, keeping only
  the fields botocore's service model accepts), ``pick_container``,
  ``environment_dict`` and ``with_container``.
"""

from __future__ import annotations

import re

from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _ecs as ecs
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import diff_owned

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

# What a container's secrets[].valueFrom may be (ECS developer guide, "Pass sensitive data to a container"): the ARN
# of an SSM parameter, or of a Secrets Manager secret, optionally followed by :<json key>:<version stage>:<version id>
# (each part may be empty).  A name alone would work in the same region, but IAM grants need the ARN.
SECRET_REFERENCE = re.compile(
    r"^arn:aws[a-z-]*:(ssm:[a-z0-9-]+:\d{12}:parameter/.+"
    r"|secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@!-]+(:[^:]*:[^:]*:[^:]*)?)$"
)
ENVIRONMENT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# ---------------------------------------------------------------- owned fields


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


# ---------------------------------------------------------------- registering a revision once


def same_revision(described, made, request):
    """Whether a described revision (DescribeTaskDefinition's answer, with tags) owns what ``made`` owns and the tags
    of ``request``."""
    return normalise_task_definition(described["taskDefinition"]) == normalise_task_definition(made) and (
        boto3_tag_list_to_ansible_dict(described.get("tags") or [], "key", "value")
        == boto3_tag_list_to_ansible_dict(request.get("tags") or [], "key", "value")
    )


def register_once(client, request, older=0):
    """RegisterTaskDefinition, once: the ARN of the revision to run.

    RegisterTaskDefinition takes no idempotency token: when its answer is lost after it reached ECS, botocore sends it
    again and each try registers a revision.  One read of the family's ACTIVE revisions follows every register: the
    revisions just below the one answered, down to ``older`` (the revision the request was compared with and found
    different; 0: none) excluded, that own the same fields and tags are such tries (each one described).  The first of
    them is kept (the revision a run without faults registers, so revision numbers stay those of one register); the
    later ones, the answered one included, are deregistered and deleted.
    """
    made = ecs.register_task_definition(client, request)
    prefix, newest = made["taskDefinitionArn"].rsplit(":", 1)[0], made["revision"]
    active = {int(arn.rsplit(":", 1)[1]) for arn in ecs.list_task_definitions(client, made["family"])}
    first = newest
    while first - 1 > older and first - 1 in active and same_revision(
        ecs.describe_task_definition(client, f"{prefix}:{first - 1}"), made, request
    ):
        first -= 1
    copies = [f"{prefix}:{revision}" for revision in range(first + 1, newest + 1)]
    for arn in copies:
        ecs.deregister_task_definition(client, arn)
    if copies:
        ecs.delete_task_definitions(client, copies)
    return f"{prefix}:{first}"


# ---------------------------------------------------------------- the family of ecs_fargate_service


def latest_active_task_definition(client, family):
    """(task definition, tags list) of the newest ACTIVE revision of ``family``, or (None, [])."""
    arns = ecs.list_task_definitions(client, family)
    if not arns:
        return None, []
    answer = ecs.describe_task_definition(client, arns[-1])
    return answer["taskDefinition"], answer.get("tags") or []


class TaskDefinitionFamily:
    """The revisions of the family of ecs_fargate_service: the one to compare with (the newest ACTIVE one, or the one
    the service runs), a new one when the owned fields change, and with state=absent all deregistered, then deleted."""

    def __init__(self, ctx, family):
        self.ctx = ctx
        self.family = family

    def deployed_image(self, service):
        """(task definition, its tags, image of container_name) the service runs, with keep_deployed_image; else Nones."""
        p = self.ctx.p
        if not (p["keep_deployed_image"] and service):
            return None, None, None
        answer = ecs.describe_task_definition(self.ctx.client, service["taskDefinition"])
        containers = answer["taskDefinition"].get("containerDefinitions") or []
        image = next((c.get("image") for c in containers if c.get("name") == p["container_name"]), None)
        return (answer["taskDefinition"], answer.get("tags") or [], image) if image else (None, None, None)

    def ensure(self, image, deployed=None, deployed_tags=None):
        """(ARN of the revision to run, True when this run registers it, changed); ``deployed``: the revision to compare with."""
        ctx = self.ctx
        current, tags = (deployed, deployed_tags) if deployed else latest_active_task_definition(ctx.client, self.family)
        wanted = task_definition_request(dict(ctx.p, image=image), self.family, ctx.client.meta.region_name)
        changes = diff_owned(normalise_task_definition(wanted), normalise_task_definition(current), TD_FIELDS)
        if not changes:
            arn = current["taskDefinitionArn"]
            return arn, False, ctx.sync_tags("task_definition", arn, boto3_tag_list_to_ansible_dict(tags, "key", "value"))
        ctx.diff.add(
            "task_definition",
            {k: v["before"] for k, v in changes.items()},
            {k: v["after"] for k, v in changes.items()},
        )
        if ctx.check_mode:
            revision = (current or {}).get("revision", 0) + 1
            return f"{self.family}:{revision}", True, True
        request = {k: v for k, v in wanted.items() if v != ""}
        if ctx.p["tags"]:
            request["tags"] = ctx.tag_list()
        return register_once(ctx.client, request, (current or {}).get("revision", 0)), True, True

    def remove(self):
        """Deregister every ACTIVE revision, then delete them with the INACTIVE ones of earlier deploys (a deregistered
        revision stays until deleted); returns (changed, the deregistered ARNs, the deleted ARNs)."""
        ctx = self.ctx
        changed = False
        arns = ecs.list_task_definitions(ctx.client, self.family)
        if arns:
            changed = True
            ctx.diff.add("task_definitions", arns, None)
            if not ctx.check_mode:
                for arn in arns:
                    ecs.deregister_task_definition(ctx.client, arn)
        inactive = sorted(set(ecs.list_task_definitions(ctx.client, self.family, status="INACTIVE")) | set(arns))
        if inactive:
            changed = True
            if not ctx.check_mode:
                ecs.delete_task_definitions(ctx.client, inactive)
        return changed, arns, inactive


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
