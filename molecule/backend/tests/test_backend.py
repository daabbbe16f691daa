"""Every setting of the backend stack, read back from the emulator after converge."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from known_secret import KNOWN_VALUE
from stack import ANSIBLE_ENV, ROOT, assert_rejected_before_any_write, changed_count, client, env, records, run_playbook, tag_dict

# The user's own secrets (molecule/shared/vars/backend.yml); the app secrets come from the secrets role.
SECRETS = {
    "EXTRA_API_TOKEN": "arn:aws:ssm:us-west-2:123456789012:parameter/jwt-pizza/extra-api-token",
    "DB_PASSWORD": "arn:aws:secretsmanager:us-west-2:123456789012:secret:jwt-pizza/db-AbCdEf:password::",
}


def prefix():
    return env()["prefix"]


@pytest.fixture(scope="module")
def network():
    ec2 = client("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{prefix()}-vpc"]}])["Vpcs"]
    assert len(vpcs) == 1
    vpc = vpcs[0]["VpcId"]
    groups = {g["GroupName"]: g for g in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]}
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    return {"vpc": vpc, "groups": groups, "subnets": subnets}


def group(network, suffix):
    found = [g for name, g in network["groups"].items() if name.endswith(suffix) and name.startswith(prefix())]
    assert len(found) == 1, f"expected one security group *{suffix}, found {sorted(network['groups'])}"
    return found[0]


@pytest.fixture(scope="module")
def load_balancer():
    elb = client("elbv2")
    lbs = elb.describe_load_balancers(Names=[f"{prefix()}-alb"])["LoadBalancers"]
    assert len(lbs) == 1
    lb = lbs[0]
    listeners = {listener["Port"]: listener for listener in elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]}
    groups = elb.describe_target_groups(Names=[f"{prefix()}-tg"])["TargetGroups"]
    attributes = {a["Key"]: a["Value"] for a in
                  elb.describe_target_group_attributes(TargetGroupArn=groups[0]["TargetGroupArn"])["Attributes"]}
    return {"lb": lb, "listeners": listeners, "target_group": groups[0], "tg_attributes": attributes}


@pytest.fixture(scope="module")
def service():
    ecs = client("ecs")
    cluster = f"{prefix()}-cluster"
    services = ecs.describe_services(cluster=cluster, services=[f"{prefix()}-service"], include=["TAGS"])["services"]
    assert len(services) == 1 and services[0]["status"] == "ACTIVE"
    task = ecs.describe_task_definition(taskDefinition=services[0]["taskDefinition"])["taskDefinition"]
    return {"service": services[0], "task": task, "cluster": cluster}


class TestNetwork:
    def test_two_subnets_in_two_zones(self, network):
        assert len(network["subnets"]) >= 2
        assert len({s["AvailabilityZone"] for s in network["subnets"]}) >= 2

    def test_load_balancer_group_open_on_80_and_443(self, network):
        rules = group(network, "-alb")["IpPermissions"]
        ports = {r["FromPort"]: r for r in rules}
        assert set(ports) == {80, 443}
        for rule in ports.values():
            assert {"CidrIp": "0.0.0.0/0"} in [{"CidrIp": r["CidrIp"]} for r in rule["IpRanges"]]
            assert "::/0" in [r["CidrIpv6"] for r in rule.get("Ipv6Ranges", [])]

    def test_tasks_reachable_only_from_the_load_balancer_group(self, network):
        alb = group(network, "-alb")["GroupId"]
        rules = group(network, "-tasks")["IpPermissions"]
        assert len(rules) == 1
        rule = rules[0]
        assert rule["FromPort"] == rule["ToPort"] == 80
        assert rule.get("IpRanges", []) == [] and rule.get("Ipv6Ranges", []) == []
        assert [g["GroupId"] for g in rule["UserIdGroupPairs"]] == [alb]


class TestIamAndRepository:
    def test_execution_role_has_the_managed_policy(self):
        iam = client("iam")
        attached = iam.list_attached_role_policies(RoleName=f"{prefix()}-ecs-execution")["AttachedPolicies"]
        assert "AmazonECSTaskExecutionRolePolicy" in [p["PolicyName"] for p in attached]

    def test_only_this_accounts_tasks_assume_the_execution_role(self):
        account = client("sts").get_caller_identity()["Account"]
        trust = client("iam").get_role(RoleName=f"{prefix()}-ecs-execution")["Role"]["AssumeRolePolicyDocument"]
        [statement] = trust["Statement"]
        assert statement["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
        assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": account}}

    def test_repository_scans_and_expires(self):
        ecr = client("ecr")
        repo = ecr.describe_repositories(repositoryNames=[f"{prefix()}-service"])["repositories"][0]
        assert repo["imageScanningConfiguration"]["scanOnPush"] is True
        rules = json.loads(ecr.get_lifecycle_policy(repositoryName=repo["repositoryName"])["lifecyclePolicyText"])["rules"]
        untagged = [r for r in rules if r["selection"]["tagStatus"] == "untagged"]
        assert untagged and untagged[0]["selection"]["countUnit"] == "days" and untagged[0]["selection"]["countNumber"] == 1


class TestCluster:
    def test_fargate_capacity_providers_and_tags(self):
        cluster = client("ecs").describe_clusters(clusters=[f"{prefix()}-cluster"], include=["TAGS"])["clusters"][0]
        assert set(cluster["capacityProviders"]) == {"FARGATE", "FARGATE_SPOT"}
        assert env()["tags"].items() <= tag_dict(cluster.get("tags"), "key", "value").items()


class TestLoadBalancer:
    def test_internet_facing(self, load_balancer):
        assert load_balancer["lb"]["Scheme"] == "internet-facing"
        assert load_balancer["lb"]["Type"] == "application"

    def test_https_with_the_regional_certificate_and_tls12_policy(self, load_balancer):
        https = load_balancer["listeners"][443]
        assert https["Protocol"] == "HTTPS"
        assert https["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
        certificate = https["Certificates"][0]["CertificateArn"]
        assert certificate.startswith(f"arn:aws:acm:{env()['jwtpizza_region']}:")
        cert = client("acm").describe_certificate(CertificateArn=certificate)["Certificate"]
        assert cert["DomainName"] == env()["backend_host"] and cert["Status"] == "ISSUED"

    def test_http_redirects_to_https(self, load_balancer):
        action = load_balancer["listeners"][80]["DefaultActions"][0]
        assert action["Type"] == "redirect"
        assert action["RedirectConfig"]["Protocol"] == "HTTPS"
        assert str(action["RedirectConfig"]["Port"]) == "443"
        assert action["RedirectConfig"]["StatusCode"] == "HTTP_301"

    def test_target_group(self, load_balancer):
        tg = load_balancer["target_group"]
        assert tg["TargetType"] == "ip" and tg["Protocol"] == "HTTP" and tg["Port"] == 80
        assert tg["HealthCheckPath"] == "/api/docs"
        assert load_balancer["tg_attributes"]["deregistration_delay.timeout_seconds"] == "30"


class TestService:
    def test_task_definition(self, service):
        task = service["task"]
        assert task["requiresCompatibilities"] == ["FARGATE"]
        assert task["runtimePlatform"]["cpuArchitecture"] == "ARM64"
        assert (task["cpu"], task["memory"]) == ("512", "1024")
        container = task["containerDefinitions"][0]
        assert container["portMappings"][0]["containerPort"] == 80
        logs = container["logConfiguration"]
        assert logs["logDriver"] == "awslogs"
        assert logs["options"]["awslogs-group"] == f"/ecs/{prefix()}-service"
        assert logs["options"]["awslogs-stream-prefix"] == "ecs"

    def test_secrets_only_as_references(self, service):
        container = service["task"]["containerDefinitions"][0]
        arns = app_secret_arns()
        assert {s["name"]: s["valueFrom"] for s in container["secrets"]} == {
            **SECRETS, "JWT_SECRET": arns["jwt-signing-key"], "FACTORY_API_KEY": arns["factory-api-key"]}
        assert {e["name"]: e["value"] for e in container["environment"]} == {
            "DB_HOST": "db.jwtpizza.internal", "FACTORY_URL": "https://pizza-factory.cs329.click"}
        assert "password" not in json.dumps(container["environment"]).lower()
        assert KNOWN_VALUE not in json.dumps(service["task"], default=str)

    def test_execution_role_reads_exactly_the_secrets(self):
        policy = client("iam").get_role_policy(RoleName=f"{prefix()}-ecs-execution", PolicyName="read-secrets")["PolicyDocument"]
        grants = {s["Action"][0] if isinstance(s["Action"], list) else s["Action"]: s["Resource"] for s in policy["Statement"]}
        arns = app_secret_arns()
        assert {k: sorted(v) for k, v in grants.items()} == {
            "ssm:GetParameters": [SECRETS["EXTRA_API_TOKEN"]],
            # The JSON key of the reference is cut off: IAM matches the secret's own ARN.
            "secretsmanager:GetSecretValue": sorted([
                "arn:aws:secretsmanager:us-west-2:123456789012:secret:jwt-pizza/db-AbCdEf*",
                arns["jwt-signing-key"] + "*", arns["factory-api-key"] + "*"]),
        }

    def test_service_on_fargate_behind_the_target_group(self, service, load_balancer, network):
        svc = service["service"]
        assert svc["launchType"] == "FARGATE" or svc.get("capacityProviderStrategy")
        assert [lb["targetGroupArn"] for lb in svc["loadBalancers"]] == [load_balancer["target_group"]["TargetGroupArn"]]
        vpc = svc["networkConfiguration"]["awsvpcConfiguration"]
        assert vpc["securityGroups"] == [group(network, "-tasks")["GroupId"]]
        assert vpc["assignPublicIp"] == "ENABLED"

    def test_first_bootstrap_runs_no_task_without_an_image(self, service):
        # The repository is empty after converge: the service exists with no task, so no deployment fails.
        assert service["service"]["desiredCount"] == 0

    def test_log_group_retention(self):
        groups = client("logs").describe_log_groups(logGroupNamePrefix=f"/ecs/{prefix()}-service")["logGroups"]
        assert groups and groups[0]["retentionInDays"] == 30

    def test_autoscaling_target_and_policies(self, service):
        resource = f"service/{service['cluster']}/{prefix()}-service"
        scaling = client("application-autoscaling")
        targets = scaling.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[resource])["ScalableTargets"]
        assert [t["ResourceId"] for t in targets] == [resource]
        policies = scaling.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=resource)["ScalingPolicies"]
        metrics = {p["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]["PredefinedMetricType"]
                   for p in policies if p["ResourceId"] == resource}
        assert metrics == {"ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"}


def app_secret_arns():
    """{short name: ARN} of the secrets role's secrets."""
    found = client("secretsmanager").list_secrets(Filters=[{"Key": "name", "Values": [f"{prefix()}/"]}])["SecretList"]
    return {s["Name"].split("/", 1)[1]: s["ARN"] for s in found}


