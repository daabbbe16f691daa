"""Fidelity patches of the emulator: where moto 5.2 differs from AWS in a way that would hide a defect of the
deploy flows, make it behave as AWS documents.

Applied by ``tools/emulator.py serve`` inside the emulator process, before the server starts (``apply()``);
nothing here is imported by the collection, and modules never learn that they talk to an emulator.  Tests
apply and undo the patches around an in-process server with ``patched()``.  Every setting is read from the
server's environment when a request needs it (not once at start):

  EMULATOR_ECS_ROLLOUT_SECONDS (2)   seconds a new ECS deployment stays IN_PROGRESS before it completes
                                     (or fails); a rollback deployment takes as long again
  EMULATOR_ECS_FAIL_IMAGE (fail)     a deployment fails when the tag of an image of its task definition
                                     starts with this (``repo:fail``, ``repo:fail-123``); empty: none fails
  EMULATOR_CLOUDFRONT_INVALIDATION_SECONDS (0)
                                     seconds a new invalidation reports InProgress before Completed (read
                                     when the invalidation is created)

The patches (each cites the AWS behaviour it restores):

1. ECS deployments (API reference ``Deployment``, ``UpdateService``; Developer Guide "rolling update"):
   CreateService, and UpdateService with a new task definition or ``forceNewDeployment``, start a new
   PRIMARY deployment (id ``ecs-svc/<19 digits>``, rolloutState IN_PROGRESS, the new task definition);
   the previous PRIMARY becomes ACTIVE and keeps running its tasks.  When the rollout time has passed the
   deployment is COMPLETED with runningCount = desiredCount, the other deployments are gone, and the
   service logs "(deployment ...) deployment completed." and "has reached a steady state.".  moto kept
   one deployment for ever and did not even change its task definition.
2. Circuit breaker and rollback (API reference ``DeploymentCircuitBreaker``; Developer Guide "How the
   Amazon ECS deployment circuit breaker detects failures"): a deployment whose image matches
   EMULATOR_ECS_FAIL_IMAGE (and that has tasks to start) fails its tasks.  With the breaker enabled it
   becomes FAILED (failedTasks = the breaker's threshold, min(max(3, ceil(desired / 2)), 200)) with the
   event "(service S) (deployment D) deployment failed: tasks failed to start."; with ``rollback`` the
   service returns to the task definition of the last COMPLETED deployment in a new PRIMARY deployment
   ("(service S) rolling back to deployment D0."), which completes after the rollout time.  With the
   breaker disabled the deployment stays IN_PROGRESS and keeps failing tasks, as on AWS.
3. Running counts follow desired counts (API reference ``Service``: runningCount, pendingCount): the
   service's counts are the sums over its deployments; a deployment's tasks are pending until it
   completes; UpdateService with only a desired count starts no deployment and the completed PRIMARY
   runs the new count at once (a service with desired 0 runs 0).  ``MOTO_ECS_SERVICE_RUNNING`` no
   longer matters.  UpdateService stores the task definition's ARN, not the string sent.
4. Settings kept as sent (API reference ``Service``): ``deploymentConfiguration`` (with AWS's defaults
   maximumPercent 200, minimumHealthyPercent 100, circuit breaker off, for what is not sent),
   ``healthCheckGracePeriodSeconds`` (only when sent) and ``enableECSManagedTags`` are stored by
   CreateService and returned by DescribeServices; ``events`` are returned newest first (at most 100).
5. CloudFront invalidation status (API reference ``Invalidation``: "InProgress" or "Completed"): moto
   said "COMPLETED", so boto3's ``invalidation_completed`` waiter never finished.
6. Bucket policies' ``aws:SecureTransport`` (S3 User Guide, "Enforce encryption of data in transit" and
   "Amazon S3 condition key examples"): a statement with ``Bool {"aws:SecureTransport": "false"}`` applies to
   plain-HTTP requests only.  moto ignores the condition, so the bucket role's deny of non-TLS requests denied
   every request.  The emulator's plain-HTTP endpoint stands in for AWS's HTTPS one (every SDK call of the
   collection uses TLS on AWS), so requests count as secure transport and such a statement does not apply.
7. Origin access control names are unique in an account (CloudFront API reference ``CreateOriginAccessControl``,
   error ``OriginAccessControlAlreadyExists``, HTTP 409; the name is account-wide, aws-samples/
   amazon-cloudfront-secure-static-site#65): a second create with a taken name is refused.  moto created a
   second control of the same name, so a create retried after its answer was lost (its first try had reached
   AWS) left duplicates instead of showing how the module handles AWS's refusal.  A delete of a control that does
   not exist answers ``NoSuchOriginAccessControl`` (HTTP 404, API reference ``DeleteOriginAccessControl``); moto
   failed with HTTP 500 (a KeyError), which botocore retried until it gave up.
8. Elastic Load Balancing creates are idempotent (ELBv2 API reference ``CreateLoadBalancer``,
   ``CreateTargetGroup``, ``CreateListener``: "This operation is idempotent, which means that it completes at most
   one time. If you attempt to create multiple ... with the same settings, each call succeeds."; errors
   ``DuplicateLoadBalancerName``, ``DuplicateTargetGroupName``, ``DuplicateListener`` "A listener with the
   specified port already exists."): a create that repeats an existing load balancer (name, scheme, type,
   subnets, security groups), target group (name, protocol, port, VPC, target type) or listener (load balancer,
   port, protocol, certificate, default actions) answers with it; other settings under a taken name or port are
   refused.  moto made a second load balancer of the same name and a listener per try on one port (it looked
   the port up among the listeners' ARNs), and refused a repeated target group, so a create retried after its
   answer was lost left copies, or failed where AWS succeeds.
9. Route 53 caller references are used once (API reference ``CreateHostedZone``: "You must use a unique
   CallerReference string every time you submit a CreateHostedZone request"; error ``HostedZoneAlreadyExists``,
   HTTP 409, "returned when a hosted zone has already been created with the specified CallerReference"): a
   create with a reference used before, even by a zone since deleted, is refused.  moto made a second zone of
   the same name, so a create retried after its answer was lost left two zones.
10. Application Auto Scaling's "not found" (API reference ``DeleteScalingPolicy``, ``DeregisterScalableTarget``,
   error ``ObjectNotFoundException``: "For any operation that deletes or deregisters a resource, this exception is
   thrown if the resource cannot be found."): moto answered ``ValidationException``, so a delete retried after its
   answer was lost failed instead of finding the policy or target gone.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import math
import functools
import json
import os
import threading
import time
import uuid

SETTINGS = {
    "EMULATOR_ECS_ROLLOUT_SECONDS": "2",
    "EMULATOR_ECS_FAIL_IMAGE": "fail",
    "EMULATOR_CLOUDFRONT_INVALIDATION_SECONDS": "0",
}
DEFAULT_DEPLOYMENT_CONFIGURATION = {
    "deploymentCircuitBreaker": {"enable": False, "rollback": False},
    "maximumPercent": 200,
    "minimumHealthyPercent": 100,
}
MAX_EVENTS = 100
# The server answers requests on several threads: one ECS change at a time, so that no deployment settles twice.
_ECS_LOCK = threading.RLock()


def _serialised(function):
    @functools.wraps(function)
    def locked(*args, **kwargs):
        with _ECS_LOCK:
            return function(*args, **kwargs)

    return locked


def setting(name: str) -> str:
    return os.environ.get(name, SETTINGS[name])


def seconds(name: str) -> float:
    """A non-negative number of seconds from the environment; the default when it is not a number."""
    try:
        return max(float(setting(name)), 0.0)
    except ValueError:
        return float(SETTINGS[name])


def _timestamp(at: float) -> datetime.datetime:
    """moto's timestamps are naive UTC datetimes."""
    return datetime.datetime.fromtimestamp(at, datetime.timezone.utc).replace(tzinfo=None)


