"""List what the stack of one environment holds in AWS (or the emulator).

  tools/report.py               print the stack's resources, grouped by kind
  tools/report.py --leftovers   the same, but exit 1 when anything is found (after teardown.yml)
  tools/report.py --json        machine-readable

The environment (project, environment, domain, region) is read from the inventory
(`ansible-inventory --host localhost`, default inventories/local); the endpoint from
--endpoint-url, else from EMULATOR_PORT (the emulator), else real AWS (empty string).

Resources are found by the project's tags through the Resource Groups Tagging API, and, for the
kinds that API does not return (ECR repositories, IAM roles, Route 53 zones and records, CloudFront
origin access controls, ECS task definitions, load balancers), by the environment's name prefix.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / ".venv/collections"))
from ansible_collections.jwtpizza.cloud.plugins.module_utils._sweep import Sweep  # noqa: E402


def inventory_vars(inventory: str) -> dict:
    out = subprocess.run(
        [str(ROOT / ".venv/bin/ansible-inventory"), "-i", inventory, "--host", "localhost"],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")},
    ).stdout
    return json.loads(out)


class Finder:
    def __init__(self, endpoint: str | None, region: str, prefix: str, tags: dict, domain: str):
        self.endpoint = endpoint or None
        self.region = region
        self.prefix = prefix
        self.tags = tags
        self.domain = domain.rstrip(".") + "."
        if self.endpoint:
            os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
            os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

    def client(self, service: str, region: str | None = None):
        return boto3.client(
            service,
            region_name=region or self.region,
            endpoint_url=self.endpoint,
            config=Config(retries={"mode": "standard", "max_attempts": 5}),
        )

    def found(self, env: dict) -> dict[str, list[str]]:
        """Everything of the environment, by kind (the same sweep teardown.yml ends with)."""
        hosts = [f"pizza.{env['jwtpizza_domain']}", f"pizza-service.{env['jwtpizza_domain']}"]
        sweep = Sweep(self.client, env["jwtpizza_project"], env["jwtpizza_environment"], env["jwtpizza_domain"],
                      self.region, hosts).run()
        return sweep["resources"]


def distributions(cloudfront):
    """Every distribution of the account (ListDistributions pages after 100; a real account holds others)."""
    return [d for page in cloudfront.get_paginator("list_distributions").paginate() for d in page["DistributionList"].get("Items") or []]


def summary(finder: Finder, env: dict) -> list[str]:
    """The stack as a user sees it: the two sites and where CI deploys to."""
    prefix, domain = finder.prefix, env["jwtpizza_domain"]
    lines = []
    cloudfront = finder.client("cloudfront", "us-east-1")
    dists = [d for d in distributions(cloudfront) if d["Comment"] == f"{prefix}-frontend"]
    for dist in dists:
        lines.append(f"frontend  https://pizza.{domain} -> CloudFront {dist['DomainName']} "
                     f"(distribution {dist['Id']}, {dist['Status']})")
        lines.append(f"          deploy: ansible-playbook playbooks/deploy_frontend.yml -e frontend_deploy_dist=dist "
                     f"(bucket {prefix}-frontend-{domain.replace('.', '-')})")
    try:
        lbs = finder.client("elbv2").describe_load_balancers(Names=[f"{prefix}-alb"])["LoadBalancers"]
    except finder.client("elbv2").exceptions.LoadBalancerNotFoundException:
        lbs = []
    for lb in lbs:
        lines.append(f"backend   https://pizza-service.{domain} -> load balancer {lb['DNSName']}")
    ecs = finder.client("ecs")
    services = ecs.describe_services(cluster=f"{prefix}-cluster", services=[f"{prefix}-service"])["services"]
    for svc in (s for s in services if s["status"] == "ACTIVE"):
        repo = finder.client("ecr").describe_repositories(repositoryNames=[f"{prefix}-service"])["repositories"][0]
        lines.append(f"          service {svc['serviceName']} on {prefix}-cluster: desired {svc['desiredCount']}, "
                     f"running {svc['runningCount']}")
        lines.append(f"          deploy: ansible-playbook playbooks/deploy_backend.yml -e backend_deploy_image=image.tar "
                     f"-e backend_deploy_tag=<build id> (repository {repo['repositoryUri']})"
                     + (" (no image yet: the first deploy starts the first task)" if svc["desiredCount"] == 0 else ""))
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inventory", default=str(ROOT / "inventories/local"))
    parser.add_argument("--endpoint-url", default=None)
    parser.add_argument("--leftovers", action="store_true", help="exit 1 when anything is found")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    env = inventory_vars(args.inventory)
    endpoint = args.endpoint_url
    if endpoint is None:
        port = os.environ.get("EMULATOR_PORT", "")
        endpoint = f"http://127.0.0.1:{port}" if port else ""
    project, environment = env["jwtpizza_project"], env["jwtpizza_environment"]
    finder = Finder(
        endpoint,
        env["jwtpizza_region"],
        f"{project}-{environment}",
        {"Project": project, "Environment": environment},
        env["jwtpizza_domain"],
    )
    try:
        found = finder.found(env)
    except EndpointConnectionError:
        print(f"cannot reach {endpoint or 'AWS'}: is the emulator running? (make emulator)", file=sys.stderr)
        return 2
    total = sum(len(v) for v in found.values())
    if args.json:
        print(json.dumps(found, indent=2))
    else:
        if not args.leftovers and total:
            print("\n".join(summary(finder, env)) + "\n")
        title = "Left over after teardown" if args.leftovers else "The stack holds"
        print(f"{title} ({project}-{environment}, {endpoint or 'AWS'}): {total} resource(s)")
        for kind, items in found.items():
            if items:
                print(f"  {kind}:")
                for item in items:
                    print(f"    - {item}")
    return 1 if args.leftovers and total else 0


if __name__ == "__main__":
    sys.exit(main())
