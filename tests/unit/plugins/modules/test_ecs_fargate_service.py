# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.ecs_fargate_service: moto in-process, and botocore Stubber for what moto drops."""

from __future__ import annotations

import hashlib
import json

import boto3
import pytest

from ansible_collections.jwtpizza.cloud.plugins.modules import ecs_fargate_service

REGION = "us-east-1"
CLUSTER = "pizza-cluster"
NAME = "pizza-service"
REPO = "pizza-repo"
IMAGE = f"123456789012.dkr.ecr.{REGION}.amazonaws.com/{REPO}:latest"
ROLE = "arn:aws:iam::123456789012:role/pizza-exec"
SECRET = f"arn:aws:ssm:{REGION}:123456789012:parameter/pizza/db-password"
WRITES = {"RegisterTaskDefinition", "DeregisterTaskDefinition", "CreateService", "UpdateService", "DeleteService",
          "TagResource", "UntagResource"}


@pytest.fixture
def aws(monkeypatch, moto_aws):
    """The cluster and the repository in moto, and a network for the tasks: {"subnets": [...], "security_groups": [...]}."""
    monkeypatch.setenv("MOTO_ECS_SERVICE_RUNNING", "1")
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="tasks", Description="tasks", VpcId=vpc)["GroupId"]
    boto3.client("ecs").create_cluster(clusterName=CLUSTER)
    boto3.client("ecr").create_repository(repositoryName=REPO)
    return {"subnets": [subnet], "security_groups": [sg]}


@pytest.fixture
def run(module_exit):
    """run(**args) -> ModuleExit: ecs_fargate_service run with exactly these arguments."""
    return lambda **args: module_exit(ecs_fargate_service, args)


@pytest.fixture
def present(run):
    """present(net, **extra) -> ModuleExit: the service NAME on the network net, updated with extra."""

    def present_service(net, **extra):
        args = {"cluster": CLUSTER, "name": NAME, "container_name": "app", "image": IMAGE, "execution_role_arn": ROLE,
                "environment": {"PORT": 80}, "secrets": {"DB_PASSWORD": SECRET}, "log_group": f"/ecs/{NAME}",
                "subnets": net["subnets"], "security_groups": net["security_groups"], "assign_public_ip": True,
                "bootstrap_without_image": True, "scaling_bounds": {"min": 1, "max": 4}, "desired_count": 2,
                "tags": {"Project": "pizza"}}
        args.update(extra)
        return run(**args)

    return present_service


def writes(api_calls):
    return [name for name, _params in api_calls if name in WRITES]


def push_image():
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json", "layers": []})
    boto3.client("ecr").put_image(repositoryName=REPO, imageManifest=manifest, imageTag="latest",
                                  imageDigest="sha256:" + hashlib.sha256(manifest.encode()).hexdigest())


def service():
    return boto3.client("ecs").describe_services(cluster=CLUSTER, services=[NAME])["services"][0]


def test_bootstrap_runs_zero_tasks_until_the_image_exists(aws, present):
    first = present(aws)
    assert not first.failed, first.result
    assert first.result["changed"] and first.result["image_available"] is False
    assert service()["desiredCount"] == 0
    push_image()
    second = present(aws)
    assert second.result["changed"] and second.result["image_available"] is True
    assert second.result["task_definition_registered"] is False
    assert service()["desiredCount"] == 2


def test_task_definition_holds_secret_arns_and_logs(aws, present):
    push_image()
    out = present(aws)
    td = boto3.client("ecs").describe_task_definition(taskDefinition=NAME)["taskDefinition"]
    [container] = td["containerDefinitions"]
    assert container["secrets"] == [{"name": "DB_PASSWORD", "valueFrom": SECRET}]
    assert container["environment"] == [{"name": "PORT", "value": "80"}]
    assert container["logConfiguration"]["options"]["awslogs-stream-prefix"] == "ecs"
    assert td["runtimePlatform"]["cpuArchitecture"] == "ARM64"
    assert (td["cpu"], td["memory"], td["requiresCompatibilities"]) == ("512", "1024", ["FARGATE"])
    assert out.result["task_definition_arn"].endswith(f"{NAME}:1")


