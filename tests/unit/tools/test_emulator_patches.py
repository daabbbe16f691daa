"""Tests of the emulator's fidelity patches (tools/emulator_patches.py), driven with boto3 over HTTP.

The server is moto's ThreadedMotoServer in this process with the patches applied (conftest's `emulator`);
the settings are read at request time, so a test sets them with monkeypatch.
test_emulator_serves_with_the_patches runs the real `tools/emulator.py start`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import emulator_patches

from conftest import ROLLOUT, free_port

ROOT = Path(__file__).resolve().parents[3]
CLUSTER, NAME = "pizza", "pizza-service"
BREAKER = {"maximumPercent": 200, "minimumHealthyPercent": 100,
           "deploymentCircuitBreaker": {"enable": True, "rollback": True}}


@pytest.fixture
def ecs(emulator):
    client = boto3.client("ecs", endpoint_url=emulator, config=Config(retries={"mode": "standard"}))
    client.create_cluster(clusterName=CLUSTER)
    return client


def task_definition(ecs, tag):
    return ecs.register_task_definition(
        family=NAME, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="512", memory="1024",
        containerDefinitions=[{"name": "app", "image": f"123456789012.dkr.ecr.us-east-1.amazonaws.com/pizza:{tag}",
                               "essential": True}])["taskDefinition"]["taskDefinitionArn"]


def create(ecs, td, desired=1, **extra):
    return ecs.create_service(cluster=CLUSTER, serviceName=NAME, taskDefinition=td, desiredCount=desired,
                              launchType="FARGATE", **extra)["service"]


def describe(ecs):
    return ecs.describe_services(cluster=CLUSTER, services=[NAME])["services"][0]


def settle(ecs, rollouts=1):
    time.sleep(ROLLOUT * rollouts + 0.15)
    return describe(ecs)


def messages(service):
    return [e["message"] for e in service["events"]]


def test_create_rolls_out_then_runs_the_desired_count(ecs):
    td = task_definition(ecs, "v1")
    created = create(ecs, td, desired=2)
    [deployment] = created["deployments"]
    assert deployment["status"] == "PRIMARY" and deployment["rolloutState"] == "IN_PROGRESS"
    assert deployment["id"].startswith("ecs-svc/") and deployment["id"][8:].isdigit()
    assert deployment["taskDefinition"] == td
    assert (created["runningCount"], created["pendingCount"]) == (0, 2)
    service = settle(ecs)
    [deployment] = service["deployments"]
    assert deployment["rolloutState"] == "COMPLETED" and deployment["runningCount"] == 2
    assert (service["desiredCount"], service["runningCount"], service["pendingCount"]) == (2, 2, 0)
    assert messages(service)[0] == f"(service {NAME}) has reached a steady state."
    assert messages(service)[1] == f"(service {NAME}) (deployment {deployment['id']}) deployment completed."
    cluster = ecs.describe_clusters(clusters=[CLUSTER])["clusters"][0]
    assert (cluster["runningTasksCount"], cluster["pendingTasksCount"]) == (2, 0)


def test_update_with_a_new_task_definition_starts_a_new_primary_deployment(ecs):
    first = task_definition(ecs, "v1")
    create(ecs, first)
    old = settle(ecs)["deployments"][0]
    second = task_definition(ecs, "v2")
    updated = ecs.update_service(cluster=CLUSTER, service=NAME, taskDefinition=second)["service"]
    primary, active = updated["deployments"]
    assert (primary["status"], primary["rolloutState"], primary["taskDefinition"]) == ("PRIMARY", "IN_PROGRESS", second)
    assert primary["id"] != old["id"] and primary["createdAt"] >= old["createdAt"] and primary["updatedAt"]
    assert (active["id"], active["status"], active["taskDefinition"]) == (old["id"], "ACTIVE", first)
    assert updated["taskDefinition"] == second and updated["runningCount"] == 1  # the old task still runs
    service = settle(ecs)
    [deployment] = service["deployments"]
    assert (deployment["id"], deployment["rolloutState"], deployment["runningCount"]) == (primary["id"], "COMPLETED", 1)
    assert service["taskDefinition"] == second


def test_force_new_deployment_and_the_rollout_time_is_read_per_request(ecs, monkeypatch):
    td = task_definition(ecs, "v1")
    create(ecs, td)
    old = settle(ecs)["deployments"][0]
    monkeypatch.setenv("EMULATOR_ECS_ROLLOUT_SECONDS", "30")
    forced = ecs.update_service(cluster=CLUSTER, service=NAME, forceNewDeployment=True)["service"]
    assert [d["status"] for d in forced["deployments"]] == ["PRIMARY", "ACTIVE"]
    assert forced["deployments"][0]["taskDefinition"] == td and forced["deployments"][1]["id"] == old["id"]
    assert settle(ecs)["deployments"][0]["rolloutState"] == "IN_PROGRESS"  # 30 s have not passed
    monkeypatch.setenv("EMULATOR_ECS_ROLLOUT_SECONDS", "0")
    [deployment] = describe(ecs)["deployments"]
    assert deployment["rolloutState"] == "COMPLETED" and deployment["id"] == forced["deployments"][0]["id"]


def test_failing_image_fails_the_deployment_and_rolls_back(ecs):
    good = task_definition(ecs, "v1")
    create(ecs, good, deploymentConfiguration=BREAKER)
    completed = settle(ecs)["deployments"][0]
    bad = task_definition(ecs, "fail-v2")
    started = ecs.update_service(cluster=CLUSTER, service=NAME, taskDefinition=bad)["service"]["deployments"][0]
    assert started["rolloutState"] == "IN_PROGRESS"
    # after one rollout time: FAILED, and the rollback deployment runs
    service = settle(ecs)
    by_id = {d["id"]: d for d in service["deployments"]}
    failed = by_id[started["id"]]
    assert (failed["status"], failed["rolloutState"], failed["runningCount"]) == ("ACTIVE", "FAILED", 0)
    assert failed["failedTasks"] >= 1 and "circuit breaker" in failed["rolloutStateReason"]
    rollback = service["deployments"][0]
    assert (rollback["status"], rollback["taskDefinition"]) == ("PRIMARY", good)
    assert rollback["id"] not in (started["id"], completed["id"])
    assert service["taskDefinition"] == good
    assert messages(service)[:2] == [
        f"(service {NAME}) rolling back to deployment {completed['id']}.",
        f"(service {NAME}) (deployment {started['id']}) deployment failed: tasks failed to start.",
    ]
    # after another: the rollback completed, one deployment of the good task definition is left
    service = settle(ecs)
    [deployment] = service["deployments"]
    assert (deployment["id"], deployment["rolloutState"], deployment["taskDefinition"]) == (rollback["id"], "COMPLETED", good)
    assert (service["taskDefinition"], service["runningCount"]) == (good, 1)
    assert messages(service)[0] == f"(service {NAME}) has reached a steady state."


def test_failure_without_rollback_stays_failed_and_without_breaker_never_ends(ecs, monkeypatch):
    monkeypatch.setenv("EMULATOR_ECS_FAIL_IMAGE", "broken")
    create(ecs, task_definition(ecs, "broken"), deploymentConfiguration={
        "deploymentCircuitBreaker": {"enable": True, "rollback": False}})
    [deployment] = settle(ecs, rollouts=3)["deployments"]
    assert (deployment["status"], deployment["rolloutState"]) == ("PRIMARY", "FAILED")  # no completed deployment
    ecs.delete_service(cluster=CLUSTER, service=NAME, force=True)
    ecs.create_service(cluster=CLUSTER, serviceName="plain", taskDefinition=task_definition(ecs, "broken-2"),
                       desiredCount=1, launchType="FARGATE")
    time.sleep(ROLLOUT * 3)
    plain = ecs.describe_services(cluster=CLUSTER, services=["plain"])["services"][0]
    [deployment] = plain["deployments"]
    assert deployment["rolloutState"] == "IN_PROGRESS" and deployment["failedTasks"] >= 1
    assert plain["runningCount"] == 0
    assert plain["deploymentConfiguration"]["deploymentCircuitBreaker"] == {"enable": False, "rollback": False}


def test_empty_fail_setting_and_zero_tasks_never_fail(ecs, monkeypatch):
    create(ecs, task_definition(ecs, "fail-1"), desired=0, deploymentConfiguration=BREAKER)
    service = settle(ecs)
    assert service["deployments"][0]["rolloutState"] == "COMPLETED"  # nothing to start, nothing fails
    monkeypatch.setenv("EMULATOR_ECS_FAIL_IMAGE", "")
    ecs.update_service(cluster=CLUSTER, service=NAME, taskDefinition=task_definition(ecs, "fail-2"), desiredCount=1)
    service = settle(ecs)
    assert service["deployments"][0]["rolloutState"] == "COMPLETED" and service["runningCount"] == 1


def test_running_count_follows_the_desired_count(ecs):
    td = task_definition(ecs, "v1")
    create(ecs, td, desired=0)
    service = settle(ecs)
    assert (service["desiredCount"], service["runningCount"], service["pendingCount"]) == (0, 0, 0)
    deployment_id = service["deployments"][0]["id"]
    scaled = ecs.update_service(cluster=CLUSTER, service=NAME, desiredCount=3)["service"]
    [deployment] = scaled["deployments"]  # a desired count alone starts no deployment
    assert deployment["id"] == deployment_id and (deployment["desiredCount"], deployment["runningCount"]) == (3, 3)
    assert (scaled["desiredCount"], scaled["runningCount"]) == (3, 3)
    ecs.update_service(cluster=CLUSTER, service=NAME, desiredCount=0)
    service = describe(ecs)
    assert (service["desiredCount"], service["runningCount"]) == (0, 0)
    cluster = ecs.describe_clusters(clusters=[CLUSTER])["clusters"][0]
    assert (cluster["runningTasksCount"], cluster["pendingTasksCount"]) == (0, 0)


def test_service_settings_round_trip(ecs):
    td = task_definition(ecs, "v1")
    created = create(ecs, td, deploymentConfiguration=BREAKER, healthCheckGracePeriodSeconds=60,
                     enableECSManagedTags=True, propagateTags="SERVICE")
    service = describe(ecs)
    for read in (created, service):
        assert read["deploymentConfiguration"] == BREAKER
        assert read["healthCheckGracePeriodSeconds"] == 60 and read["enableECSManagedTags"] is True
    changed = {"maximumPercent": 150, "minimumHealthyPercent": 50,
               "deploymentCircuitBreaker": {"enable": True, "rollback": False}}
    ecs.update_service(cluster=CLUSTER, service=NAME, deploymentConfiguration=changed, healthCheckGracePeriodSeconds=30)
    service = describe(ecs)
    assert service["deploymentConfiguration"] == changed and service["healthCheckGracePeriodSeconds"] == 30
    assert len(service["deployments"]) == 1  # settings alone start no deployment
    ecs.update_service(cluster=CLUSTER, service=NAME, deploymentConfiguration={"maximumPercent": 300})
    assert describe(ecs)["deploymentConfiguration"] == {**changed, "maximumPercent": 300}  # the rest is kept


def test_service_without_settings_reads_aws_defaults_and_no_grace_period(ecs):
    create(ecs, task_definition(ecs, "v1"))
    service = describe(ecs)
    assert service["deploymentConfiguration"] == {"maximumPercent": 200, "minimumHealthyPercent": 100,
                                                  "deploymentCircuitBreaker": {"enable": False, "rollback": False}}
    assert "healthCheckGracePeriodSeconds" not in service


@pytest.fixture
def cloudfront(emulator):
    client = boto3.client("cloudfront", endpoint_url=emulator)
    config = {"CallerReference": "ref", "Comment": "", "Enabled": True, "Origins": {"Quantity": 1, "Items": [
        {"Id": "s3", "DomainName": "bucket.s3.amazonaws.com", "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "s3", "ViewerProtocolPolicy": "redirect-to-https",
                                 "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}}
    distribution = client.create_distribution(DistributionConfig=config)["Distribution"]["Id"]
    return client, distribution


def invalidate(client, distribution, ref):
    return client.create_invalidation(DistributionId=distribution, InvalidationBatch={
        "Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": ref})["Invalidation"]


def test_invalidation_status_is_spelled_as_on_aws_and_the_waiter_ends(cloudfront, monkeypatch):
    client, distribution = cloudfront
    created = invalidate(client, distribution, "one")
    assert created["Status"] == "Completed"
    client.get_waiter("invalidation_completed").wait(DistributionId=distribution, Id=created["Id"],
                                                     WaiterConfig={"Delay": 1, "MaxAttempts": 2})
    monkeypatch.setenv("EMULATOR_CLOUDFRONT_INVALIDATION_SECONDS", "1")
    slow = invalidate(client, distribution, "two")
    assert slow["Status"] == "InProgress"
    summaries = client.list_invalidations(DistributionId=distribution)["InvalidationList"]["Items"]
    assert {s["Id"]: s["Status"] for s in summaries} == {created["Id"]: "Completed", slow["Id"]: "InProgress"}
    started = time.monotonic()
    client.get_waiter("invalidation_completed").wait(DistributionId=distribution, Id=slow["Id"],
                                                     WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    assert time.monotonic() - started < 4
    assert client.get_invalidation(DistributionId=distribution, Id=slow["Id"])["Invalidation"]["Status"] == "Completed"


def test_patches_are_undone(emulator_server):
    from moto.cloudfront.models import Invalidation
    from moto.ecs.models import EC2ContainerServiceBackend

    assert EC2ContainerServiceBackend.update_service.__module__ == "emulator_patches"
    emulator_patches.undo()
    try:
        assert EC2ContainerServiceBackend.update_service.__module__ == "moto.ecs.models"
        assert "status" not in Invalidation.__dict__
    finally:
        emulator_patches.apply()


@pytest.mark.parametrize("image, tag", [("repo:fail-1", "fail-1"), ("123.dkr.ecr.x.amazonaws.com/pizza", "latest"),
                                        ("host:5000/pizza:v1", "v1"), ("pizza@sha256:abc", ""),
                                        ("pizza:fail@sha256:abc", "fail")])
def test_image_tag(image, tag):
    assert emulator_patches.image_tag(image) == tag


def test_emulator_serves_with_the_patches(emulator_server, aws_env):
    """The real path: `tools/emulator.py start` runs a server whose deployments roll out and whose invalidations complete."""
    port = free_port(exclude={int(emulator_server.rsplit(":", 1)[1])})
    env = {**os.environ, "EMULATOR_ECS_ROLLOUT_SECONDS": "0.3", "EMULATOR_PORT": str(port)}
    tool = [sys.executable, str(ROOT / "tools" / "emulator.py")]
    subprocess.run([*tool, "start"], env=env, check=True, capture_output=True, timeout=60)
    try:
        endpoint = f"http://127.0.0.1:{port}"
        ecs = boto3.client("ecs", endpoint_url=endpoint)
        ecs.create_cluster(clusterName=CLUSTER)
        td = task_definition(ecs, "v1")
        created = create(ecs, td, deploymentConfiguration=BREAKER)
        assert created["deployments"][0]["rolloutState"] == "IN_PROGRESS" and created["runningCount"] == 0
        time.sleep(0.5)
        service = describe(ecs)
        assert service["deployments"][0]["rolloutState"] == "COMPLETED" and service["runningCount"] == 1
        assert service["deploymentConfiguration"] == BREAKER
        with urllib.request.urlopen(f"{endpoint}/moto-api/config", timeout=5) as answer:
            assert json.load(answer)  # the emulator answers its own API too
    finally:
        subprocess.run([*tool, "stop"], env=env, check=False, capture_output=True, timeout=60)


def tls_only_policy(bucket):
    # The bucket role's statement (roles/bucket): deny every request that does not use TLS.
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})


def test_a_tls_only_bucket_policy_lets_the_emulators_requests_in(emulator):
    s3 = boto3.client("s3", endpoint_url=emulator, region_name="us-east-1")
    s3.create_bucket(Bucket="tls-only")
    s3.put_bucket_policy(Bucket="tls-only", Policy=tls_only_policy("tls-only"))
    s3.put_object(Bucket="tls-only", Key="index.html", Body=b"<html></html>")
    assert s3.get_object(Bucket="tls-only", Key="index.html")["Body"].read() == b"<html></html>"


def test_other_deny_statements_still_apply():
    assert emulator_patches._condition_holds({"Bool": {"aws:SecureTransport": "true"}})
    assert emulator_patches._condition_holds({"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::1:distribution/X"}})
    assert not emulator_patches._condition_holds({"Bool": {"aws:SecureTransport": ["false"]}})


def test_an_origin_access_control_name_is_taken_once(emulator):
    """CreateOriginAccessControl refuses a name in use (OriginAccessControlAlreadyExists, 409), as CloudFront does."""
    client = boto3.client("cloudfront", endpoint_url=emulator)
    config = {"Name": "site-oac", "SigningProtocol": "sigv4", "SigningBehavior": "always", "OriginAccessControlOriginType": "s3"}
    client.create_origin_access_control(OriginAccessControlConfig=config)
    with pytest.raises(ClientError) as refused:
        client.create_origin_access_control(OriginAccessControlConfig=config)
    assert refused.value.response["Error"]["Code"] == "OriginAccessControlAlreadyExists"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    client.create_origin_access_control(OriginAccessControlConfig=dict(config, Name="other-oac"))
    names = [c["Name"] for c in client.list_origin_access_controls()["OriginAccessControlList"]["Items"]]
    assert sorted(names) == ["other-oac", "site-oac"]


def test_deleting_an_origin_access_control_that_is_gone_answers_404(emulator):
    client = boto3.client("cloudfront", endpoint_url=emulator)
    config = {"Name": "gone-oac", "SigningProtocol": "sigv4", "SigningBehavior": "always", "OriginAccessControlOriginType": "s3"}
    made = client.create_origin_access_control(OriginAccessControlConfig=config)
    control, etag = made["OriginAccessControl"]["Id"], made["ETag"]
    client.delete_origin_access_control(Id=control, IfMatch=etag)
    with pytest.raises(ClientError) as refused:
        client.delete_origin_access_control(Id=control, IfMatch=etag)
    assert refused.value.response["Error"]["Code"] == "NoSuchOriginAccessControl"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


@pytest.fixture
def elb(emulator):
    """An ELBv2 client and two subnets of one VPC."""
    ec2 = boto3.client("ec2", endpoint_url=emulator)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=f"us-west-2{z}")["Subnet"]["SubnetId"]
               for i, z in ((1, "a"), (2, "b"))]
    return boto3.client("elbv2", endpoint_url=emulator), vpc, subnets


def refused_with(code, call, params):
    with pytest.raises(ClientError) as refused:
        call(**params)
    return refused.value.response["Error"]["Code"] == code


def test_elb_creates_repeated_with_the_same_settings_answer_the_first(elb):
    """CreateLoadBalancer, CreateTargetGroup and CreateListener are idempotent; other settings under a taken name or
    port are refused with DuplicateLoadBalancerName, DuplicateTargetGroupName, DuplicateListener."""
    client, vpc, subnets = elb
    lb = {"Name": "site-alb", "Subnets": subnets, "Scheme": "internet-facing", "Type": "application"}
    first = client.create_load_balancer(**lb)["LoadBalancers"][0]["LoadBalancerArn"]
    assert client.create_load_balancer(**lb)["LoadBalancers"][0]["LoadBalancerArn"] == first
    assert refused_with("DuplicateLoadBalancerName", client.create_load_balancer, dict(lb, Scheme="internal"))
    assert refused_with("DuplicateLoadBalancerName", client.create_load_balancer, dict(lb, Subnets=subnets[:1]))
    assert len(client.describe_load_balancers(Names=["site-alb"])["LoadBalancers"]) == 1

    tg = {"Name": "site-tg", "Protocol": "HTTP", "Port": 80, "VpcId": vpc, "TargetType": "ip"}
    group = client.create_target_group(**tg)["TargetGroups"][0]["TargetGroupArn"]
    assert client.create_target_group(**tg)["TargetGroups"][0]["TargetGroupArn"] == group
    assert refused_with("DuplicateTargetGroupName", client.create_target_group, dict(tg, Port=8080))
    assert refused_with("DuplicateTargetGroupName", client.create_target_group, dict(tg, TargetType="instance"))

    forward = [{"Type": "forward", "TargetGroupArn": group}]
    listener = {"LoadBalancerArn": first, "Protocol": "HTTP", "Port": 80, "DefaultActions": forward}
    made = client.create_listener(**listener)["Listeners"][0]["ListenerArn"]
    assert client.create_listener(**listener)["Listeners"][0]["ListenerArn"] == made
    redirect = [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]
    assert refused_with("DuplicateListener", client.create_listener, dict(listener, DefaultActions=redirect))
    client.create_listener(**dict(listener, Port=8080))
    ports = sorted(x["Port"] for x in client.describe_listeners(LoadBalancerArn=first)["Listeners"])
    assert ports == [80, 8080]


def test_a_route53_caller_reference_is_used_once(emulator):
    """CreateHostedZone refuses a caller reference used before (HostedZoneAlreadyExists, 409), even after the zone of
    that reference is deleted; a new reference makes a new zone."""
    client = boto3.client("route53", endpoint_url=emulator)
    zone = client.create_hosted_zone(Name="example.com", CallerReference="ref-1")["HostedZone"]["Id"]
    with pytest.raises(ClientError) as refused:
        client.create_hosted_zone(Name="example.com", CallerReference="ref-1")
    assert refused.value.response["Error"]["Code"] == "HostedZoneAlreadyExists"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert len(client.list_hosted_zones_by_name(DNSName="example.com")["HostedZones"]) == 1
    client.delete_hosted_zone(Id=zone)
    assert refused_with("HostedZoneAlreadyExists", client.create_hosted_zone, {"Name": "example.com", "CallerReference": "ref-1"})
    client.create_hosted_zone(Name="example.com", CallerReference="ref-2")


def test_application_autoscaling_answers_object_not_found_for_what_is_gone(emulator):
    """DeleteScalingPolicy and DeregisterScalableTarget of what does not exist answer ObjectNotFoundException."""
    client = boto3.client("application-autoscaling", endpoint_url=emulator)
    key = {"ServiceNamespace": "dynamodb", "ResourceId": "table/t", "ScalableDimension": "dynamodb:table:ReadCapacityUnits"}
    client.register_scalable_target(**key, MinCapacity=1, MaxCapacity=2)
    assert refused_with("ObjectNotFoundException", client.delete_scaling_policy, dict(key, PolicyName="cpu"))
    client.deregister_scalable_target(**key)
    assert refused_with("ObjectNotFoundException", client.deregister_scalable_target, key)