def image_tag(image: str) -> str:
    """The tag of an image reference (``latest`` when it names none, empty when it names a digest only)."""
    name, _at, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        return last.split(":", 1)[1]
    return "" if digest else "latest"


# --- ECS ---------------------------------------------------------------------------------------------------


class _Rollouts:
    """What the emulator knows of a service's deployments beyond their AWS shape (kept on the Service)."""

    def __init__(self):
        self.started: dict[str, float] = {}  # deployment id -> time.time() it started
        self.fails: dict[str, bool] = {}
        self.stuck: set[str] = set()  # failing with the circuit breaker off: IN_PROGRESS for ever
        self.last_completed: tuple[str, str] | None = None  # (deployment id, task definition ARN)


def _rollouts(service) -> _Rollouts:
    state = getattr(service, "_emulator_rollouts", None)
    if state is None:
        state = service._emulator_rollouts = _Rollouts()
    return state


def _fails(backend, task_definition: str | None) -> bool:
    marker = setting("EMULATOR_ECS_FAIL_IMAGE")
    if not marker or not task_definition:
        return False
    definition = backend.describe_task_definition(task_definition)
    return any(image_tag(c.get("image") or "").startswith(marker) for c in definition.container_definitions or [])


def _event(service, at: float, message: str) -> None:
    service.events.insert(0, {"id": str(uuid.uuid4()), "createdAt": _timestamp(at), "message": message})
    del service.events[MAX_EVENTS:]