def test_second_run_writes_nothing(aws, api_calls, present):
    push_image()
    present(aws)
    del api_calls[:]
    again = present(aws)
    assert again.result["changed"] is False
    assert writes(api_calls) == []


def test_only_a_changed_container_registers_a_revision(aws, api_calls, present):
    push_image()
    present(aws)
    del api_calls[:]
    out = present(aws, environment={"PORT": 80, "LOG": "debug"})
    assert out.result["task_definition_registered"] is True
    assert writes(api_calls) == ["RegisterTaskDefinition", "UpdateService"]
    [update] = [p for n, p in api_calls if n == "UpdateService"]
    assert set(update) == {"cluster", "service", "taskDefinition"}
    assert service()["taskDefinition"].endswith(f"{NAME}:2")


def test_a_changed_deployment_setting_updates_only_it_then_nothing(aws, api_calls, present, monkeypatch):
    """moto stores no deploymentConfiguration: the reads answer, as ECS does, with the last one written."""
    real = ecs_fargate_service.ecs.describe_service
    sent = []

    def stored(client, cluster, name):
        found = real(client, cluster, name)
        written = [p["deploymentConfiguration"] for n, p in sent if n in ("CreateService", "UpdateService")
                   and "deploymentConfiguration" in p]
        if found is not None and written:
            found["deploymentConfiguration"] = written[-1]
        return found

    monkeypatch.setattr(ecs_fargate_service.ecs, "describe_service", stored)
    push_image()
    present(aws)
    sent.extend(api_calls)
    del api_calls[:]
    out = present(aws, maximum_percent=150)
    assert out.result["changed"] is True
    assert writes(api_calls) == ["UpdateService"]
    [update] = [p for n, p in api_calls if n == "UpdateService"]
    assert set(update) == {"cluster", "service", "deploymentConfiguration"}
    assert update["deploymentConfiguration"]["maximumPercent"] == 150
    sent.extend(api_calls)
    del api_calls[:]
    assert present(aws, maximum_percent=150).result["changed"] is False
    assert writes(api_calls) == []


def test_scaled_count_within_bounds_is_kept(aws, present):
    push_image()
    present(aws)
    boto3.client("ecs").update_service(cluster=CLUSTER, service=NAME, desiredCount=3)
    out = present(aws)
    assert out.result["changed"] is False and out.result["desired_count"] == 3
    present(aws, scaling_bounds={"min": 1, "max": 2})
    assert service()["desiredCount"] == 2


def test_check_mode_writes_nothing(aws, api_calls, present):
    out = present(aws, _ansible_check_mode=True)
    assert out.result["changed"] is True
    assert out.result["task_definition_arn"] == f"{NAME}:1"  # the revision a real run would register
    assert out.result["task_definition_registered"] is True
    assert writes(api_calls) == []
    assert boto3.client("ecs").list_task_definitions()["taskDefinitionArns"] == []


def test_absent_deletes_service_and_every_revision(aws, api_calls, run, present):
    push_image()
    present(aws)
    present(aws, environment={"A": "1"})
    out = run(cluster=CLUSTER, name=NAME, state="absent")
    assert out.result["changed"] is True
    assert len(out.result["deregistered_task_definitions"]) == 2
    assert (out.result["service_arn"], out.result["desired_count"], out.result["image_available"]) == ("", 0, True)
    assert service()["status"] == "INACTIVE"
    assert boto3.client("ecs").list_task_definitions(status="ACTIVE")["taskDefinitionArns"] == []
    # Deregistered is not gone: AWS keeps INACTIVE revisions listed and tagged until DeleteTaskDefinitions.
    assert sorted(out.result["deleted_task_definitions"]) == sorted(out.result["deregistered_task_definitions"])
    assert boto3.client("ecs").list_task_definitions(status="INACTIVE")["taskDefinitionArns"] == []
    assert [c for c in api_calls if c[0] == "DeleteTaskDefinitions"]
    del api_calls[:]
    again = run(cluster=CLUSTER, name=NAME, state="absent")
    assert again.result["changed"] is False and writes(api_calls) == []


def test_absent_without_cluster_is_no_change(aws, run):
    out = run(cluster="no-such-cluster", name=NAME, state="absent")
    assert not out.failed and out.result["changed"] is False


