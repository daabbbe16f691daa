#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ecs_cluster
short_description: Create, update or delete an ECS cluster (capacity providers, Container Insights, tags)
version_added: 0.1.0
description:
  - Creates the ECS cluster I(name), or brings its capacity providers, default capacity provider strategy,
    Container Insights setting and tags to the requested values; with I(state=absent) deletes it.
  - The cluster is read once (C(DescribeClusters) with tags and settings) and compared field by field, so a
    second run with the same arguments makes no call that writes.
  - Reads are normalised before the comparison, because AWS and the emulator omit empty values
    (C(capacityProviders), C(defaultCapacityProviderStrategy), C(tags), the C(base) of a strategy item,
    the C(containerInsights) setting). A cluster whose status is C(INACTIVE) counts as missing.
  - With I(state=absent) a cluster that still has active or draining services is not deleted; the module
    fails and lists them. A missing cluster is not an error (C(changed=false)).
  - Replaces C(community.aws.ecs_cluster), which fails on its second run when the read omits empty capacity
    providers.
  - Before it creates a cluster, the module makes sure the account has the ECS service-linked role
    C(AWSServiceRoleForECS) (C(iam:CreateServiceLinkedRole) for C(ecs.amazonaws.com); IAM's answer that the name
    C(has been taken) means it exists). In an account that never used ECS, C(CreateCluster) with capacity providers
    otherwise fails with C(InvalidParameterException) C(Unable to assume the service linked role), and a role just
    created takes a while to be usable, so that error is retried for up to 120 seconds (also for
    C(PutClusterCapacityProviders)). Without the IAM permission the module warns and relies on the retry.
  - The service-linked role belongs to the account and is shared by every ECS cluster and service in it, so
    I(state=absent) never deletes it.
author:
  - jwtpizza.cloud developers (@jwtpizza)