def _start_deployment(backend, service, task_definition: str, at: float, fails: bool | None = None) -> dict:
    """A new PRIMARY deployment of task_definition started at `at`; the previous PRIMARY becomes ACTIVE."""
    from moto.moto_api._internal import mock_random

    state = _rollouts(service)
    deployment_id = f"ecs-svc/{mock_random.randint(10**18, 10**19 - 1)}"
    for deployment in service.deployments:
        if deployment["status"] == "PRIMARY":
            deployment["status"] = "ACTIVE"
            deployment["updatedAt"] = _timestamp(at)
    deployment = {
        "id": deployment_id,
        "status": "PRIMARY",
        "taskDefinition": task_definition,
        "desiredCount": service.desired_count,
        "pendingCount": service.desired_count,
        "runningCount": 0,
        "failedTasks": 0,
        "createdAt": _timestamp(at),
        "updatedAt": _timestamp(at),
        "launchType": service.launch_type,
        "platformVersion": service.platform_version,
        "platformFamily": "EC2" if service.launch_type == "EC2" else "FARGATE",
        "networkConfiguration": service.network_configuration or None,
        "rolloutState": "IN_PROGRESS",
        "rolloutStateReason": f"ECS deployment {deployment_id} in progress.",
    }
    service.deployments.insert(0, deployment)
    state.started[deployment_id] = at
    state.fails[deployment_id] = _fails(backend, task_definition) if fails is None else fails
    return deployment


def _complete(service, deployment: dict, at: float) -> None:
    state = _rollouts(service)
    deployment.update(rolloutState="COMPLETED", rolloutStateReason=f"ECS deployment {deployment['id']} completed.",
                      runningCount=deployment["desiredCount"], pendingCount=0, updatedAt=_timestamp(at))
    state.last_completed = (deployment["id"], deployment["taskDefinition"])
    if deployment["status"] == "PRIMARY":
        service.deployments[:] = [deployment]
        _event(service, at, f"(service {service.name}) (deployment {deployment['id']}) deployment completed.")
        _event(service, at, f"(service {service.name}) has reached a steady state.")


