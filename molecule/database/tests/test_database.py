"""The optional MySQL database of the backend, read back from the emulator after converge (database_enabled)."""

import json
import re

import pytest
from stack import ROOT, assert_rejected_before_any_write, client, env, run_playbook, tag_dict

VARS = [f"@{ROOT}/molecule/shared/vars/backend.yml", f"@{ROOT}/molecule/shared/vars/database.yml"]


def prefix():
    return env()["prefix"]


@pytest.fixture(scope="module")
def database():
    rds = client("rds")
    found = rds.describe_db_instances(DBInstanceIdentifier=f"{prefix()}-db")["DBInstances"]
    assert len(found) == 1
    ec2 = client("ec2")
    groups = {g["GroupName"]: g for g in ec2.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": [f"{prefix()}-db", f"{prefix()}-tasks"]}])["SecurityGroups"]}
    return {"instance": found[0], "groups": groups}


def playbook(*extra):
    return run_playbook("backend.yml", "-e", VARS[0], "-e", VARS[1], *extra)


class TestInstance:
    def test_private_encrypted_mysql_on_the_default_class(self, database):
        db = database["instance"]
        assert (db["Engine"], db["DBInstanceClass"], db["AllocatedStorage"]) == ("mysql", "db.t4g.micro", 20)
        assert db["PubliclyAccessible"] is False and db["StorageEncrypted"] is True
        assert db["DBName"] == "pizza" and db["DBInstanceStatus"] == "available"

    def test_in_the_stacks_subnets(self, database):
        vpc = client("ec2").describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{prefix()}-vpc"]}])["Vpcs"][0]["VpcId"]
        group = database["instance"]["DBSubnetGroup"]
        assert group["DBSubnetGroupName"] == f"{prefix()}-db" and group["VpcId"] == vpc and len(group["Subnets"]) >= 2

    def test_mysql_only_from_the_task_security_group(self, database):
        db_group = database["groups"][f"{prefix()}-db"]
        tasks = database["groups"][f"{prefix()}-tasks"]["GroupId"]
        assert [g["VpcSecurityGroupId"] for g in database["instance"]["VpcSecurityGroups"]] == [db_group["GroupId"]]
        rules = db_group["IpPermissions"]
        assert len(rules) == 1
        assert (rules[0]["IpProtocol"], rules[0]["FromPort"], rules[0]["ToPort"]) == ("tcp", 3306, 3306)
        assert [p["GroupId"] for p in rules[0]["UserIdGroupPairs"]] == [tasks]
        assert rules[0].get("IpRanges", []) == [] and rules[0].get("Ipv6Ranges", []) == []

    def test_the_master_secret_is_managed_by_rds_in_secrets_manager(self, database):
        arn = database["instance"]["MasterUserSecret"]["SecretArn"]
        value = json.loads(client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"])
        assert set(value) >= {"username", "password"}

    def test_tagged_as_the_environment(self, database):
        assert tag_dict(database["instance"]["TagList"]).items() >= env()["tags"].items()


class TestTheServiceReadsTheDatabase:
    """The container gets the database by name and the password by the ARN of the RDS-managed secret; the
    execution role reads exactly the referenced secrets."""

    @pytest.fixture(scope="class")
    def container(self):
        ecs = client("ecs")
        service = ecs.describe_services(cluster=f"{prefix()}-cluster", services=[f"{prefix()}-service"])["services"][0]
        task = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
        return task["containerDefinitions"][0]

    def test_host_user_and_name_as_plain_environment(self, container, database):
        db = database["instance"]
        environment = {e["name"]: e["value"] for e in container.get("environment", [])}
        assert {k: environment.get(k) for k in ("DB_HOST", "DB_USER", "DB_NAME")} == {
            "DB_HOST": db["Endpoint"]["Address"], "DB_USER": db["MasterUsername"], "DB_NAME": db["DBName"]}
        assert "DB_PASSWORD" not in environment

    def test_the_password_by_the_arn_of_the_managed_secret_and_no_value(self, container, database):
        arn = database["instance"]["MasterUserSecret"]["SecretArn"]
        secrets = {s["name"]: s["valueFrom"] for s in container.get("secrets", [])}
        assert secrets["DB_PASSWORD"] == f"{arn}:password::"
        password = json.loads(client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"])["password"]
        assert password not in json.dumps(container)

    def test_the_execution_role_reads_exactly_the_referenced_secrets(self, container):
        policy = client("iam").get_role_policy(RoleName=f"{prefix()}-ecs-execution", PolicyName="read-secrets")["PolicyDocument"]
        granted = sorted(r for s in policy["Statement"] if "secretsmanager:GetSecretValue" in s["Action"]
                         for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"]))
        # IAM matches the secret's own ARN: the JSON key of a reference is cut off.
        referenced = sorted({":".join(ref["valueFrom"].split(":")[:7]) + "*"
                             for ref in container["secrets"] if ":secretsmanager:" in ref["valueFrom"]})
        assert granted == referenced and len(referenced) == 3  # the JWT secret, the factory key, the DB password


def test_check_diff_of_a_class_change_shows_exactly_that_and_changes_nothing():
    run = playbook("--check", "--diff", "-e", "database_instance_class=db.t4g.small")
    assert run.returncode == 0, run.stdout[-3000:]
    # The only lines any task's diff changes, in the whole check run, are the class.
    changed_lines = [line.replace('"', "") for line in run.stdout.splitlines() if re.match(r"^[-+] {3}", line)]
    assert changed_lines == ["-    instance_class: db.t4g.micro", "+    instance_class: db.t4g.small"], run.stdout[-3000:]
    assert "changed=1 " in run.stdout, run.stdout[-3000:]
    assert client("rds").describe_db_instances(DBInstanceIdentifier=f"{prefix()}-db")["DBInstances"][0]["DBInstanceClass"] == "db.t4g.micro"


def test_a_setting_that_would_replace_the_instance_is_refused_with_nothing_changed():
    run = playbook("-e", "database_username=owner")
    assert run.returncode != 0, run.stdout[-3000:]
    assert "would have to be replaced" in run.stdout and "master_username 'admin' -> 'owner'" in run.stdout, run.stdout[-3000:]
    assert "database_confirm_replace" in run.stdout
    assert "changed=0 " in run.stdout, run.stdout[-3000:]
    assert client("rds").describe_db_instances(DBInstanceIdentifier=f"{prefix()}-db")["DBInstances"][0]["MasterUsername"] == "admin"


@pytest.mark.parametrize(("variable", "extra_vars"), [
    ("database_instance_class", '{"database_enabled": true, "database_instance_class": "db.t4g.gigantic"}'),
    ("database_allocated_storage", '{"database_enabled": true, "database_allocated_storage": 10}'),
    ("database_password", '{"database_enabled": true, "database_password": "hunter2"}'),
])
def test_bad_database_input_fails_before_any_write(variable, extra_vars):
    assert_rejected_before_any_write("backend.yml", variable, extra_vars)
