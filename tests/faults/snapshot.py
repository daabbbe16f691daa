"""A snapshot of the stack one environment holds, without the ids and times that differ between two builds.

Two builds of the same inventory give equal snapshots; a duplicate (a second distribution, certificate, task
definition revision or record), a missing resource or a different setting makes them differ.  It reads what
``teardown.yml``'s sweep reads (module_utils/_sweep.py: the tagging API and the names the tagging API misses),
each tagged resource's tags, and the settings a user would notice, per resource kind.
"""

from __future__ import annotations

import json
import re

import boto3
from ansible_collections.jwtpizza.cloud.plugins.module_utils._sweep import Sweep, _paginate

# Generated parts of names and ARNs, most specific first.
IDS = [
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
    (re.compile(r"\b(vpc|subnet|sg|igw|rtb|acl|eni|rtbassoc|sgr)-[0-9a-f]{8,17}\b"), r"\1-<id>"),
    (re.compile(r"/[0-9a-f]{16}\b"), "/<id>"),
    (re.compile(r"\b_[0-9a-f]{16,64}\."), "_<token>."),
    (re.compile(r"\b[0-9a-z]{6,14}\.cloudfront\.net\b"), "<id>.cloudfront.net"),
    (re.compile(r"\b(distribution|origin-access-control)/[0-9A-Z]{10,16}\b"), r"\1/<id>"),
    (re.compile(r"(hostedzone/|\()[0-9A-Z]{10,32}\b"), r"\1<zone-id>"),
    (re.compile(r"-\d{6,12}\.([a-z0-9-]+)\.elb\.amazonaws\.com"), r"-<id>.\1.elb.amazonaws.com"),
    (re.compile(r"(:secret:[^:\s\"]+)-[A-Za-z0-9]{6}\b"), r"\1-<id>"),
]