def _fail(backend, service, deployment: dict, at: float) -> None:
    state = _rollouts(service)
    breaker = deployment_configuration(service)["deploymentCircuitBreaker"]
    threshold = min(max(3, math.ceil(deployment["desiredCount"] / 2)), 200)
    deployment.update(failedTasks=threshold, runningCount=0, pendingCount=deployment["desiredCount"],
                      updatedAt=_timestamp(at))
    if not breaker.get("enable"):
        state.stuck.add(deployment["id"])
        return
    deployment.update(rolloutState="FAILED", pendingCount=0,
                      rolloutStateReason="ECS deployment circuit breaker: tasks failed to start.")
    _event(service, at, f"(service {service.name}) (deployment {deployment['id']}) deployment failed: tasks failed to start.")
    if breaker.get("rollback") and state.last_completed and deployment["status"] == "PRIMARY":
        target_id, target = state.last_completed
        _event(service, at, f"(service {service.name}) rolling back to deployment {target_id}.")
        service.task_definition = target
        _start_deployment(backend, service, target, at, fails=False)


def _recount(backend, service) -> None:
    """The service's counts are the sums over its deployments; the cluster's counts follow."""
    running = sum(d.get("runningCount", 0) for d in service.deployments)
    pending = sum(d.get("pendingCount", 0) for d in service.deployments)
    cluster = backend.clusters.get(service.cluster_name)
    if cluster is not None:
        cluster.running_tasks_count += running - service.running_count
        cluster.pending_tasks_count += pending - service.pending_count
    service.running_count, service.pending_count = running, pending


def advance(backend, service, now: float | None = None) -> None:
    """Settle every deployment whose rollout time has passed, oldest first (a rollback may start and settle too)."""
    if service.deployment_controller.get("type", "ECS") != "ECS" or service.status != "ACTIVE":
        return
    state = _rollouts(service)
    rollout = seconds("EMULATOR_ECS_ROLLOUT_SECONDS")
    now = time.time() if now is None else now
    while True:
        due = [d for d in service.deployments
               if d["rolloutState"] == "IN_PROGRESS" and d["id"] in state.started and d["id"] not in state.stuck
               and state.started[d["id"]] + rollout <= now]
        if not due:
            break
        deployment = min(due, key=lambda d: state.started[d["id"]])
        at = state.started[deployment["id"]] + rollout
        if state.fails[deployment["id"]] and deployment["desiredCount"] > 0:
            _fail(backend, service, deployment, at)
        else:
            _complete(service, deployment, at)
    _recount(backend, service)


def deployment_configuration(service) -> dict:
    return getattr(service, "deployment_configuration", None) or DEFAULT_DEPLOYMENT_CONFIGURATION


def _merge_configuration(previous: dict | None, sent: dict | None) -> dict:
    """AWS's defaults, then what the service had, then what was sent (a sent circuit breaker replaces the old one)."""
    merged = {**DEFAULT_DEPLOYMENT_CONFIGURATION, **(previous or {})}
    merged.update({k: v for k, v in (sent or {}).items() if v is not None})
    return merged


def _create_service(original):
    @_serialised
    def create_service(self, cluster_str, service_name, desired_count, *args, **kwargs):
        cluster = self._get_cluster(cluster_str)
        counts = cluster.running_tasks_count, cluster.pending_tasks_count
        service = original(self, cluster_str, service_name, desired_count, *args, **kwargs)
        # moto counted MOTO_ECS_SERVICE_RUNNING tasks; the deployment below starts them instead.
        cluster.running_tasks_count, cluster.pending_tasks_count = counts
        service.running_count = service.pending_count = 0
        if service.deployment_controller.get("type", "ECS") == "ECS" and service.task_definition:
            service.deployments = []
            service.deployment_configuration = _merge_configuration(None, None)
            _start_deployment(self, service, service.task_definition, time.time())
        _recount(self, service)
        return service

    return create_service


