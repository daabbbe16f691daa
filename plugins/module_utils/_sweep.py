# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Find everything one environment holds in an AWS account (private to this collection).

Used by the ``environment_resources_info`` module (the last check of ``teardown.yml``) and by
``tools/report.py``.  ``client(service, region)`` is any boto3 client factory.

An environment's resources are found
- by its tags (``Project``, ``Environment``, ``ManagedBy``) through the Resource Groups Tagging API, in its
  region and in us-east-1 (CloudFront's certificate);
- by name, for the kinds that API does not return (ECR repositories, IAM roles, Route 53 zones and their
  records, CloudFront origin access controls, load balancers, ECS task definitions) or may miss (Secrets Manager
  secrets): names start with ``<project>-<environment>-`` (secrets: ``<project>-<environment>/``) and records end
  with the environment's domain.

ECS keeps deleted clusters and services visible as ``INACTIVE`` for a while (AWS's own tombstones, which cannot
be deleted): they are reported separately, as ``tombstones``, not as leftovers.  A deregistered task definition
is ``INACTIVE`` too but can and must be deleted (DeleteTaskDefinitions): it counts as a leftover.  A Secrets
Manager secret scheduled for deletion (``DeletedDate`` set; the teardown's recovery window) is a tombstone too:
AWS deletes it itself when the window ends, and ListSecrets leaves it out unless asked (IncludePlannedDeletion).

The final DB snapshot a teardown takes (``<prefix>-db-final-<UTC time>``, and ``-replaced-`` ones) is an intended
survivor: it is reported apart, as ``survivors``, not as a leftover (``database_delete_final_snapshot`` deletes it).
"""

from __future__ import annotations

from ansible_collections.jwtpizza.cloud.plugins.module_utils._cloudfront import list_all


def _paginate(client, operation, key, **params):
    if client.can_paginate(operation):
        for page in client.get_paginator(operation).paginate(**params):
            yield from page.get(key, []) or []
    else:
        yield from getattr(client, operation)(**params).get(key, []) or []


def _ecs_status(client, arn):
    """The status of an ECS cluster or service ARN (tagging API answers); None for other kinds."""
    ecs = client("ecs", arn.split(":")[3])
    kind, _sep, rest = arn.split(":")[5].partition("/")
    if kind == "cluster":
        found = ecs.describe_clusters(clusters=[arn]).get("clusters", [])
    elif kind == "service":
        found = ecs.describe_services(cluster=rest.split("/")[0], services=[arn]).get("services", [])
    else:
        return None
    return found[0].get("status") if found else "MISSING"


def _secret_status(client, arn):
    """"SCHEDULED" for a secret scheduled for deletion (or already gone), else None (a leftover)."""
    secretsmanager = client("secretsmanager", arn.split(":")[3])
    try:
        secret = secretsmanager.describe_secret(SecretId=arn)
    except secretsmanager.exceptions.ResourceNotFoundException:
        return "MISSING"
    return "SCHEDULED" if secret.get("DeletedDate") else None


def _status(client, arn):
    """Why a tagged ARN is a tombstone (INACTIVE or MISSING ECS, a secret scheduled for deletion), or None."""
    service = arn.split(":")[2]
    if service == "ecs":
        return _ecs_status(client, arn)
    if service == "secretsmanager":
        return _secret_status(client, arn)
    return None


def _is_db_snapshot(arn):
    parts = arn.split(":")
    return len(parts) > 5 and parts[2] == "rds" and parts[5] == "snapshot"


class Sweep:
    def __init__(self, client, project, environment, domain, region, hosts):
        self.client = client
        self.prefix = f"{project}-{environment}-"
        self.tags = {"Project": project, "Environment": environment, "ManagedBy": "jwtpizza.cloud"}
        self.domain = domain.rstrip(".").lower() + "."
        self.regions = sorted({region, "us-east-1"})
        self.region = region
        self.hosts = [h.rstrip(".").lower() + "." for h in hosts]

    def tagged(self):
        """(leftovers, tombstones): ARNs carrying the environment's tags."""
        filters = [{"Key": k, "Values": [v]} for k, v in self.tags.items()]
        arns = set()
        for region in self.regions:
            tagging = self.client("resourcegroupstaggingapi", region)
            arns |= {r["ResourceARN"] for r in _paginate(tagging, "get_resources", "ResourceTagMappingList", TagFilters=filters)}
        leftovers, tombstones = [], []
        for arn in sorted(arns):
            if _is_db_snapshot(arn):
                continue  # an intended survivor: see survivors()
            status = _status(self.client, arn)
            (tombstones if status in ("INACTIVE", "MISSING", "SCHEDULED") else leftovers).append(arn)
        return leftovers, tombstones

    def _in_domain(self, name):
        name = name.rstrip(".").lower() + "."
        return name == self.domain or name.endswith("." + self.domain)

    def _ours(self, record_name):
        """A record of the environment's hosts: the alias records and the certificates' validation records."""
        name = record_name.rstrip(".").lower() + "."
        return any(name == host or name.endswith("." + host) for host in self.hosts)

    def by_name(self):
        found = {}
        p = self.prefix
        repositories = _paginate(self.client("ecr", self.region), "describe_repositories", "repositories")
        found["ecr repositories"] = [r["repositoryName"] for r in repositories if r["repositoryName"].startswith(p)]
        roles = _paginate(self.client("iam", self.region), "list_roles", "Roles")
        found["iam roles"] = [r["RoleName"] for r in roles if r["RoleName"].startswith(p)]
        # An OIDC provider is named by its URL and may be shared: this environment's is the one carrying its tags.
        iam = self.client("iam", self.region)
        found["iam oidc providers"] = [
            o["Arn"] for o in iam.list_open_id_connect_providers().get("OpenIDConnectProviderList", [])
            if self._tagged(_paginate(iam, "list_open_id_connect_provider_tags", "Tags", OpenIDConnectProviderArn=o["Arn"]))
        ]
        route53 = self.client("route53", "us-east-1")
        zones = [z for z in _paginate(route53, "list_hosted_zones", "HostedZones") if z["Name"].lower() == self.domain]
        # A zone is the environment's only when this collection created it (tagged): a delegated zone stays.
        found["route53 zones"] = [
            f"{z['Name']} ({z['Id'].split('/')[-1]})" for z in zones if self._zone_is_ours(route53, z["Id"])
        ]
        found["route53 records"] = [
            f"{r['Name']} {r['Type']}"
            for zone in zones
            for r in _paginate(route53, "list_resource_record_sets", "ResourceRecordSets", HostedZoneId=zone["Id"])
            if self._ours(r["Name"])
        ]
        cloudfront = self.client("cloudfront", "us-east-1")
        oacs = list_all(cloudfront.list_origin_access_controls, "OriginAccessControlList")
        found["cloudfront origin access controls"] = [o["Name"] for o in oacs if o["Name"].startswith(p)]
        balancers = _paginate(self.client("elbv2", self.region), "describe_load_balancers", "LoadBalancers")
        found["load balancers"] = [lb["LoadBalancerName"] for lb in balancers if lb["LoadBalancerName"].startswith(p)]
        # ListSecrets leaves out the secrets scheduled for deletion (IncludePlannedDeletion is false by default).
        secrets = _paginate(self.client("secretsmanager", self.region), "list_secrets", "SecretList")
        found["secrets manager secrets"] = [s["Name"] for s in secrets if s["Name"].startswith((p, p[:-1] + "/"))]
        ecs = self.client("ecs", self.region)
        # familyPrefix is the full family name (ECS API reference), not a prefix: list them all and filter.
        found["ecs task definitions"] = [arn.split("/")[-1] for status in ("ACTIVE", "INACTIVE")
                                         for arn in _paginate(ecs, "list_task_definitions", "taskDefinitionArns", status=status)
                                         if arn.split("/")[-1].startswith(p)]
        rds = self.client("rds", self.region)
        found["rds db instances"] = [i["DBInstanceIdentifier"] for i in _paginate(rds, "describe_db_instances", "DBInstances")
                                     if i["DBInstanceIdentifier"].startswith(p)]
        found["rds db subnet groups"] = [g["DBSubnetGroupName"] for g in _paginate(rds, "describe_db_subnet_groups", "DBSubnetGroups")
                                         if g["DBSubnetGroupName"].startswith(p)]
        for region in self.regions:
            acm = self.client("acm", region)
            certificates = _paginate(acm, "list_certificates", "CertificateSummaryList")
            found[f"acm certificates ({region})"] = [
                c["CertificateArn"] for c in certificates
                if self._in_domain(c["DomainName"].lstrip("*.")) and self._certificate_is_ours(acm, c["CertificateArn"])
            ]
        return found

    def _tagged(self, tags):
        values = {t["Key"]: t.get("Value") for t in tags}
        return all(values.get(k) == v for k, v in self.tags.items())

    def _zone_is_ours(self, route53, zone_id):
        answer = route53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id.split("/")[-1])
        return self._tagged(answer.get("ResourceTagSet", {}).get("Tags", []))

    def _certificate_is_ours(self, acm, arn):
        return self._tagged(acm.list_tags_for_certificate(CertificateArn=arn).get("Tags", []))

    def survivors(self):
        """The manual DB snapshots of the environment (final snapshots of teardowns): kept on purpose, not counted."""
        snapshots = _paginate(self.client("rds", self.region), "describe_db_snapshots", "DBSnapshots", SnapshotType="manual")
        names = (s["DBSnapshotIdentifier"] for s in snapshots)
        return sorted(f"rds db snapshot {name}" for name in names if name.startswith(self.prefix))

    def run(self):
        """{"resources": {kind: [names]}, "tombstones": [ARNs], "survivors": [names], "count": N} (a resource found both
        by its tags and by its name counts twice: the count says whether anything is left, not how much)."""
        leftovers, tombstones = self.tagged()
        resources = {kind: items for kind, items in {"tagged resources": leftovers, **self.by_name()}.items() if items}
        return {"resources": resources, "tombstones": tombstones, "survivors": self.survivors(),
                "count": sum(len(items) for items in resources.values())}