def normalize(value):
    """The value (any JSON shape) with generated ids replaced by placeholders; lists of scalars sorted."""
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [normalize(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, str):
        for pattern, placeholder in IDS:
            value = pattern.sub(placeholder, value)
    return value


class Reader:
    def __init__(self, endpoint, env):
        self.endpoint = endpoint
        self.env = env
        self.region = env["jwtpizza_region"]
        self.prefix = f"{env['jwtpizza_project']}-{env['jwtpizza_environment']}-"
        self.domain = env["jwtpizza_domain"]

    def client(self, service, region=None):
        return boto3.client(service, region_name=region or self.region, endpoint_url=self.endpoint,
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def sweep(self):
        """What teardown.yml's last check reads: {"resources": {kind: [names]}, "count": N, ...}."""
        hosts = [f"pizza.{self.domain}", f"pizza-service.{self.domain}"]
        return Sweep(self.client, self.env["jwtpizza_project"], self.env["jwtpizza_environment"], self.domain,
                     self.region, hosts).run()

    def take(self):
        sweep = self.sweep()
        return normalize({
            "resources": sweep["resources"],
            "tags": self.tags(),
            "records": self.records(),
            "security groups": self.security_groups(),
            "listeners": self.listeners(),
            "service": self.services(),
            "distributions": self.distributions(),
            "buckets": self.buckets(),
            "roles": self.roles(),
            "scaling": self.scaling(),
            "log groups": self.log_groups(),
        })

    def tags(self):
        found = {}
        for region in sorted({self.region, "us-east-1"}):
            tagging = self.client("resourcegroupstaggingapi", region)
            for item in _paginate(tagging, "get_resources", "ResourceTagMappingList",
                                  TagFilters=[{"Key": "Project", "Values": [self.env["jwtpizza_project"]]}]):
                found.setdefault(normalize(item["ResourceARN"]), []).append({t["Key"]: t["Value"] for t in item["Tags"]})
        return found

    def records(self):
        route53 = self.client("route53", "us-east-1")
        zones = [z for z in route53.list_hosted_zones()["HostedZones"] if z["Name"] == self.domain + "."]
        return [{k: r.get(k) for k in ("Name", "Type", "TTL", "AliasTarget", "ResourceRecords")}
                for z in zones for r in route53.list_resource_record_sets(HostedZoneId=z["Id"])["ResourceRecordSets"]
                if r["Type"] not in ("NS", "SOA")]

    def security_groups(self):
        groups = self.client("ec2").describe_security_groups()["SecurityGroups"]
        names = {g["GroupId"]: g["GroupName"] for g in groups}

        def rules(permissions):
            return [{"proto": p.get("IpProtocol"), "from": p.get("FromPort"), "to": p.get("ToPort"),
                     "cidrs": [r["CidrIp"] for r in p.get("IpRanges", [])],
                     "groups": [names.get(g["GroupId"], g["GroupId"]) for g in p.get("UserIdGroupPairs", [])]}
                    for p in permissions]

        return {g["GroupName"]: {"in": rules(g["IpPermissions"]), "out": rules(g["IpPermissionsEgress"])}
                for g in groups if g["GroupName"].startswith(self.prefix)}

    def listeners(self):
        elb = self.client("elbv2")
        found = []
        for lb in elb.describe_load_balancers()["LoadBalancers"]:
            if lb["LoadBalancerName"].startswith(self.prefix):
                for listener in elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]:
                    found.append({k: listener.get(k) for k in ("Port", "Protocol", "DefaultActions", "Certificates")})
        return found

    def services(self):
        ecs = self.client("ecs")
        cluster = f"{self.prefix}cluster"
        arns = ecs.list_services(cluster=cluster).get("serviceArns", []) if ecs.describe_clusters(clusters=[cluster])["clusters"] else []
        services = ecs.describe_services(cluster=cluster, services=arns)["services"] if arns else []
        keys = ("serviceName", "status", "desiredCount", "launchType", "taskDefinition", "loadBalancers", "networkConfiguration")
        return [{k: s.get(k) for k in keys} for s in services]

    def distributions(self):
        cloudfront = self.client("cloudfront", "us-east-1")
        items = cloudfront.list_distributions()["DistributionList"].get("Items", []) or []
        return [{k: d.get(k) for k in ("Comment", "Aliases", "Origins", "DefaultRootObject", "ViewerCertificate", "Enabled",
                                       "CustomErrorResponses", "PriceClass", "HttpVersion", "IsIPV6Enabled")}
                for d in items if d["Comment"].startswith(self.prefix)]

    def buckets(self):
        s3 = self.client("s3")
        found = {}
        for bucket in s3.list_buckets()["Buckets"]:
            name = bucket["Name"]
            if name.startswith(self.prefix):
                found[name] = {"policy": json.loads(s3.get_bucket_policy(Bucket=name)["Policy"]),
                               "public access block": s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]}
        return found

    def roles(self):
        iam = self.client("iam")
        found = {}
        for role in iam.list_roles()["Roles"]:
            name = role["RoleName"]
            if name.startswith(self.prefix):
                attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
                found[name] = {"trust": role["AssumeRolePolicyDocument"], "attached": [p["PolicyArn"] for p in attached],
                               "inline": iam.list_role_policies(RoleName=name)["PolicyNames"]}
        return found

    def scaling(self):
        scaling = self.client("application-autoscaling")
        targets = scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
        policies = scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]
        return {"targets": [{k: t.get(k) for k in ("ResourceId", "MinCapacity", "MaxCapacity")} for t in targets],
                "policies": [{k: p.get(k) for k in ("PolicyName", "ResourceId", "PolicyType", "TargetTrackingScalingPolicyConfiguration")}
                             for p in policies]}

    def log_groups(self):
        groups = self.client("logs").describe_log_groups()["logGroups"]
        return [{k: g.get(k) for k in ("logGroupName", "retentionInDays")} for g in groups if self.prefix.rstrip("-") in g["logGroupName"]]


def take(endpoint, env):
    """The normalized snapshot of the environment ``env`` (inventory variables) in the account at ``endpoint``."""
    return Reader(endpoint, env).take()


def leftovers(endpoint, env):
    """The sweep of teardown.yml, read directly (not through the playbook)."""
    return Reader(endpoint, env).sweep()


def differences(one, other, path=""):
    """The paths (and both values) where two snapshots differ, one line each."""
    if isinstance(one, dict) and isinstance(other, dict):
        lines = []
        for key in sorted(set(one) | set(other)):
            lines += differences(one.get(key, "<missing>"), other.get(key, "<missing>"), f"{path}/{key}")
        return lines
    if one != other:
        return [f"{path}: {json.dumps(one, sort_keys=True)} != {json.dumps(other, sort_keys=True)}"]
    return []