class TestAppSecrets:
    def test_both_exist_tagged_and_the_known_value_was_kept(self):
        secretsmanager = client("secretsmanager")
        arns = app_secret_arns()
        assert sorted(arns) == ["factory-api-key", "jwt-signing-key"]
        for arn in arns.values():
            assert env()["tags"].items() <= tag_dict(secretsmanager.describe_secret(SecretId=arn)["Tags"]).items()
        # Set before the first converge (create.yml): never overwritten.
        assert secretsmanager.get_secret_value(SecretId=arns["jwt-signing-key"])["SecretString"] == KNOWN_VALUE
        generated = secretsmanager.get_secret_value(SecretId=arns["factory-api-key"])["SecretString"]
        assert len(generated) == 64 and generated.isalnum()

    def test_the_known_value_is_in_no_output_log_or_report(self, tmp_path):
        # A re-run with a diff and the most verbose output the project uses, then the deploy report.
        rerun = run_playbook("backend.yml", "--diff", "-vv", "-e", "@" + str(ROOT / "molecule/shared/vars/backend.yml"))
        assert rerun.returncode == 0, rerun.stdout[-2000:]
        report = subprocess.run([sys.executable, str(ROOT / "tools/deploy_report.py"), "--out", str(tmp_path)],
                                capture_output=True, text=True, check=False, env=os.environ)
        texts = {"re-run": rerun.stdout + rerun.stderr, "report": report.stdout + report.stderr}
        texts |= {str(path): path.read_text(errors="replace") for path in tmp_path.rglob("*") if path.is_file()}
        log = Path(os.environ.get("ANSIBLE_LOG_PATH", "/nonexistent"))
        if log.is_file():  # the converge and idempotence runs of this scenario
            texts["scenario log"] = log.read_text(errors="replace")
        assert "scenario log" in texts or "ANSIBLE_LOG_PATH" not in os.environ
        assert [name for name, text in texts.items() if KNOWN_VALUE in text] == []