options:
  name:
    description: Name of the cluster.
    type: str
    required: true
  state:
    description: C(present) creates or updates the cluster, C(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  capacity_providers:
    description:
      - Capacity providers associated with the cluster (order does not matter).
      - Set together with I(default_capacity_provider_strategy) (AWS replaces both at once).
    type: list
    elements: str
    default: [FARGATE, FARGATE_SPOT]
  default_capacity_provider_strategy:
    description:
      - Default capacity provider strategy of services and tasks that set no launch type nor strategy.
      - Every I(capacity_provider) must be one of I(capacity_providers).
    type: list
    elements: dict
    default:
      - capacity_provider: FARGATE
        weight: 1
        base: 0
    suboptions:
      capacity_provider:
        description: Name of the capacity provider.
        type: str
        required: true
      weight:
        description: Relative share of tasks placed on this provider.
        type: int
        default: 0
      base:
        description: Minimum number of tasks on this provider (only one item may set it above 0).
        type: int
        default: 0
  container_insights:
    description: The C(containerInsights) cluster setting (CloudWatch Container Insights; C(enabled) costs money).
    type: str
    choices: [enabled, enhanced, disabled]
    default: disabled
attributes:
  check_mode:
    support: partial
    details:
      - A cluster still to be created has no ARN in check mode (C(cluster) is empty).
      - With I(state=absent), check mode reports the delete even while services remain, since the same check run may
        remove them first; a real run fails then.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
"""

EXAMPLES = r"""
- name: Create the Fargate cluster with Container Insights off
  jwtpizza.cloud.ecs_cluster:
    name: jwt-pizza-dev-cluster
    capacity_providers:
      - FARGATE
      - FARGATE_SPOT
    default_capacity_provider_strategy:
      - capacity_provider: FARGATE
        weight: 1
        base: 1
      - capacity_provider: FARGATE_SPOT
        weight: 3
    container_insights: disabled
    tags:
      Project: jwt-pizza
      Environment: dev
  register: cluster

- name: Delete the cluster (fails, listing them, while services remain)
  jwtpizza.cloud.ecs_cluster:
    name: jwt-pizza-dev-cluster
    state: absent
"""

RETURN = r"""
cluster:
  description: The cluster after the run, normalised (empty when it does not exist, or is still to be created in check mode).
  returned: always
  type: dict
  contains:
    cluster_name:
      description: Name of the cluster.
      type: str
      sample: jwt-pizza-dev-cluster
    cluster_arn:
      description: ARN of the cluster.
      type: str
      sample: arn:aws:ecs:us-west-2:123456789012:cluster/jwt-pizza-dev-cluster
    status:
      description: Status of the cluster.
      type: str
      sample: ACTIVE
    capacity_providers:
      description: Capacity providers, sorted.
      type: list
      elements: str
      sample: [FARGATE, FARGATE_SPOT]
    default_capacity_provider_strategy:
      description: Default strategy, sorted by provider, with C(base) and C(weight) filled in.
      type: list
      elements: dict
      sample:
        - capacity_provider: FARGATE
          weight: 1
          base: 0
    container_insights:
      description: Value of the C(containerInsights) setting (C(disabled) when the read omits it).
      type: str
      sample: disabled
    tags:
      description: Tags of the cluster.
      type: dict
      sample:
        Project: jwt-pizza
cluster_arn:
  description: ARN of the cluster (empty when it does not exist).
  returned: always
  type: str
  sample: arn:aws:ecs:us-west-2:123456789012:cluster/jwt-pizza-dev-cluster
cluster_name:
  description: Name of the cluster.
  returned: always
  type: str
  sample: jwt-pizza-dev-cluster
"""


from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import DiffTracker
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import ECSErrors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import IAMErrors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import error_code
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import retry_while
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import state_option
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import tag_options
from ansible_collections.jwtpizza.cloud.plugins.module_utils._ecs import found

OWNED = ("capacity_providers", "default_capacity_provider_strategy", "container_insights", "tags")
GONE = ("INACTIVE",)
# ECS's answer while the account's service-linked role is missing or not yet usable (IAM is eventually consistent).
ROLE_NOT_READY = "Unable to assume the service linked role"
ROLE_WAIT_TIMEOUT = 120
ROLE_WAIT_DELAY = 10


def error_message(exc):
    return ((getattr(exc.exception, "response", None) or {}).get("Error") or {}).get("Message", "")


@IAMErrors.call("create the ECS service-linked role AWSServiceRoleForECS")
def create_service_linked_role(client):
    client.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")


def ensure_service_linked_role(module):
    """Create AWSServiceRoleForECS unless it exists; True when this call created it.

    IAM answers InvalidInput "Service role name AWSServiceRoleForECS has been taken in this account" when it
    exists (EntityAlreadyExists says the same). Without permission the module warns: the role may exist anyway.
    """
    try:
        create_service_linked_role(module.client("iam"))
    except JwtPizzaAWSError as exc:
        code = error_code(exc)
        if code == "EntityAlreadyExists" or (code == "InvalidInput" and "has been taken" in error_message(exc)):
            return False
        if code not in ("AccessDenied", "AccessDeniedException"):
            raise
        module.warn(f"Could not make sure the ECS service-linked role AWSServiceRoleForECS exists ({code}); continuing")
        return False
    return True


def when_role_ready(call, what):
    """Call ``call()``, retrying ECS's "Unable to assume the service linked role" for up to ROLE_WAIT_TIMEOUT seconds."""

    def refused(exc):
        return error_code(exc) == "InvalidParameterException" and ROLE_NOT_READY in error_message(exc)

    return retry_while(refused, call, ROLE_WAIT_TIMEOUT, ROLE_WAIT_DELAY,
                       f"the ECS service-linked role AWSServiceRoleForECS to be usable ({what})",
                       explain=lambda exc: f"last error: {error_message(exc)}")


@ECSErrors.lookup("describe cluster")
def describe_cluster(client, name):
    """The cluster, or None (DescribeClusters reports a missing cluster as a failure with reason MISSING)."""
    response = client.describe_clusters(clusters=[name], include=["TAGS", "SETTINGS"])
    return next(iter(found(response, "clusters", f"cluster {name}")), None)


@ECSErrors.call("create cluster")
def create_cluster(client, **params):
    return client.create_cluster(**params)["cluster"]


@ECSErrors.call("update cluster settings")
def update_settings(client, name, insights):
    client.update_cluster(cluster=name, settings=[{"name": "containerInsights", "value": insights}])


@ECSErrors.call("put cluster capacity providers")
def put_capacity_providers(client, name, providers, strategy):
    client.put_cluster_capacity_providers(
        cluster=name, capacityProviders=providers, defaultCapacityProviderStrategy=strategy
    )


@ECSErrors.call("tag cluster")
def tag_cluster(client, arn, tags):
    client.tag_resource(resourceArn=arn, tags=tags)


@ECSErrors.call("untag cluster")
def untag_cluster(client, arn, keys):
    client.untag_resource(resourceArn=arn, tagKeys=keys)


@ECSErrors.lookup("list services of cluster")
def list_services(client, name):
    paginator = client.get_paginator("list_services")
    return paginator.paginate(cluster=name).build_full_result().get("serviceArns", [])


@ECSErrors.call("describe services of cluster")
def describe_services(client, name, arns):
    return found(client.describe_services(cluster=name, services=arns), "services", f"services of cluster {name}")


@ECSErrors.delete("delete cluster")
def delete_cluster(client, name):
    client.delete_cluster(cluster=name)


def normalise_strategy(items):
    """Strategy items as snake_case dicts with weight and base filled in (a read omits base 0), sorted."""
    out = []
    for item in items or []:
        provider = item.get("capacity_provider", item.get("capacityProvider"))
        out.append({"capacity_provider": provider, "weight": int(item.get("weight") or 0), "base": int(item.get("base") or 0)})
    return sorted(out, key=lambda i: i["capacity_provider"])


def normalise(raw):
    """The owned fields of a DescribeClusters item, with what reads omit filled in (see DOCUMENTATION)."""
    if not raw or raw.get("status") in GONE:
        return None
    insights = next((s.get("value") for s in raw.get("settings") or [] if s.get("name") == "containerInsights"), None)
    return {
        "cluster_name": raw["clusterName"],
        "cluster_arn": raw["clusterArn"],
        "status": raw.get("status", ""),
        # Omitted (moto) or [] when the cluster has none.
        "capacity_providers": sorted(raw.get("capacityProviders") or []),
        # Omitted when empty; items omit base when it is 0.
        "default_capacity_provider_strategy": normalise_strategy(raw.get("defaultCapacityProviderStrategy")),
        # AWS omits the setting unless asked for SETTINGS, and may omit it when never set: the default is disabled.
        "container_insights": insights or "disabled",
        # Omitted unless include=TAGS, and when there are none; ECS tags use lowercase key/value.
        "tags": boto3_tag_list_to_ansible_dict(raw.get("tags") or [], "key", "value"),
    }


def strategy_to_api(items):
    return [{"capacityProvider": i["capacity_provider"], "weight": i["weight"], "base": i["base"]} for i in items]


class EcsCluster:
    def __init__(self, module):
        self.module = module
        self.client = module.client("ecs")
        params = module.params
        self.name = params["name"]
        self.desired = {
            "capacity_providers": sorted(params["capacity_providers"]),
            "default_capacity_provider_strategy": normalise_strategy(params["default_capacity_provider_strategy"]),
            "container_insights": params["container_insights"],
            "tags": params["tags"],
        }
        self.purge_tags = params["purge_tags"]

    def validate(self):
        providers = set(self.desired["capacity_providers"])
        strategy = self.desired["default_capacity_provider_strategy"]
        unknown = [i["capacity_provider"] for i in strategy if i["capacity_provider"] not in providers]
        if unknown:
            raise JwtPizzaAWSError(
                message=(
                    f"default_capacity_provider_strategy names {', '.join(unknown)}, which "
                    f"capacity_providers ({', '.join(sorted(providers)) or 'none'}) does not list"
                )
            )
        if sum(1 for i in strategy if i["base"] > 0) > 1:
            raise JwtPizzaAWSError(message="default_capacity_provider_strategy: only one item may set base above 0")

    def result(self, current, changed=False, before=None, after=None):
        current = current or {}
        return {
            "changed": changed,
            "cluster": current,
            "cluster_arn": current.get("cluster_arn", ""),
            "cluster_name": self.name,
            "diff": DiffTracker.of(before, after),
        }

    def read(self):
        return normalise(describe_cluster(self.client, self.name))

    def ensure_present(self):
        self.validate()
        current = self.read()
        if current is None:
            return self.create()
        owned_before = {k: current[k] for k in OWNED}
        after = dict(owned_before)

        if self.desired["tags"] is None:
            tags_to_set, tags_to_unset = {}, []
        else:
            tags_to_set, tags_to_unset = compare_aws_tags(current["tags"], self.desired["tags"], self.purge_tags)
        if tags_to_set or tags_to_unset:
            after["tags"] = {k: v for k, v in {**current["tags"], **tags_to_set}.items() if k not in tags_to_unset}
        providers_differ = any(
            current[k] != self.desired[k] for k in ("capacity_providers", "default_capacity_provider_strategy")
        )
        insights_differ = current["container_insights"] != self.desired["container_insights"]
        for key in ("capacity_providers", "default_capacity_provider_strategy", "container_insights"):
            after[key] = self.desired[key]
        changed = bool(providers_differ or insights_differ or tags_to_set or tags_to_unset)
        if not changed or self.module.check_mode:
            shown = {**current, **after}
            return self.result(shown, changed=changed, before=owned_before, after=after)

        if providers_differ:
            strategy = strategy_to_api(self.desired["default_capacity_provider_strategy"])
            when_role_ready(
                lambda: put_capacity_providers(self.client, self.name, self.desired["capacity_providers"], strategy),
                "put cluster capacity providers",
            )
        if insights_differ:
            update_settings(self.client, self.name, self.desired["container_insights"])
        if tags_to_unset:
            untag_cluster(self.client, current["cluster_arn"], tags_to_unset)
        if tags_to_set:
            tag_cluster(self.client, current["cluster_arn"], ansible_dict_to_boto3_tag_list(tags_to_set, "key", "value"))
        return self.result(self.read(), changed=True, before=owned_before, after=after)

    def create(self):
        after = {k: (self.desired[k] if self.desired[k] is not None else {}) for k in OWNED}
        if self.module.check_mode:
            return self.result({}, changed=True, after=after)
        params = {
            "clusterName": self.name,
            "settings": [{"name": "containerInsights", "value": self.desired["container_insights"]}],
        }
        if self.desired["capacity_providers"]:
            params["capacityProviders"] = self.desired["capacity_providers"]
        if self.desired["default_capacity_provider_strategy"]:
            params["defaultCapacityProviderStrategy"] = strategy_to_api(self.desired["default_capacity_provider_strategy"])
        if self.desired["tags"]:
            params["tags"] = ansible_dict_to_boto3_tag_list(self.desired["tags"], "key", "value")
        ensure_service_linked_role(self.module)
        when_role_ready(lambda: create_cluster(self.client, **params), "create cluster")
        return self.result(self.read(), changed=True, after=after)

    def active_services(self):
        arns = list_services(self.client, self.name) or []
        names = []
        for start in range(0, len(arns), 10):  # DescribeServices takes ten at a time
            for service in describe_services(self.client, self.name, arns[start : start + 10]):
                # moto never counts activeServicesCount and lists deleted (INACTIVE) services too.
                if service.get("status") != "INACTIVE":
                    names.append(f"{service['serviceName']} ({service.get('status')})")
        return names

    def ensure_absent(self):
        current = self.read()
        if current is None:
            return self.result(None)
        services = self.active_services()
        # In check mode the services may be ones the same run removes first (teardown order): report the delete.
        if services and not self.module.check_mode:
            raise JwtPizzaAWSError(
                message=(
                    f"ECS cluster {self.name} still has services, not deleted: {', '.join(services)}; "
                    f"delete them first (the service role with state absent)"
                )
            )
        before = {k: current[k] for k in OWNED}
        if not self.module.check_mode:
            delete_cluster(self.client, self.name)
        return self.result(None, changed=True, before=before)


def main():
    module = JwtPizzaModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            **state_option(),
            capacity_providers=dict(type="list", elements="str", default=["FARGATE", "FARGATE_SPOT"]),
            default_capacity_provider_strategy=dict(
                type="list",
                elements="dict",
                default=[{"capacity_provider": "FARGATE", "weight": 1, "base": 0}],
                options=dict(
                    capacity_provider=dict(type="str", required=True),
                    weight=dict(type="int", default=0),
                    base=dict(type="int", default=0),
                ),
            ),
            container_insights=dict(type="str", choices=["enabled", "enhanced", "disabled"], default="disabled"),
            **tag_options(),
        ),
        supports_check_mode=True,
    )
    cluster = EcsCluster(module)
    module.run_state(cluster)


if __name__ == "__main__":
    main()
