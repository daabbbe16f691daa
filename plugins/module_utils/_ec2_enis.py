# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Waiting for the network interfaces that keep a VPC, subnet or security group busy.

This file is private to this collection (the leading underscore says so): its
interface may change without notice and other collections must not import it.

On AWS the interfaces of a load balancer or of Fargate tasks outlive their owner
by minutes (up to 15-20): until they are gone, deleting the subnets, the VPC,
its internet gateway or a security group they use fails with
``DependencyViolation``.  ``wait_released`` polls ``DescribeNetworkInterfaces``
until none matches, and says how long it waited for which interfaces.
"""

from __future__ import annotations

import time

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import EC2Errors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaTimeout
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import wait_for

RELEASE_DELAY = 15
SHOWN = 5


@EC2Errors.call("describe network interfaces")
def describe_network_interfaces(client, filters):
    paginator = client.get_paginator("describe_network_interfaces")
    return paginator.paginate(Filters=filters).build_full_result().get("NetworkInterfaces", [])


def describe(enis, shown=SHOWN):
    """'eni-1 (ELB app/x/1, in-use), ...' for the first ``shown`` interfaces, and how many more."""
    items = [f"{e['NetworkInterfaceId']} ({e.get('Description') or e.get('InterfaceType') or '?'}, {e.get('Status', '?')})" for e in enis]
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


def wait_released(client, filters, what, timeout, delay=RELEASE_DELAY):
    """Wait until no network interface matches ``filters``; return a progress line, or '' when none was there.

    what: what they keep busy ("VPC vpc-1 (jwt-pizza-dev-vpc)"), for the messages.
    Raises JwtPizzaAWSError naming the interfaces left after ``timeout`` seconds.
    """
    clock = time.monotonic
    started, first = clock(), describe_network_interfaces(client, filters)
    if not first:
        return ""

    answers = [first]

    def probe():
        enis = answers.pop() if answers else describe_network_interfaces(client, filters)
        return not enis, enis

    try:
        wait_for(probe, timeout, delay, f"the network interfaces of {what} to be released", explain=describe, sleep=time.sleep, clock=clock)
    except JwtPizzaTimeout as exc:
        raise JwtPizzaAWSError(
            message=(
                f"{exc.message}. On AWS the interfaces of a deleted load balancer or of stopped Fargate tasks can linger "
                "for 15-20 minutes; others (an instance, a database, a Lambda function) must be deleted first. "
                "Run again later, or give a longer timeout."
            )
        ) from exc
    return f"waited {int(clock() - started)}s for {len(first)} network interface(s) of {what} to be released: {describe(first)}"