class TestRecords:
    def test_alias_to_the_ipv4_load_balancer_is_a_only(self, load_balancer):
        # An AAAA alias to an IPv4-only load balancer answers nothing: only a dual-stack one gets AAAA.
        assert load_balancer["lb"]["IpAddressType"] == "ipv4"
        found = records(env()["backend_host"])
        assert set(found) == {"A"}
        assert found["A"]["AliasTarget"]["DNSName"].rstrip(".").lower() == load_balancer["lb"]["DNSName"].lower()
        assert found["A"]["AliasTarget"]["HostedZoneId"] == load_balancer["lb"]["CanonicalHostedZoneId"]


@pytest.mark.parametrize(("variable", "extra_vars"), [
    ("service_memory", '{"service_cpu": 256, "service_memory": 4096}'),
    ("service_desired_count", '{"service_desired_count": 5, "service_max_count": 4}'),
    ("load_balancer_health_check_path", "load_balancer_health_check_path=api/docs"),
    ("network_subnet_ids", '{"network_create_vpc": false, "network_vpc_id": "vpc-1", "network_subnet_ids": ["subnet-1"]}'),
    ("service_secrets", '{"service_secrets": {"DB_PASSWORD": "hunter2"}}'),
])
def test_bad_input_fails_before_any_write(variable, extra_vars):
    assert_rejected_before_any_write("backend.yml", variable, extra_vars)


