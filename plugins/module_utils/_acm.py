# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""ACM helpers of jwtpizza.cloud.  Private to this collection: the interface may change without notice."""

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import aws_call


@aws_call("describe listener", missing=("ListenerNotFound", "LoadBalancerNotFound"))
def _describe_listener(client, arn):
    return client.describe_listeners(ListenerArns=[arn])["Listeners"]


@aws_call("describe load balancer", missing=("LoadBalancerNotFound",))
def _describe_load_balancer(client, arn):
    return client.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"]


@aws_call("get distribution", missing=("NoSuchDistribution",))
def _get_distribution(client, distribution_id):
    return client.get_distribution(Id=distribution_id)["Distribution"]


def live_users(module, users):
    """The resources of a certificate's InUseBy that still exist.

    ACM updates InUseBy some time after a listener, load balancer or distribution is deleted (and the
    emulator never does), so a teardown that has just removed them would be refused.  Each ARN of a kind
    this collection creates is checked; ARNs of other kinds are kept as they are.
    """
    live = []
    for arn in users:
        service = arn.split(":")[2] if arn.count(":") >= 5 else ""
        if service == "elasticloadbalancing":
            client = module.client("elbv2", region=arn.split(":")[3])
            found = _describe_listener(client, arn) if ":listener/" in arn else _describe_load_balancer(client, arn)
        elif service == "cloudfront":
            found = _get_distribution(module.client("cloudfront"), arn.rsplit("/", 1)[-1])
        else:
            found = True
        if found:
            live.append(arn)
    return live