def test_create_request_carries_what_moto_drops(stubbed_clients, present):
    """moto stores no deploymentConfiguration nor grace period: prove the request carries them."""
    stubs = stubbed_clients("ecs", "ecr")
    tg = f"arn:aws:elasticloadbalancing:{REGION}:123456789012:targetgroup/pizza-tg/0123456789abcdef"
    td_arn = f"arn:aws:ecs:{REGION}:123456789012:task-definition/{NAME}:1"
    stubs["ecs"].add_response("describe_services", {"services": [], "failures": []})
    stubs["ecs"].add_response("list_task_definitions", {"taskDefinitionArns": []})
    stubs["ecs"].add_response("register_task_definition", {"taskDefinition": {"taskDefinitionArn": td_arn, "family": NAME, "revision": 1}})
    stubs["ecs"].add_response("list_task_definitions", {"taskDefinitionArns": [td_arn]})  # no copy of a retried register
    stubs["ecr"].add_response("describe_images", {"imageDetails": [{"imageTags": ["latest"]}]})
    stubs["ecs"].add_response("create_service", {"service": {"serviceArn": f"arn:aws:ecs:{REGION}:1:service/{NAME}"}}, {
        "cluster": CLUSTER, "serviceName": NAME, "taskDefinition": td_arn, "desiredCount": 2, "launchType": "FARGATE",
        "schedulingStrategy": "REPLICA",
        "deploymentConfiguration": {"maximumPercent": 200, "minimumHealthyPercent": 100,
                                    "deploymentCircuitBreaker": {"enable": True, "rollback": True}},
        "healthCheckGracePeriodSeconds": 45,
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": ["sg-1"],
                                                         "assignPublicIp": "ENABLED"}},
        "loadBalancers": [{"targetGroupArn": tg, "containerName": "app", "containerPort": 80}],
        "propagateTags": "SERVICE", "enableECSManagedTags": True, "tags": [{"key": "Project", "value": "pizza"}],
    })
    out = present({"subnets": ["subnet-1"], "security_groups": ["sg-1"]}, target_group_arn=tg,
                  health_check_grace_period=45)
    assert not out.failed, out.result
    for stub in stubs.values():
        stub.assert_no_pending_responses()


def test_read_without_deployment_configuration_is_not_drift():
    read = {"taskDefinition": "td:1", "desiredCount": 1, "propagateTags": "SERVICE",
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["b", "a"], "securityGroups": ["sg"]}}}
    normal = ecs_fargate_service.normalise_service(read)
    assert normal["deploymentConfiguration"] is None and normal["healthCheckGracePeriodSeconds"] is None
    assert normal["networkConfiguration"]["awsvpcConfiguration"] == {
        "subnets": ["a", "b"], "securityGroups": ["sg"], "assignPublicIp": "DISABLED"}


def test_a_read_that_adds_empty_log_fields_is_not_drift():
    """ECS may return logConfiguration with an empty secretOptions list: no new task definition for that."""
    log = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/x", "awslogs-stream-prefix": "ecs"}}
    sent = {"name": "app", "image": "repo:latest", "logConfiguration": log}
    read = {"name": "app", "image": "repo:latest", "essential": True, "logConfiguration": {**log, "secretOptions": []}}
    assert ecs_fargate_service.normalise_container(sent) == ecs_fargate_service.normalise_container(read)
    changed = {**read, "logConfiguration": {**log, "options": {**log["options"], "awslogs-group": "/ecs/y"}}}
    assert ecs_fargate_service.normalise_container(sent) != ecs_fargate_service.normalise_container(changed)


def test_purge_tags_removes_foreign_service_tags_and_false_keeps_them(aws, present):
    push_image()
    present(aws)
    arn = service()["serviceArn"]
    ecs = boto3.client("ecs")
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "Foreign", "value": "x"}])
    kept = present(aws, purge_tags=False)
    assert kept.result["changed"] is False
    assert {"key": "Foreign", "value": "x"} in ecs.list_tags_for_resource(resourceArn=arn)["tags"]
    purged = present(aws, _ansible_diff=True)
    assert purged.result["changed"] is True
    assert purged.result["diff"]["before"]["service_tags"] == {"Project": "pizza", "Foreign": "x"}
    assert purged.result["diff"]["after"]["service_tags"] == {"Project": "pizza"}
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "Project", "value": "pizza"}]


