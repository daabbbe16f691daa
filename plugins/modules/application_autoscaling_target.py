#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: application_autoscaling_target
short_description: Register or deregister an Application Auto Scaling target with its target-tracking policies
version_added: 0.1.0
description:
  - Reads the scalable target and its scaling policies once, registers the target when it is missing or its
    capacity bounds differ, and puts each target-tracking policy whose configuration differs.
  - Policies of the target not listed in I(target_tracking_policies) are deleted when I(purge_policies=true).
  - With I(state=absent) every scaling policy of the target is deleted, then the target is deregistered (AWS
    deletes the policies with the target, the moto emulator does not, so they are deleted explicitly).
  - "Normalisation: a read that omits C(DisableScaleIn) means C(false); cooldowns the request leaves unset are not
    compared; target values are compared as numbers."
author:
  - jwtpizza.cloud developers (@jwtpizza)
options:
  state:
    description: C(present) or C(absent).
    type: str
    choices: [present, absent]
    default: present
  service_namespace:
    description: Namespace of the scaled service.
    type: str
    default: ecs
  resource_id:
    description: The scaled resource, for an ECS service C(service/<cluster>/<service>).
    type: str
    required: true
  scalable_dimension:
    description: The scaled dimension.
    type: str
    default: ecs:service:DesiredCount
  min_capacity:
    description: Lowest capacity scale-in may reach. Required with I(state=present).
    type: int
  max_capacity:
    description: Highest capacity scale-out may reach. Required with I(state=present).
    type: int
  target_tracking_policies:
    description: Target-tracking policies on predefined metrics.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Policy name, unique per target.
        type: str
        required: true
      predefined_metric_type:
        description: Predefined metric, for example C(ECSServiceAverageCPUUtilization) or C(ALBRequestCountPerTarget).
        type: str
        required: true
      resource_label:
        description: For C(ALBRequestCountPerTarget), C(app/<alb>/<id>/targetgroup/<tg>/<id>).
        type: str
      target_value:
        description: Value of the metric the policy keeps.
        type: float
        required: true
      scale_in_cooldown:
        description: Seconds after a scale-in before the next one.
        type: int
      scale_out_cooldown:
        description: Seconds after a scale-out before the next one.
        type: int
      disable_scale_in:
        description: Never scale in by this policy.
        type: bool
        default: false
  purge_policies:
    description: Delete policies of the target not listed in I(target_tracking_policies).
    type: bool
    default: true
attributes:
  check_mode:
    support: full
    details:
      - A target still to be registered is reported with the requested capacity.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
"""

EXAMPLES = r"""
- name: Scale the backend between 1 and 4 tasks on CPU and on requests per target
  jwtpizza.cloud.application_autoscaling_target:
    resource_id: service/jwt-pizza-dev/jwt-pizza-dev-service
    min_capacity: 1
    max_capacity: 4
    target_tracking_policies:
      - name: jwt-pizza-dev-service-cpu
        predefined_metric_type: ECSServiceAverageCPUUtilization
        target_value: 60
      - name: jwt-pizza-dev-service-requests
        predefined_metric_type: ALBRequestCountPerTarget
        resource_label: app/jwt-pizza-dev-alb/0123456789abcdef/targetgroup/jwt-pizza-dev-tg/fedcba9876543210
        target_value: 500

- name: Delete the policies and deregister the target
  jwtpizza.cloud.application_autoscaling_target:
    resource_id: service/jwt-pizza-dev/jwt-pizza-dev-service
    state: absent
"""

RETURN = r"""
target:
  description: The scalable target after this run (empty when absent).
  returned: always
  type: dict
  sample:
    resource_id: service/jwt-pizza-dev/jwt-pizza-dev-service
    min_capacity: 1
    max_capacity: 4
policies:
  description: Names of the target's scaling policies after this run.
  returned: always
  type: list
  elements: str
  sample:
    - jwt-pizza-dev-service-cpu
