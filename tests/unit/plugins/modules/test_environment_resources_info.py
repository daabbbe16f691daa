# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.environment_resources_info (the teardown sweep) against moto's in-process account."""

from __future__ import annotations

import json

import boto3
import pytest

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _sweep
from ansible_collections.jwtpizza.cloud.plugins.modules import environment_resources_info

pytestmark = pytest.mark.usefixtures("moto_aws")

ARGS = {"project": "jwt-pizza", "environment": "dev", "domain": "example.com", "region": "us-east-1",
        "hosts": ["pizza.example.com", "pizza-service.example.com"]}
TAGS = {"Project": "jwt-pizza", "Environment": "dev", "ManagedBy": "jwtpizza.cloud"}
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def sweep(run_module, **args):
    result, failed = run_module(environment_resources_info, dict(ARGS, **args))
    assert not failed, result
    return result


def test_an_empty_account_has_nothing_left(run_module):
    result = sweep(run_module)
    assert (result["count"], result["resources"], result["changed"]) == (0, {}, False)


def test_finds_tagged_and_untaggable_resources_of_the_environment_only(run_module):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="jwt-pizza-dev-frontend")
    s3.put_bucket_tagging(Bucket="jwt-pizza-dev-frontend", Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in TAGS.items()]})
    ecr = boto3.client("ecr")
    ecr.create_repository(repositoryName="jwt-pizza-dev-service")
    ecr.create_repository(repositoryName="jwt-pizza-dev2-service")  # another environment whose name starts alike
    boto3.client("iam").create_role(RoleName="jwt-pizza-dev-ecs-execution", AssumeRolePolicyDocument=TRUST)
    boto3.client("iam").create_role(RoleName="jwt-pizza-dev2-ecs-execution", AssumeRolePolicyDocument=TRUST)
    result = sweep(run_module)
    assert result["resources"]["ecr repositories"] == ["jwt-pizza-dev-service"]
    assert result["resources"]["iam roles"] == ["jwt-pizza-dev-ecs-execution"]
    assert result["resources"]["tagged resources"] == ["arn:aws:s3:::jwt-pizza-dev-frontend"]
    assert result["count"] == 3


def test_deleted_ecs_clusters_are_tombstones_not_leftovers(run_module):
    ecs = boto3.client("ecs")
    tags = [{"key": k, "value": v} for k, v in TAGS.items()]
    arn = ecs.create_cluster(clusterName="jwt-pizza-dev-cluster", tags=tags)["cluster"]["clusterArn"]
    assert sweep(run_module)["resources"]["tagged resources"] == [arn]
    ecs.delete_cluster(cluster=arn)
    result = sweep(run_module)
    assert result["count"] == 0
    assert result["tombstones"] == [arn]


def test_deregistered_task_definitions_are_leftovers(run_module):
    ecs = boto3.client("ecs")
    arn = ecs.register_task_definition(family="jwt-pizza-dev-service", containerDefinitions=[{"name": "c", "image": "x", "memory": 512}])[
        "taskDefinition"]["taskDefinitionArn"]
    ecs.deregister_task_definition(taskDefinition=arn)
    assert sweep(run_module)["resources"]["ecs task definitions"] == ["jwt-pizza-dev-service:1"]


def test_only_the_records_of_the_hosts_and_a_zone_this_collection_created(run_module):
    route53 = boto3.client("route53")
    zone = route53.create_hosted_zone(Name="example.com", CallerReference="x")["HostedZone"]["Id"]
    route53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
        {"Action": "CREATE",
         "ResourceRecordSet": {"Name": name, "Type": "CNAME", "TTL": 60, "ResourceRecords": [{"Value": "x.example.net"}]}}
        for name in ("pizza.example.com", "_abc.pizza-service.example.com", "www.example.com")]})
    result = sweep(run_module)
    # An untagged zone is the user's (delegated): it stays, and so do records of other names.
    assert "route53 zones" not in result["resources"]
    expected = ["_abc.pizza-service.example.com. CNAME", "pizza.example.com. CNAME"]
    assert sorted(result["resources"]["route53 records"]) == expected
    route53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=zone.split("/")[-1],
                                     AddTags=[{"Key": k, "Value": v} for k, v in TAGS.items()])
    assert sweep(run_module)["resources"]["route53 zones"] == [f"example.com. ({zone.split('/')[-1]})"]


def test_certificates_of_the_environment_only(run_module):
    acm = boto3.client("acm")
    tags = [{"Key": k, "Value": v} for k, v in TAGS.items()]
    ours = acm.request_certificate(DomainName="pizza.example.com", ValidationMethod="DNS", Tags=tags)["CertificateArn"]
    acm.request_certificate(DomainName="pizza.example.org", ValidationMethod="DNS", Tags=tags)  # another domain
    acm.request_certificate(DomainName="pizza-service.example.com", ValidationMethod="DNS")  # not tagged as ours
    assert sweep(run_module)["resources"]["acm certificates (us-east-1)"] == [ours]