def test_diff_only_when_asked(aws, present):
    push_image()
    plain = present(aws)
    assert "diff" not in plain.result
    diffed = present(aws, environment={"PORT": 81}, _ansible_diff=True)
    assert diffed.result["diff"]["after"]["task_definition"]["containerDefinitions"][0]["environment"] == [
        {"name": "PORT", "value": "81"}
    ]


def test_missing_container_settings_fail_naming_them(aws, run):
    out = run(cluster=CLUSTER, name=NAME, image=IMAGE)
    assert out.failed
    assert out.result["msg"] == "container_name, subnets, security_groups required with state=present (empty or missing)"


def test_ecs_client_exception_is_an_error_not_a_missing_service(stubbed_clients, run):
    """ClientException is ECS's catch-all (bad parameters, ...): never read as "the service is gone"."""
    stubs = stubbed_clients("ecs")
    stubs["ecs"].add_client_error("describe_services", "ClientException", "Cluster name is invalid.")
    out = run(cluster="bad/cluster", name=NAME, state="absent")
    assert out.failed
    assert out.result["msg"].startswith("Failed to describe the service")
    assert "Cluster name is invalid" in out.result["msg"]


def test_missing_service_failure_item_reads_as_absent(stubbed_clients, run):
    stubs = stubbed_clients("ecs")
    arn = f"arn:aws:ecs:{REGION}:123456789012:service/{CLUSTER}/{NAME}"
    stubs["ecs"].add_response("describe_services", {"services": [], "failures": [{"arn": arn, "reason": "MISSING"}]})
    stubs["ecs"].add_response("list_task_definitions", {"taskDefinitionArns": []})
    stubs["ecs"].add_response("list_task_definitions", {"taskDefinitionArns": []})
    out = run(cluster=CLUSTER, name=NAME, state="absent")
    assert not out.failed and out.result["changed"] is False
    stubs["ecs"].assert_no_pending_responses()


def test_wait_fails_on_a_failed_rollout_naming_the_events(aws, monkeypatch, present):
    """The rollout this run started FAILED (circuit breaker): the module fails with the service's latest events."""
    push_image()
    present(aws)
    real = ecs_fargate_service.ecs.describe_service

    def failing(client, cluster, name):
        found = real(client, cluster, name)
        if found is None:
            return None
        for deployment in found["deployments"]:
            deployment.update(rolloutState="FAILED", rolloutStateReason="tasks failed to start")
        found["events"] = [{"message": "(service pizza-service) deployment failed: tasks failed to start."}]
        return found

    monkeypatch.setattr(ecs_fargate_service.ecs, "describe_service", failing)
    out = present(aws, environment={"PORT": 80, "NEW": "1"}, wait=True)
    assert out.failed
    assert "FAILED (tasks failed to start)" in out.result["msg"]
    assert "deployment failed: tasks failed to start." in out.result["msg"]


def test_a_deployment_configuration_without_circuit_breaker_reads_as_disabled():
    read = {"deploymentConfiguration": {"maximumPercent": 200, "minimumHealthyPercent": 100}}
    normal = ecs_fargate_service.normalise_service(read)
    assert normal["deploymentConfiguration"]["deploymentCircuitBreaker"] == {"enable": False, "rollback": False}


def test_ports_default_as_ecs_fills_them():
    sent = {"name": "app", "portMappings": [{"containerPort": 8080}]}
    assert ecs_fargate_service.normalise_container(sent)["portMappings"] == [
        {"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}
    ]
    assert ecs_fargate_service.normalise_container({"name": "app"})["essential"] is True


# ---------------------------------------------------------------- keep_deployed_image: the deploys own the image


def push_tag(tag):
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                           "layers": [], "annotations": {"tag": tag}})
    boto3.client("ecr").put_image(repositoryName=REPO, imageManifest=manifest, imageTag=tag,
                                  imageDigest="sha256:" + hashlib.sha256(manifest.encode()).hexdigest())