def _update_service(original):
    from moto.ecs.exceptions import ECSException

    @_serialised
    def update_service(self, service_properties):
        cluster_str = service_properties.get("cluster", "default")
        try:
            cluster = self._get_cluster(cluster_str)
            service = self._get_service(cluster_str, service_properties["service"].split("/")[-1])
        except (ECSException, KeyError):  # unknown cluster or service: moto's own call raises what AWS would
            return original(self, service_properties)
        advance(self, service)
        before = service.task_definition
        previous_configuration = deployment_configuration(service)
        sent_configuration = service_properties.get("deployment_configuration")
        wanted = service_properties.get("task_definition")
        # moto's own forceNewDeployment renames the PRIMARY deployment in place; a new one is started below instead.
        force = bool(service_properties.pop("force_new_deployment", False))
        desired = service_properties.get("desired_count")
        counts = cluster.running_tasks_count, cluster.pending_tasks_count
        running, pending = service.running_count, service.pending_count
        original(self, service_properties)
        # moto zeroed the service's tasks on the cluster and made running = desired: counts come from deployments.
        cluster.running_tasks_count, cluster.pending_tasks_count = counts
        service.running_count, service.pending_count = running, pending
        if wanted:
            service.task_definition = self.describe_task_definition(wanted).arn
        if service.deployment_controller.get("type", "ECS") == "ECS":
            service.deployment_configuration = _merge_configuration(previous_configuration, sent_configuration)
            if service.task_definition != before or force:
                _start_deployment(self, service, service.task_definition, time.time())
            elif desired is not None:
                _scale(service, service.desired_count)
        _recount(self, service)
        return service

    return update_service


def _scale(service, desired: int) -> None:
    """A desired count change without a deployment: the PRIMARY deployment runs (or will run) that many tasks."""
    for deployment in service.deployments:
        if deployment["status"] != "PRIMARY":
            continue
        deployment["desiredCount"] = desired
        if deployment["rolloutState"] == "COMPLETED":
            deployment.update(runningCount=desired, pendingCount=0)
        elif deployment["rolloutState"] == "IN_PROGRESS":
            deployment["pendingCount"] = max(desired - deployment["runningCount"], 0)


def _describe_services(original):
    @_serialised
    def describe_services(self, cluster_str, service_names_or_arns):
        services, failures = original(self, cluster_str, service_names_or_arns)
        for service in services:
            advance(self, service)
        return services, failures

    return describe_services


def _create_service_response(original):
    """CreateService: keep what moto's request parsing drops (deploymentConfiguration, grace period, managed tags)."""

    def create_service(self):
        result = original(self)
        service = self.ecs_backend._get_service(self._get_param("cluster", "default"), self._get_param("serviceName"))
        if service.deployment_controller.get("type", "ECS") == "ECS":
            service.deployment_configuration = _merge_configuration(None, self._get_param("deploymentConfiguration"))
        elif self._get_param("deploymentConfiguration") is not None:
            service.deployment_configuration = self._get_param("deploymentConfiguration")
        if self._get_param("healthCheckGracePeriodSeconds") is not None:
            service.health_check_grace_period_seconds = self._get_int_param("healthCheckGracePeriodSeconds")
        if self._get_param("enableECSManagedTags") is not None:
            service.enable_ecs_managed_tags = self._get_bool_param("enableECSManagedTags")
        return result

    return create_service


# --- CloudFront ----------------------------------------------------------------------------------------------


def _invalidation_status():
    def get(self):
        ready = getattr(self, "_emulator_ready_at", 0.0)
        return "InProgress" if time.time() < ready else "Completed"

    def set_(self, _value):
        # moto's constructor sets "COMPLETED": the status is derived from the time the invalidation was created,
        # with the setting of that moment (an invalidation once Completed never goes back).
        self._emulator_ready_at = time.time() + seconds("EMULATOR_CLOUDFRONT_INVALIDATION_SECONDS")

    return property(get, set_)


# The emulator's plain-HTTP endpoint stands in for AWS's HTTPS endpoint.
SECURE_TRANSPORT = "true"


def _condition_holds(condition) -> bool:
    """False when a ``Bool`` ``aws:SecureTransport`` condition excludes TLS requests; other conditions are left to
    moto."""
    for operator, keys in (condition or {}).items():
        if not operator.lower().startswith("bool"):
            continue
        for key, value in keys.items():
            wanted = value if isinstance(value, list) else [value]
            if key.lower() == "aws:securetransport" and SECURE_TRANSPORT not in [str(v).lower() for v in wanted]:
                return False
    return True