def test_secrets_are_leftovers_until_scheduled_for_deletion_then_tombstones(run_module):
    sm = boto3.client("secretsmanager")
    tags = [{"Key": k, "Value": v} for k, v in TAGS.items()]
    arn = sm.create_secret(Name="jwt-pizza-dev/jwt-signing-key", SecretString="x", Tags=tags)["ARN"]
    sm.create_secret(Name="jwt-pizza-dev2/jwt-signing-key", SecretString="x")  # another environment's
    untagged = sm.create_secret(Name="jwt-pizza-dev/factory-api-key", SecretString="x")["ARN"]
    result = sweep(run_module)
    assert result["resources"]["tagged resources"] == [arn]
    assert sorted(result["resources"]["secrets manager secrets"]) == ["jwt-pizza-dev/factory-api-key", "jwt-pizza-dev/jwt-signing-key"]
    sm.delete_secret(SecretId=arn, RecoveryWindowInDays=7)
    sm.delete_secret(SecretId=untagged, RecoveryWindowInDays=7)
    result = sweep(run_module)
    assert result["count"] == 0 and result["tombstones"] == [arn]


def db_network():
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.42.{i}.0/24", AvailabilityZone=f"us-east-1{z}")["Subnet"]["SubnetId"]
               for i, z in ((0, "a"), (1, "b"))]
    rds = boto3.client("rds")
    for name in ("jwt-pizza-dev-db", "jwt-pizza-dev2-db"):
        rds.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription="db", SubnetIds=subnets)
    return rds


def test_a_leftover_database_and_its_subnet_group_are_found_by_name(run_module):
    rds = db_network()
    for name in ("jwt-pizza-dev-db", "jwt-pizza-dev2-db"):
        rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.t4g.micro", Engine="mysql", AllocatedStorage=20,
                               MasterUsername="admin", ManageMasterUserPassword=True, DBSubnetGroupName=name)
    result = sweep(run_module)
    assert result["resources"]["rds db instances"] == ["jwt-pizza-dev-db"]
    assert result["resources"]["rds db subnet groups"] == ["jwt-pizza-dev-db"]
    assert result["count"] == 2


def test_the_final_db_snapshot_is_a_survivor_not_a_leftover(run_module):
    rds = db_network()
    tags = [{"Key": k, "Value": v} for k, v in TAGS.items()]
    rds.create_db_instance(DBInstanceIdentifier="jwt-pizza-dev-db", DBInstanceClass="db.t4g.micro", Engine="mysql", AllocatedStorage=20,
                           MasterUsername="admin", ManageMasterUserPassword=True, DBSubnetGroupName="jwt-pizza-dev-db", Tags=tags,
                           CopyTagsToSnapshot=True)
    rds.delete_db_instance(DBInstanceIdentifier="jwt-pizza-dev-db", FinalDBSnapshotIdentifier="jwt-pizza-dev-db-final-20261202-031500")
    rds.delete_db_subnet_group(DBSubnetGroupName="jwt-pizza-dev-db")
    rds.delete_db_subnet_group(DBSubnetGroupName="jwt-pizza-dev2-db")
    result = sweep(run_module)
    assert result["count"] == 0, result["resources"]
    assert result["survivors"] == ["rds db snapshot jwt-pizza-dev-db-final-20261202-031500"]


def test_an_active_ecs_service_is_a_leftover_and_a_deleted_one_a_tombstone(run_module):
    """The service's status is read in its own cluster (the ARN's cluster part), not in a cluster named after it."""
    ecs = boto3.client("ecs")
    tags = [{"key": k, "value": v} for k, v in TAGS.items()]
    ecs.create_cluster(clusterName="jwt-pizza-dev-cluster")
    arn = ecs.create_service(cluster="jwt-pizza-dev-cluster", serviceName="jwt-pizza-dev-service", desiredCount=0,
                             tags=tags)["service"]["serviceArn"]
    assert arn.endswith(":service/jwt-pizza-dev-cluster/jwt-pizza-dev-service")
    result = sweep(run_module)
    assert (result["resources"].get("tagged resources"), result["tombstones"]) == ([arn], [])
    ecs.delete_service(cluster="jwt-pizza-dev-cluster", service="jwt-pizza-dev-service", force=True)
    result = sweep(run_module)
    assert arn not in result["resources"].get("tagged resources", [])
    assert arn in result["tombstones"]


def test_a_tagged_secret_already_deleted_is_a_tombstone():
    """The tagging API can still list a secret Secrets Manager no longer knows (deleted without recovery)."""
    def client(service, region):  # the sweep's client factory
        return boto3.client(service, region_name=region)

    gone = "arn:aws:secretsmanager:us-east-1:123456789012:secret:jwt-pizza-dev/jwt-signing-key-AbCdEf"
    assert _sweep._status(client, gone) == "MISSING"
