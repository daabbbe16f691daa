#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: environment_resources_info
short_description: Find every resource one environment of the stack holds in the account
version_added: 0.1.0
description:
  - Lists what carries the environment's tags (C(Project), C(Environment), C(ManagedBy=jwtpizza.cloud)) through
    the Resource Groups Tagging API, in O(region) and in C(us-east-1), and, by name, the kinds that API does not
    return - ECR repositories, IAM roles, the hosted zone (only when tagged as created by this collection) and the
    records of O(hosts), CloudFront origin access controls, load balancers, ECS task definitions (active or
    deregistered) and the environment's ACM certificates.
  - Names of the environment start with C(<project>-<environment>-), so a sweep of one environment never reports
    another one's resources.
  - ECS clusters and services that AWS keeps visible as C(INACTIVE) after their deletion are AWS's own tombstones
    (they cannot be deleted); so are Secrets Manager secrets scheduled for deletion (C(DeletedDate) set, deleted by
    AWS at the end of their recovery window). They are returned apart, in RV(tombstones), not counted; a secret of
    the environment (name C(<project>-<environment>/...) or its tags) that is not scheduled for deletion is a
    leftover.
  - RDS DB instances and DB subnet groups are found by name too. The environment's manual DB snapshots (the final
    snapshot a teardown keeps) are intended survivors, returned apart in RV(survivors) and not counted.
  - C(teardown.yml) ends with this module and fails, naming them, when anything is left.
author:
  - jwtpizza.cloud developers (@jwtpizza)
options:
  project:
    description: The environment's project (C(jwtpizza_project)).
    type: str
    required: true
  environment:
    description: The environment's name (C(jwtpizza_environment)).
    type: str
    required: true
  domain:
    description: The environment's domain (C(jwtpizza_domain)).
    type: str
    required: true
  hosts:
    description: Host names whose alias and validation records belong to the environment.
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
attributes:
  check_mode:
    support: full
    description: The module only reads.
  diff_mode:
    support: none
    description: The module only reads.
"""

EXAMPLES = r"""
- name: Find what is left of the environment
  jwtpizza.cloud.environment_resources_info:
    project: jwt-pizza
    environment: dev
    domain: example.com
    hosts: [pizza.example.com, pizza-service.example.com]
  register: leftovers

- name: Fail when anything is left
  ansible.builtin.assert:
    that: leftovers.count == 0
"""

RETURN = r"""
resources:
  description: What the environment holds, by kind; only kinds with something in them.
  returned: always
  type: dict
  sample: {"ecr repositories": ["jwt-pizza-dev-service"], "tagged resources": ["arn:aws:s3:::jwt-pizza-dev-frontend"]}
count:
  description: Number of entries in RV(resources) (a resource found by its tags and by its name counts twice).
  returned: always
  type: int
  sample: 0
tombstones:
  description:
    - ECS clusters and services AWS keeps visible as C(INACTIVE) after their deletion, and Secrets Manager secrets
      scheduled for deletion.
  returned: always
  type: list
  elements: str
  sample: ["arn:aws:ecs:us-west-2:123456789012:cluster/jwt-pizza-dev-cluster"]
survivors:
  description: The environment's manual DB snapshots (final snapshots of teardowns), kept on purpose and not counted.
  returned: always
  type: list
  elements: str
  sample: ["rds db snapshot jwt-pizza-dev-db-final-20261202-031500"]
"""

import contextlib

with contextlib.suppress(ImportError):  # JwtPizzaModule reports the missing library.
    import botocore

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._sweep import Sweep


def main():
    module = JwtPizzaModule(
        argument_spec=dict(
            project=dict(type="str", required=True),
            environment=dict(type="str", required=True),
            domain=dict(type="str", required=True),
            hosts=dict(type="list", elements="str", default=[]),
        ),
        supports_check_mode=True,
    )
    region = module.region

    def client(service, service_region=None):
        return module.client(service, region=service_region or region)

    def sweep():
        params = module.params
        try:
            found = Sweep(client, params["project"], params["environment"], params["domain"], region, params["hosts"]).run()
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
            raise JwtPizzaAWSError(message="Failed to list the environment's resources", exception=exc) from exc
        return {"changed": False, **found}

    module.run(sweep)


if __name__ == "__main__":
    main()
