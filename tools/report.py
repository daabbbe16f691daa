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

    def tagged(self) -> list[str]:
        arns = []
        filters = [{"Key": k, "Values": [v]} for k, v in self.tags.items()]
        for region in sorted({self.region, "us-east-1"}):
            paginator = self.client("resourcegroupstaggingapi", region).get_paginator("get_resources")
            for page in paginator.paginate(TagFilters=filters):
                arns += [r["ResourceARN"] for r in page["ResourceTagMappingList"]]
        return sorted(arn for arn in set(arns) if not self.inactive(arn))

    def inactive(self, arn: str) -> bool:
        """ECS keeps deleted clusters and services, and deregistered task definitions, visible as INACTIVE."""
        parts = arn.split(":")
        if parts[2] != "ecs":
            return False
        ecs = self.client("ecs", parts[3])
        kind, _sep, rest = parts[5].partition("/")
        if kind == "cluster":
            found = ecs.describe_clusters(clusters=[arn])["clusters"]
        elif kind == "service":
            found = ecs.describe_services(cluster=rest.split("/")[0], services=[arn])["services"]
        elif kind == "task-definition":
            found = [ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]]
        else:
            return False
        return all(item.get("status") == "INACTIVE" for item in found)

    def by_name(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        p = self.prefix
        ecr = self.client("ecr")
        found["ecr repositories"] = [
            r["repositoryName"]
            for page in ecr.get_paginator("describe_repositories").paginate()
            for r in page["repositories"]
            if r["repositoryName"].startswith(p)
        ]
        iam = self.client("iam")
        found["iam roles"] = [
            r["RoleName"]
            for page in iam.get_paginator("list_roles").paginate()
            for r in page["Roles"]
            if r["RoleName"].startswith(p)
        ]
        # An OIDC provider's name is its URL: this environment's is the one carrying its tags.
        found["iam oidc providers"] = [
            arn.split("/", 1)[1]
            for arn in (o["Arn"] for o in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"])
            if self.tags.items() <= {t["Key"]: t["Value"] for t in iam.list_open_id_connect_provider_tags(
                OpenIDConnectProviderArn=arn)["Tags"]}.items()
        ]
        r53 = self.client("route53")
        zones = [z for z in r53.list_hosted_zones()["HostedZones"] if z["Name"] == self.domain]
        found["route53 zones"] = [f"{z['Name']} ({z['Id'].split('/')[-1]})" for z in zones]
        found["route53 records"] = [
            f"{r['Name']} {r['Type']}"
            for z in zones
            for r in r53.list_resource_record_sets(HostedZoneId=z["Id"])["ResourceRecordSets"]
            if r["Type"] not in ("NS", "SOA")
        ]
        cloudfront = self.client("cloudfront", "us-east-1")
        oacs = cloudfront.list_origin_access_controls().get("OriginAccessControlList", {}).get("Items", []) or []
        found["cloudfront origin access controls"] = [o["Name"] for o in oacs if o["Name"].startswith(p)]
        ecs = self.client("ecs")
        found["ecs task definitions"] = [
            arn.split("/")[-1]
            for page in ecs.get_paginator("list_task_definitions").paginate(familyPrefix=p, status="ACTIVE")
            for arn in page["taskDefinitionArns"]
        ]
        elb = self.client("elbv2")
        found["load balancers"] = [
            lb["LoadBalancerName"]
            for page in elb.get_paginator("describe_load_balancers").paginate()
            for lb in page["LoadBalancers"]
            if lb["LoadBalancerName"].startswith(p)
        ]
        for region in sorted({self.region, "us-east-1"}):
            acm = self.client("acm", region)
            found[f"acm certificates ({region})"] = [
                c["DomainName"]
                for page in acm.get_paginator("list_certificates").paginate()
                for c in page["CertificateSummaryList"]
                if (c["DomainName"].rstrip(".") + ".").endswith(self.domain)
            ]
        return found


def summary(finder: Finder, env: dict) -> list[str]:
    """The stack as a user sees it: the two sites and where CI deploys to."""
    prefix, domain = finder.prefix, env["jwtpizza_domain"]
    lines = []
    cloudfront = finder.client("cloudfront", "us-east-1")
    dists = [d for d in cloudfront.list_distributions()["DistributionList"].get("Items", []) or []
             if d["Comment"] == f"{prefix}-frontend"]
    for dist in dists:
        lines.append(f"frontend  https://pizza.{domain} -> CloudFront {dist['DomainName']} "
                     f"(distribution {dist['Id']}, {dist['Status']})")
        lines.append(f"          deploy: aws s3 sync dist/ s3://{prefix}-frontend-{domain.replace('.', '-')} "
                     f"&& invalidate /* on {dist['Id']}")
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
        lines.append(f"          deploy: push an image to {repo['repositoryUri']}, then roll the service"
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
        found = {"tagged resources": finder.tagged(), **finder.by_name()}
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