def _bucket_permission(original):
    @functools.wraps(original)
    def get_permission(self, action, resource):
        if self.policy is None:
            return original(self, action, resource)
        document = json.loads(self.policy)
        statements = document.get("Statement", [])
        statements = statements if isinstance(statements, list) else [statements]
        applying = [statement for statement in statements if _condition_holds(statement.get("Condition"))]
        if len(applying) == len(statements):
            return original(self, action, resource)
        from moto.iam.access_control import IAMPolicy, PermissionResult

        if not applying:
            return PermissionResult.NEUTRAL
        return IAMPolicy(json.dumps({**document, "Statement": applying})).is_action_permitted(action, resource)

    return get_permission


def _create_origin_access_control(original):
    @functools.wraps(original)
    def create_origin_access_control(self, config_dict):
        name = config_dict.get("Name")
        if any(control.name == name for control in self.origin_access_controls.values()):
            from moto.cloudfront.exceptions import CloudFrontException

            refused = CloudFrontException("OriginAccessControlAlreadyExists",
                                          f"An origin access control with the name {name} already exists.")
            refused.http_status_code = 409
            raise refused
        return original(self, config_dict)

    return create_origin_access_control


def _delete_origin_access_control(original):
    @functools.wraps(original)
    def delete_origin_access_control(self, control_id):
        if control_id not in self.origin_access_controls:
            from moto.cloudfront.exceptions import NoSuchOriginAccessControl

            raise NoSuchOriginAccessControl
        return original(self, control_id)

    return delete_origin_access_control


# --- Elastic Load Balancing v2 ------------------------------------------------------------------------------


def _ids(items) -> set:
    return {getattr(item, "id", item) for item in items or ()}


def _create_load_balancer(original):
    @functools.wraps(original)
    def create_load_balancer(self, name, security_groups, subnet_ids, subnet_mappings=None, scheme="internet-facing",
                             loadbalancer_type=None, **kwargs):
        taken = next((lb for lb in self.load_balancers.values() if lb.name == name), None)
        if taken is None:
            return original(self, name, security_groups, subnet_ids, subnet_mappings, scheme, loadbalancer_type, **kwargs)
        subnets = _ids(subnet_ids) | {m["SubnetId"] for m in subnet_mappings or ()}
        if (taken.scheme, taken.type, _ids(taken.subnets), set(taken.security_groups)) == (
                scheme or "internet-facing", loadbalancer_type or "application", subnets, set(security_groups or ())):
            return taken
        from moto.elbv2.exceptions import DuplicateLoadBalancerName

        raise DuplicateLoadBalancerName()

    return create_load_balancer


def _create_target_group(original):
    @functools.wraps(original)
    def create_target_group(self, name, **kwargs):
        taken = next((group for group in self.target_groups.values() if group.name == name), None)
        if taken is None:
            return original(self, name, **kwargs)
        wanted = (kwargs.get("protocol"), str(kwargs.get("port")), kwargs.get("vpc_id"), kwargs.get("target_type") or "instance")
        if (taken.protocol, str(taken.port), taken.vpc_id, taken.target_type) == wanted:
            return taken
        from moto.elbv2.exceptions import DuplicateTargetGroupName

        raise DuplicateTargetGroupName()

    return create_target_group


def _create_listener(original):
    @functools.wraps(original)
    def create_listener(self, load_balancer_arn, protocol, port, ssl_policy, certificate, actions, *args, **kwargs):
        balancer = self.load_balancers.get(load_balancer_arn)
        listeners = balancer.listeners.values() if balancer else ()
        taken = next((listener for listener in listeners if str(listener.port) == str(port)), None)
        if taken is None:
            return original(self, load_balancer_arn, protocol, port, ssl_policy, certificate, actions, *args, **kwargs)
        from moto.elbv2.exceptions import DuplicateListenerError
        from moto.elbv2.models import FakeAction

        sent = [FakeAction(copy.deepcopy(action)).data for action in actions]
        if (taken.protocol, taken.certificate, [a.data for a in taken.default_actions]) == ((protocol or "").upper(), certificate, sent):
            return taken
        raise DuplicateListenerError()

    return create_listener