def deploy(tag):
    """What ecs_rollout does: a copy of the running revision with another image, the service moved to it."""
    ecs = boto3.client("ecs")
    answer = ecs.describe_task_definition(taskDefinition=service()["taskDefinition"], include=["TAGS"])
    td = answer["taskDefinition"]
    keep = ("family", "cpu", "memory", "networkMode", "requiresCompatibilities", "runtimePlatform", "executionRoleArn",
            "containerDefinitions")
    request = {k: td[k] for k in keep if k in td}
    request["containerDefinitions"] = [dict(c, image=IMAGE.replace(":latest", f":{tag}")) for c in td["containerDefinitions"]]
    arn = ecs.register_task_definition(**request, tags=answer["tags"])["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster=CLUSTER, service=NAME, taskDefinition=arn)
    record = {"key": "jwtpizza.cloud:previous-task-definition", "value": answer["taskDefinition"]["taskDefinitionArn"]}
    ecs.tag_resource(resourceArn=service()["serviceArn"], tags=[record])
    return arn


def test_kept_image_after_a_deploy_changes_nothing(aws, api_calls, present):
    """site.yml after deploy_backend.yml: the deployed image stays, the rollback tag stays, nothing is written."""
    push_tag("v2")  # CI pushed only v2: no :latest in the repository
    first = present(aws, keep_deployed_image=True)
    assert first.result["image_available"] is False and service()["desiredCount"] == 0
    deployed = deploy("v2")
    boto3.client("ecs").update_service(cluster=CLUSTER, service=NAME, desiredCount=2)
    del api_calls[:]
    again = present(aws, keep_deployed_image=True)
    assert not again.failed, again.result
    assert again.result["changed"] is False and writes(api_calls) == []
    assert again.result["task_definition_arn"] == deployed
    assert again.result["image_available"] is True and again.result["desired_count"] == 2


def test_kept_image_still_owns_the_other_fields(aws, api_calls, present):
    push_tag("v2")
    present(aws, keep_deployed_image=True)
    deploy("v2")
    del api_calls[:]
    out = present(aws, keep_deployed_image=True, environment={"PORT": 80, "LOG": "debug"})
    assert out.result["task_definition_registered"] is True
    [register] = [p for n, p in api_calls if n == "RegisterTaskDefinition"]
    assert register["containerDefinitions"][0]["image"] == IMAGE.replace(":latest", ":v2")


def test_kept_image_compares_with_the_revision_the_service_runs(aws, api_calls, present):
    """After a rollback the service runs an older revision than the newest of the family: that is no drift."""
    push_image()
    push_tag("v2")
    present(aws, keep_deployed_image=True)
    first = service()["taskDefinition"]
    deploy("v2")
    boto3.client("ecs").update_service(cluster=CLUSTER, service=NAME, taskDefinition=first)
    del api_calls[:]
    out = present(aws, keep_deployed_image=True)
    assert out.result["changed"] is False and out.result["task_definition_arn"] == first


def test_without_keep_the_image_option_wins(aws, present):
    push_image()
    push_tag("v2")
    present(aws)
    deploy("v2")
    out = present(aws)
    assert out.result["changed"] is True and out.result["task_definition_registered"] is True
    td = boto3.client("ecs").describe_task_definition(taskDefinition=service()["taskDefinition"])["taskDefinition"]
    assert td["containerDefinitions"][0]["image"] == IMAGE


def test_first_bootstrap_with_keep_uses_the_image_option(aws, present):
    out = present(aws, keep_deployed_image=True)
    td = boto3.client("ecs").describe_task_definition(taskDefinition=out.result["task_definition_arn"])["taskDefinition"]
    assert td["containerDefinitions"][0]["image"] == IMAGE


def test_deploy_tool_tags_are_never_purged(aws, present):
    push_image()
    present(aws)
    deploy("latest")
    out = present(aws, keep_deployed_image=True, _ansible_diff=True)
    assert out.result["changed"] is False, out.result.get("diff")
    tags = boto3.client("ecs").list_tags_for_resource(resourceArn=service()["serviceArn"])["tags"]
    assert {t["key"] for t in tags} == {"Project", "jwtpizza.cloud:previous-task-definition"}


def test_a_running_service_keeps_its_tasks_when_the_deployed_image_expires(aws, present):
    """A lifecycle rule may expire the deployed tag: bootstrap_without_image must not scale a running service to 0."""
    push_tag("v2")
    present(aws, keep_deployed_image=True)
    deploy("v2")
    boto3.client("ecs").update_service(cluster=CLUSTER, service=NAME, desiredCount=2)
    boto3.client("ecr").batch_delete_image(repositoryName=REPO, imageIds=[{"imageTag": "v2"}])
    out = present(aws, keep_deployed_image=True)
    assert out.result["changed"] is False and out.result["image_available"] is True
    assert service()["desiredCount"] == 2


def test_a_scaled_to_zero_count_is_not_kept_once_the_image_exists(aws, present):
    """Bounds that allow 0 must not keep the bootstrap's 0 tasks when desired_count asks for some."""
    first = present(aws, scaling_bounds={"min": 0, "max": 4})
    assert first.result["desired_count"] == 0
    push_image()
    second = present(aws, scaling_bounds={"min": 0, "max": 4})
    assert second.result["desired_count"] == 2 and service()["desiredCount"] == 2


SM_SECRET = f"arn:aws:secretsmanager:{REGION}:123456789012:secret:pizza/db-AbCdEf"


@pytest.mark.parametrize("secrets, named", [
    ({"JWT_SECRET": "s3cr3t-plain-value"}, "invalid: JWT_SECRET"),
    ({"JWT_SECRET": f"arn:aws:s3:::bucket/{NAME}"}, "invalid: JWT_SECRET"),
    ({"DB_PASSWORD": SM_SECRET + ":password:AWSCURRENT:extra:more"}, "invalid: DB_PASSWORD"),
    ({"bad-name": SECRET}, "invalid: bad-name"),
    ({"PORT": SECRET}, "not both: PORT"),
])
def test_a_secret_that_is_not_an_arn_fails_before_any_call_naming_only_the_variable(aws, api_calls, present, secrets, named):
    del api_calls[:]
    out = present(aws, secrets=secrets)
    assert out.failed and named in out.result["msg"]
    assert api_calls == []
    for value in secrets.values():
        assert value not in out.result["msg"]


def test_secrets_manager_arns_with_a_json_key_are_passed_by_reference_and_order_free(aws, api_calls, present):
    push_image()
    secrets = {"JWT_SECRET": SM_SECRET, "DB_PASSWORD": SM_SECRET + ":password::", "API_KEY": SECRET}
    first = present(aws, secrets=secrets)
    assert not first.failed, first.result
    [container] = boto3.client("ecs").describe_task_definition(taskDefinition=first.result["task_definition_arn"])[
        "taskDefinition"]["containerDefinitions"]
    assert sorted(s["valueFrom"] for s in container["secrets"]) == sorted(secrets.values())
    del api_calls[:]
    again = present(aws, secrets=dict(reversed(list(secrets.items()))))
    assert again.result["changed"] is False and writes(api_calls) == []


def test_the_rds_managed_master_secret_is_a_valid_reference(aws, present):
    # RDS names the secret it manages rds!db-<id> (ManageMasterUserPassword): "!" is part of a valid ARN.
    push_image()
    rds_secret = f"arn:aws:secretsmanager:{REGION}:123456789012:secret:rds!db-0123abcd-4567-MnOpQr:password::"
    out = present(aws, secrets={"DB_PASSWORD": rds_secret})
    assert not out.failed, out.result
    [container] = boto3.client("ecs").describe_task_definition(taskDefinition=out.result["task_definition_arn"])[
        "taskDefinition"]["containerDefinitions"]
    assert container["secrets"] == [{"name": "DB_PASSWORD", "valueFrom": rds_secret}]


def test_an_image_outside_ecr_is_never_looked_up_and_runs_the_desired_count(aws, present, api_calls):
    # bootstrap_without_image reads only an ECR image (DescribeImages); any other registry is taken as available.
    out = present(aws, image="public.ecr.aws/docker/library/node:20-alpine")
    assert not out.failed, out.result
    assert out.result["image_available"] is True and service()["desiredCount"] == 2
    assert "DescribeImages" not in [name for name, _params in api_calls]