"""

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import ApplicationAutoScalingErrors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import DiffTracker
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import state_option


@ApplicationAutoScalingErrors.call("describe scalable target")
def describe_target(client, namespace, resource_id, dimension):
    targets = client.describe_scalable_targets(
        ServiceNamespace=namespace, ResourceIds=[resource_id], ScalableDimension=dimension
    )["ScalableTargets"]
    return targets[0] if targets else None


@ApplicationAutoScalingErrors.call("register scalable target")
def register_target(client, namespace, resource_id, dimension, min_capacity, max_capacity):
    client.register_scalable_target(
        ServiceNamespace=namespace, ResourceId=resource_id, ScalableDimension=dimension,
        MinCapacity=min_capacity, MaxCapacity=max_capacity,
    )


@ApplicationAutoScalingErrors.delete("deregister scalable target")
def deregister_target(client, namespace, resource_id, dimension):
    client.deregister_scalable_target(ServiceNamespace=namespace, ResourceId=resource_id, ScalableDimension=dimension)


@ApplicationAutoScalingErrors.call("describe scaling policies")
def describe_policies(client, namespace, resource_id, dimension):
    paginator = client.get_paginator("describe_scaling_policies")
    policies = paginator.paginate(
        ServiceNamespace=namespace, ResourceId=resource_id, ScalableDimension=dimension
    ).build_full_result()["ScalingPolicies"]
    # moto matches ResourceId as a substring: keep only this target's policies.
    return [p for p in policies if p["ResourceId"] == resource_id]


@ApplicationAutoScalingErrors.call("put scaling policy")
def put_policy(client, namespace, resource_id, dimension, name, configuration):
    client.put_scaling_policy(
        PolicyName=name, ServiceNamespace=namespace, ResourceId=resource_id, ScalableDimension=dimension,
        PolicyType="TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration=configuration,
    )


@ApplicationAutoScalingErrors.delete("delete scaling policy")
def delete_policy(client, namespace, resource_id, dimension, name):
    client.delete_scaling_policy(
        PolicyName=name, ServiceNamespace=namespace, ResourceId=resource_id, ScalableDimension=dimension
    )


def policy_configuration(policy):
    """The TargetTrackingScalingPolicyConfiguration a policy option asks for."""
    metric = {"PredefinedMetricType": policy["predefined_metric_type"]}
    if policy.get("resource_label"):
        metric["ResourceLabel"] = policy["resource_label"]
    configuration = {
        "TargetValue": float(policy["target_value"]),
        "PredefinedMetricSpecification": metric,
        "DisableScaleIn": bool(policy.get("disable_scale_in")),
    }
    if policy.get("scale_in_cooldown") is not None:
        configuration["ScaleInCooldown"] = policy["scale_in_cooldown"]
    if policy.get("scale_out_cooldown") is not None:
        configuration["ScaleOutCooldown"] = policy["scale_out_cooldown"]
    return configuration


def normalise(current, wanted):
    """The owned part of a read configuration, in the shape of the wanted one."""
    if not current:
        return None
    metric = current.get("PredefinedMetricSpecification") or {}
    read = {
        "TargetValue": float(current.get("TargetValue", 0)),
        "PredefinedMetricSpecification": {
            k: v for k, v in metric.items() if k in ("PredefinedMetricType", "ResourceLabel") and v
        },
        "DisableScaleIn": bool(current.get("DisableScaleIn", False)),
    }
    for key in ("ScaleInCooldown", "ScaleOutCooldown"):
        if key in wanted:
            read[key] = current.get(key)
    return read


class ScalableTarget:
    def __init__(self, module):
        self.module = module
        self.client = module.client("application-autoscaling")
        p = module.params
        self.key = (p["service_namespace"], p["resource_id"], p["scalable_dimension"])

    def read(self):
        target = describe_target(self.client, *self.key)
        policies = describe_policies(self.client, *self.key) if target else []
        return target, {p["PolicyName"]: p for p in policies}

    def result(self, changed, target, policies, before, after):
        summary = {}
        if target:
            summary = {
                "resource_id": self.key[1],
                "service_namespace": self.key[0],
                "scalable_dimension": self.key[2],
                "min_capacity": target["MinCapacity"],
                "max_capacity": target["MaxCapacity"],
            }
        return {
            "changed": changed,
            "target": summary,
            "policies": sorted(policies),
            "diff": DiffTracker.of(before, after),
        }

    def ensure_present(self):
        p = self.module.params
        if p["min_capacity"] > p["max_capacity"]:
            raise JwtPizzaAWSError(message=f"min_capacity {p['min_capacity']} is above max_capacity {p['max_capacity']}")
        target, policies = self.read()
        before = {"capacity": None, "policies": {}}
        after = {"capacity": None, "policies": {}}
        changed = False
        capacity = {"min": p["min_capacity"], "max": p["max_capacity"]}
        have = {"min": target["MinCapacity"], "max": target["MaxCapacity"]} if target else None
        if have != capacity:
            changed = True
            before["capacity"], after["capacity"] = have, capacity
            if not self.module.check_mode:
                register_target(self.client, *self.key, capacity["min"], capacity["max"])
            target = {"MinCapacity": capacity["min"], "MaxCapacity": capacity["max"]}

        wanted_names = set()
        for policy in p["target_tracking_policies"]:
            wanted_names.add(policy["name"])
            configuration = policy_configuration(policy)
            current = policies.get(policy["name"])
            read = normalise((current or {}).get("TargetTrackingScalingPolicyConfiguration"), configuration)
            if current and current.get("PolicyType") == "TargetTrackingScaling" and read == configuration:
                continue
            changed = True
            before["policies"][policy["name"]] = read
            after["policies"][policy["name"]] = configuration
            if not self.module.check_mode:
                put_policy(self.client, *self.key, policy["name"], configuration)
        names = set(policies) | wanted_names
        if p["purge_policies"]:
            for name in sorted(set(policies) - wanted_names):
                changed = True
                before["policies"][name] = policies[name].get("TargetTrackingScalingPolicyConfiguration", {})
                after["policies"][name] = None
                names.discard(name)
                if not self.module.check_mode:
                    delete_policy(self.client, *self.key, name)
        return self.result(changed, target, names, before, after)

    def ensure_absent(self):
        target, policies = self.read()
        if not target:
            return self.result(False, None, [], {}, {})
        before = {
            "capacity": {"min": target["MinCapacity"], "max": target["MaxCapacity"]},
            "policies": sorted(policies),
        }
        if not self.module.check_mode:
            for name in sorted(policies):
                delete_policy(self.client, *self.key, name)
            deregister_target(self.client, *self.key)
        return self.result(True, None, [], before, {})


def main():
    module = JwtPizzaModule(
        argument_spec=dict(
            **state_option(),
            service_namespace=dict(type="str", default="ecs"),
            resource_id=dict(type="str", required=True),
            scalable_dimension=dict(type="str", default="ecs:service:DesiredCount"),
            min_capacity=dict(type="int"),
            max_capacity=dict(type="int"),
            target_tracking_policies=dict(
                type="list", elements="dict", default=[],
                options=dict(
                    name=dict(type="str", required=True),
                    predefined_metric_type=dict(type="str", required=True),
                    resource_label=dict(type="str"),
                    target_value=dict(type="float", required=True),
                    scale_in_cooldown=dict(type="int"),
                    scale_out_cooldown=dict(type="int"),
                    disable_scale_in=dict(type="bool", default=False),
                ),
            ),
            purge_policies=dict(type="bool", default=True),
        ),
        required_if=[("state", "present", ["min_capacity", "max_capacity"])],
        supports_check_mode=True,
    )
    target = ScalableTarget(module)
    module.run_state(target)


if __name__ == "__main__":
    main()