# --- Route 53 ----------------------------------------------------------------------------------------------


def _create_hosted_zone(original):
    @functools.wraps(original)
    def create_hosted_zone(self, name, *args, caller_reference=None, **kwargs):
        used = self.__dict__.setdefault("jwtpizza_caller_references", set())
        references = used | {zone.caller_reference for zone in self.zones.values()}
        if caller_reference and caller_reference in references:
            from moto.route53.exceptions import Route53ClientError

            message = f"A hosted zone has already been created with the specified caller reference: {caller_reference}"
            raise Route53ClientError("HostedZoneAlreadyExists", message)
        zone = original(self, name, *args, caller_reference=caller_reference, **kwargs)
        used.add(zone.caller_reference)
        return zone

    return create_hosted_zone


# --- Application Auto Scaling ---------------------------------------------------------------------------------


def _object_not_found(original):
    @functools.wraps(original)
    def delete(self, *args, **kwargs):
        from moto.applicationautoscaling.exceptions import AWSValidationException
        from moto.core.exceptions import JsonRESTError

        try:
            return original(self, *args, **kwargs)
        except AWSValidationException as exc:
            if not exc.message.startswith(("No scaling policy found", "No scalable target found")):
                raise
            raise JsonRESTError("ObjectNotFoundException", exc.message) from exc

    return delete


# --- applying ----------------------------------------------------------------------------------------------


def _targets():
    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend
    from moto.cloudfront.models import CloudFrontBackend
    from moto.cloudfront.models import Invalidation
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.ecs.responses import EC2ContainerServiceResponse
    from moto.elbv2.models import ELBv2Backend
    from moto.route53.models import Route53Backend
    from moto.s3.models import FakeBucket

    backend, response = EC2ContainerServiceBackend, EC2ContainerServiceResponse
    return [
        (backend, "create_service", _create_service(backend.create_service)),
        (backend, "update_service", _update_service(backend.update_service)),
        (backend, "describe_services", _describe_services(backend.describe_services)),
        (response, "create_service", _create_service_response(response.create_service)),
        (Invalidation, "status", _invalidation_status()),
        (FakeBucket, "get_permission", _bucket_permission(FakeBucket.get_permission)),
        (CloudFrontBackend, "create_origin_access_control",
         _create_origin_access_control(CloudFrontBackend.create_origin_access_control)),
        (CloudFrontBackend, "delete_origin_access_control",
         _delete_origin_access_control(CloudFrontBackend.delete_origin_access_control)),
        (ELBv2Backend, "create_load_balancer", _create_load_balancer(ELBv2Backend.create_load_balancer)),
        (ELBv2Backend, "create_target_group", _create_target_group(ELBv2Backend.create_target_group)),
        (ELBv2Backend, "create_listener", _create_listener(ELBv2Backend.create_listener)),
        (Route53Backend, "create_hosted_zone", _create_hosted_zone(Route53Backend.create_hosted_zone)),
        (ApplicationAutoscalingBackend, "delete_scaling_policy", _object_not_found(ApplicationAutoscalingBackend.delete_scaling_policy)),
        (ApplicationAutoscalingBackend, "deregister_scalable_target",
         _object_not_found(ApplicationAutoscalingBackend.deregister_scalable_target)),
    ]


_applied: list[tuple[object, str, object, bool]] = []


def apply() -> None:
    """Patch moto's classes in this process (idempotent)."""
    if _applied:
        return
    for owner, name, replacement in _targets():
        _applied.append((owner, name, owner.__dict__.get(name), name in owner.__dict__))
        setattr(owner, name, replacement)


def undo() -> None:
    """Give moto's classes back their own behaviour."""
    while _applied:
        owner, name, original, had = _applied.pop()
        if had:
            setattr(owner, name, original)
        else:
            delattr(owner, name)


@contextlib.contextmanager
def patched():
    """The patches for the duration of a with block (tests)."""
    apply()
    try:
        yield
    finally:
        undo()