def test_a_plain_secret_value_is_never_printed():
    run = run_playbook("backend.yml", "-v", "-e", '{"service_secrets": {"DB_PASSWORD": "hunter2-plain"}}')
    assert run.returncode != 0
    # It failed for the right reason: the check names the variable and the entry, and nothing was written.
    assert "service_secrets must map environment variable names to the ARN" in run.stdout, run.stdout[-2000:]
    assert "invalid entries: DB_PASSWORD" in run.stdout, run.stdout[-2000:]
    assert changed_count(run.stdout) == 0, run.stdout[-2000:]
    assert "hunter2-plain" not in run.stdout + run.stderr


def test_prepare_without_a_certificate_keeps_the_https_listener(load_balancer, tmp_path):
    """A run that finds its certificate pending again (re-requested) builds the load balancer before the wait:
    without a certificate, the built load balancer keeps its HTTPS listener and nothing changes."""
    playbook = tmp_path / "prepare.yml"
    playbook.write_text("""
- name: Prepare the load balancer as the backend role does while its certificate is pending
  hosts: localhost
  gather_facts: false
  roles:
    - role: jwtpizza.cloud.jwtpizza
  tasks:
    - name: Prepare the load balancer without a certificate
      ansible.builtin.include_role:
        name: jwtpizza.cloud.load_balancer
        tasks_from: prepare
""")
    lb = load_balancer["lb"]
    network = {"load_balancer_vpc_id": lb["VpcId"], "load_balancer_security_group_ids": lb["SecurityGroups"],
               "load_balancer_subnet_ids": [zone["SubnetId"] for zone in lb["AvailabilityZones"]]}
    run = subprocess.run(["ansible-playbook", "-i", str(ROOT / "inventories/local"), str(playbook), "-e", json.dumps(network)],
                         capture_output=True, text=True, check=False, env={**os.environ, **ANSIBLE_ENV})
    assert run.returncode == 0 and changed_count(run.stdout) == 0, run.stdout[-3000:]
    after = client("elbv2").describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    assert {listener["Port"]: listener.get("Certificates") for listener in after} == {
        port: listener.get("Certificates") for port, listener in load_balancer["listeners"].items()}
    assert sorted(load_balancer["listeners"]) == [80, 443]
