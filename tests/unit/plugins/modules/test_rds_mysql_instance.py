# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.rds_mysql_instance against moto's in-process RDS and Secrets Manager.

moto accepts values AWS rejects (any instance class, storage below 20 GiB, a password beside
ManageMasterUserPassword) and applies every modification at once: the input checks are asserted to fail before any
call, and the pending-modifications rule is shown with a stubbed DescribeDBInstances answer.
"""

from __future__ import annotations

import json
import re

import boto3
import pytest

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _rds
from ansible_collections.jwtpizza.cloud.plugins.modules import rds_mysql_instance

ID = "jwt-pizza-dev-db"
GROUP = "jwt-pizza-dev-db"
WRITES = ("CreateDBInstance", "RestoreDBInstanceFromDBSnapshot", "ModifyDBInstance", "DeleteDBInstance", "DeleteDBSnapshot",
          "AddTagsToResource", "RemoveTagsFromResource")


def writes(api_calls):
    return [name for name, _params in api_calls if name in WRITES]


def params_of(api_calls, operation):
    return next(params for name, params in api_calls if name == operation)


@pytest.fixture
def network(moto_aws):
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.42.{i}.0/24", AvailabilityZone=f"us-east-1{z}")["Subnet"]["SubnetId"]
               for i, z in ((0, "a"), (1, "b"))]
    group = ec2.create_security_group(GroupName="jwt-pizza-dev-db", Description="db", VpcId=vpc)["GroupId"]
    rds = boto3.client("rds")
    for name in (GROUP, "other-group"):
        rds.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription="db", SubnetIds=subnets)
    return {"group": group}


def args(network, **extra):
    return {"db_instance_identifier": ID, "db_subnet_group_name": GROUP, "vpc_security_group_ids": [network["group"]],
            "db_name": "pizza", "wait_timeout": 30, "tags": {"Project": "jwt-pizza"}, **extra}


def run(run_module, network, check_mode=False, **extra):
    result, failed = run_module(rds_mysql_instance, args(network, **extra), check_mode=check_mode, diff=True)
    assert not failed, result
    return result


def fail(run_module, network, check_mode=False, **extra):
    result, failed = run_module(rds_mysql_instance, args(network, **extra), check_mode=check_mode, diff=True)
    assert failed, result
    return result["msg"]


def instance():
    found = boto3.client("rds").describe_db_instances()["DBInstances"]
    return found[0] if found else None


def snapshots():
    return sorted(s["DBSnapshotIdentifier"] for s in boto3.client("rds").describe_db_snapshots(SnapshotType="manual")["DBSnapshots"])


def test_creates_a_private_encrypted_instance_with_an_rds_managed_secret_then_changes_nothing(run_module, network, api_calls):
    first = run(run_module, network)
    sent = params_of(api_calls, "CreateDBInstance")
    assert sent["PubliclyAccessible"] is False and sent["StorageEncrypted"] is True and sent["ManageMasterUserPassword"] is True
    assert "MasterUserPassword" not in sent and sent["Engine"] == "mysql" and sent["DBInstanceClass"] == "db.t4g.micro"
    db = first["db_instance"]
    assert first["changed"] and db["status"] == "available" and db["port"] == 3306 and db["tags"] == {"Project": "jwt-pizza"}
    assert boto3.client("secretsmanager").describe_secret(SecretId=db["master_user_secret_arn"])["ARN"] == db["master_user_secret_arn"]
    api_calls.clear()
    again = run(run_module, network)
    assert again["changed"] is False and writes(api_calls) == []


def test_check_mode_shows_exactly_the_class_change_and_writes_nothing(run_module, network, api_calls):
    run(run_module, network)
    api_calls.clear()
    planned = run(run_module, network, check_mode=True, db_instance_class="db.t4g.small")
    assert planned["changed"] and writes(api_calls) == []
    assert planned["diff"] == {"before": {"instance_class": "db.t4g.micro"}, "after": {"instance_class": "db.t4g.small"}}
    assert instance()["DBInstanceClass"] == "db.t4g.micro"


def test_class_and_storage_change_in_place_with_apply_immediately(run_module, network, api_calls):
    run(run_module, network)
    api_calls.clear()
    changed = run(run_module, network, db_instance_class="db.t4g.small", allocated_storage=30, apply_immediately=True)
    sent = params_of(api_calls, "ModifyDBInstance")
    assert sent["ApplyImmediately"] is True and sent["DBInstanceClass"] == "db.t4g.small" and sent["AllocatedStorage"] == 30
    assert "CreateDBInstance" not in writes(api_calls) and "DeleteDBInstance" not in writes(api_calls)
    assert changed["db_instance"]["instance_class"] == "db.t4g.small"


@pytest.mark.parametrize("change, named", [
    ({"master_username": "root2"}, "master_username"),
    ({"db_subnet_group_name": "other-group"}, "db_subnet_group_name"),
    ({"allocated_storage": 20}, "allocated_storage"),
    ({"db_name": "other"}, "db_name"),
])
def test_a_setting_that_needs_a_new_instance_is_refused_before_any_write(run_module, network, api_calls, change, named):
    run(run_module, network, allocated_storage=25)
    api_calls.clear()
    for check_mode in (True, False):
        message = fail(run_module, network, check_mode=check_mode, **{"allocated_storage": 25, **change})
        assert "would have to be replaced" in message and named in message and "allow_replacement" in message
    assert writes(api_calls) == []


def test_an_unencrypted_instance_is_refused_naming_the_encryption(run_module, network, api_calls):
    boto3.client("rds").create_db_instance(DBInstanceIdentifier=ID, DBInstanceClass="db.t4g.micro", Engine="mysql", AllocatedStorage=20,
                                           MasterUsername="admin", MasterUserPassword="secret-secret", DBSubnetGroupName=GROUP,
                                           DBName="pizza", StorageEncrypted=False)
    api_calls.clear()
    assert "storage_encrypted False -> True" in fail(run_module, network) and writes(api_calls) == []


def test_a_confirmed_replacement_keeps_a_snapshot_of_the_old_instance(run_module, network, api_calls):
    run(run_module, network)
    api_calls.clear()
    replaced = run(run_module, network, master_username="owner", allow_replacement=True)
    assert replaced["replaced"] == ["master_username"] and replaced["final_snapshot_identifier"].startswith(f"{ID}-replaced-")
    assert writes(api_calls)[:2] == ["DeleteDBInstance", "CreateDBInstance"]
    assert snapshots() == [replaced["final_snapshot_identifier"]] and instance()["MasterUsername"] == "owner"


def test_a_public_instance_is_made_private_in_place(run_module, network, api_calls):
    run(run_module, network)
    boto3.client("rds").modify_db_instance(DBInstanceIdentifier=ID, PubliclyAccessible=True, ApplyImmediately=True)
    api_calls.clear()
    assert run(run_module, network)["changed"] is True
    assert params_of(api_calls, "ModifyDBInstance")["PubliclyAccessible"] is False and instance()["PubliclyAccessible"] is False


@pytest.mark.parametrize("bad, named", [
    ({"db_instance_class": "db.t4g.huge"}, "db_instance_class"),
    ({"db_instance_class": "db.t2.micro"}, "db_instance_class"),
    ({"allocated_storage": 10}, "allocated_storage"),
    ({"engine_version": "eight"}, "engine_version"),
    ({"master_user_secret_arn": "my-password"}, "master_user_secret_arn"),
    ({"backup_retention_period": 36}, "backup_retention_period"),
    ({"db_instance_identifier": "1db"}, "db_instance_identifier"),
])
def test_values_rds_rejects_fail_before_any_call(run_module, network, api_calls, bad, named):
    api_calls.clear()
    message = fail(run_module, network, **bad)
    assert message.startswith(named) and api_calls == []


def test_a_given_secret_supplies_the_password_and_rds_manages_none(run_module, network, api_calls):
    arn = boto3.client("secretsmanager").create_secret(Name="jwt-pizza/db", SecretString=json.dumps({"password": "s3cret-from-sm"}))["ARN"]
    created = run(run_module, network, master_user_secret_arn=arn)
    sent = params_of(api_calls, "CreateDBInstance")
    assert sent["MasterUserPassword"] == "s3cret-from-sm" and "ManageMasterUserPassword" not in sent
    assert created["db_instance"]["master_user_secret_arn"] == arn
    assert "s3cret-from-sm" not in json.dumps(created)


def test_teardown_keeps_a_named_final_snapshot_and_a_second_teardown_changes_nothing(run_module, network, api_calls):
    run(run_module, network)
    gone = run(run_module, network, state="absent")
    assert re.match(rf"^{ID}-final-\d{{8}}-\d{{6}}$", gone["final_snapshot_identifier"]) and gone["changed"]
    assert instance() is None and snapshots() == [gone["final_snapshot_identifier"]] and gone["final_snapshot_deleted"] is False
    assert params_of(api_calls, "DeleteDBInstance")["FinalDBSnapshotIdentifier"] == gone["final_snapshot_identifier"]
    api_calls.clear()
    again = run(run_module, network, state="absent")
    assert again["changed"] is False and again["final_snapshot_identifier"] == "" and writes(api_calls) == []


def test_teardown_without_a_snapshot_or_deleting_it_afterwards_leaves_none(run_module, network, api_calls):
    run(run_module, network)
    skipped = run(run_module, network, state="absent", skip_final_snapshot=True)
    assert skipped["final_snapshot_identifier"] == "" and params_of(api_calls, "DeleteDBInstance")["SkipFinalSnapshot"] is True
    assert snapshots() == []
    run(run_module, network)
    deleted = run(run_module, network, state="absent", delete_final_snapshot=True)
    assert deleted["final_snapshot_deleted"] is True and "DeleteDBSnapshot" in writes(api_calls) and snapshots() == []


def test_check_mode_teardown_names_the_snapshot_and_deletes_nothing(run_module, network, api_calls):
    run(run_module, network)
    api_calls.clear()
    planned = run(run_module, network, check_mode=True, state="absent")
    assert planned["changed"] and planned["final_snapshot_identifier"].startswith(f"{ID}-final-") and writes(api_calls) == []
    assert instance() is not None


def test_deletion_protection_stops_the_teardown_saying_so(run_module, network, api_calls):
    run(run_module, network, deletion_protection=True)
    api_calls.clear()
    assert "deletion protection" in fail(run_module, network, state="absent") and writes(api_calls) == []


def test_a_missing_instance_is_restored_from_the_given_snapshot(run_module, network, api_calls):
    run(run_module, network)
    snapshot = run(run_module, network, state="absent")["final_snapshot_identifier"]
    api_calls.clear()
    restored = run(run_module, network, restore_snapshot_identifier=snapshot)
    sent = params_of(api_calls, "RestoreDBInstanceFromDBSnapshot")
    assert sent["DBSnapshotIdentifier"] == snapshot and sent["PubliclyAccessible"] is False and "CreateDBInstance" not in writes(api_calls)
    assert restored["db_instance"]["status"] == "available"
    api_calls.clear()
    assert run(run_module, network, restore_snapshot_identifier=snapshot)["changed"] is False and writes(api_calls) == []


def test_a_missing_restore_snapshot_fails_naming_it_before_any_write(run_module, network, api_calls):
    assert "restore_snapshot_identifier" in fail(run_module, network, restore_snapshot_identifier="no-such-snapshot")
    assert writes(api_calls) == []


def stubbed_instance(**overrides):
    """A DescribeDBInstances item in AWS's documented shape."""
    return {"DBInstanceIdentifier": ID, "DBInstanceArn": f"arn:aws:rds:us-east-1:123456789012:db:{ID}", "DBInstanceStatus": "available",
            "DBInstanceClass": "db.t4g.micro", "Engine": "mysql", "EngineVersion": "8.0.39", "AllocatedStorage": 20, "StorageType": "gp3",
            "StorageEncrypted": True, "PubliclyAccessible": False, "MultiAZ": False, "BackupRetentionPeriod": 7,
            "DeletionProtection": False,
            "DBName": "pizza", "MasterUsername": "admin", "Endpoint": {"Address": "db.example", "Port": 3306},
            "MasterUserSecret": {"SecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1", "SecretStatus": "active"},
            "DBSubnetGroup": {"DBSubnetGroupName": GROUP}, "VpcSecurityGroups": [{"VpcSecurityGroupId": "sg-0123456789abcdef0"}],
            "TagList": [{"Key": "Project", "Value": "jwt-pizza"}], **overrides}


def test_a_change_waiting_for_the_maintenance_window_is_not_sent_again(run_module, stubbed_clients):
    stubs = stubbed_clients("rds")
    pending = stubbed_instance(PendingModifiedValues={"DBInstanceClass": "db.t4g.small", "AllocatedStorage": 30})
    stubs["rds"].add_response("describe_db_instances", {"DBInstances": [pending]}, {"DBInstanceIdentifier": ID})
    stubs["rds"].add_response("describe_db_instances", {"DBInstances": [pending]}, {"DBInstanceIdentifier": ID})
    result, failed = run_module(rds_mysql_instance, {"db_instance_identifier": ID, "db_subnet_group_name": GROUP, "db_name": "pizza",
                                                     "vpc_security_group_ids": ["sg-0123456789abcdef0"], "tags": {"Project": "jwt-pizza"},
                                                     "db_instance_class": "db.t4g.small", "allocated_storage": 30})
    assert not failed and result["changed"] is False, result
    assert result["db_instance"]["instance_class"] == "db.t4g.small"
    stubs["rds"].assert_no_pending_responses()


def test_an_instance_class_check_follows_the_mysql_families():
    assert all(_rds.instance_class_ok(c) for c in ("db.t4g.micro", "db.t3.2xlarge", "db.m7g.large", "db.r6g.16xlarge", "db.m5.metal"))
    # A predicate: False, not merely falsy, also for a name that is no class at all.
    assert [_rds.instance_class_ok(c) for c in ("db.t4g.4xlarge", "db.t3.metal", "t4g.micro", "db.m7g.micro", "db.p4.large")] == [False] * 5


def test_flags_the_describe_answer_omits_read_as_false():
    """DescribeDBInstances may leave out a false boolean: a missing flag is off, never on (a private instance
    without PubliclyAccessible in the answer must not be 'made private' again on every run)."""
    minimal = {"DBInstanceIdentifier": "jwt-pizza-dev-db"}
    found = _rds.view(minimal)
    assert (found["publicly_accessible"], found["storage_encrypted"], found["multi_az"], found["deletion_protection"]) == (
        False, False, False, False)


def test_dropping_the_given_secret_hands_the_password_to_rds_in_place(run_module, network, api_calls):
    arn = boto3.client("secretsmanager").create_secret(Name="jwt-pizza/db", SecretString=json.dumps({"password": "s3cret-from-sm"}))["ARN"]
    run(run_module, network, master_user_secret_arn=arn)
    api_calls.clear()
    changed = run(run_module, network, apply_immediately=True)
    assert changed["changed"] is True and "CreateDBInstance" not in writes(api_calls)
    sent = params_of(api_calls, "ModifyDBInstance")
    assert sent["ManageMasterUserPassword"] is True and "MasterUserPassword" not in sent
    assert changed["diff"]["after"]["master_password"] == "managed by RDS in Secrets Manager"


@pytest.mark.parametrize(("storage", "accepted"), [(19, False), (20, True), (65536, True), (65537, False)])
def test_storage_limits_are_those_rds_documents_for_mysql_on_gp3(run_module, network, api_calls, storage, accepted):
    """CreateDBInstance, AllocatedStorage: 20 to 65,536 GiB for MySQL on General Purpose SSD."""
    result, failed = run_module(rds_mysql_instance, args(network, allocated_storage=storage), check_mode=True)
    assert failed is not accepted, result
    if not accepted:
        assert result["msg"].startswith(f"allocated_storage must be 20 to 65536 GiB for MySQL on gp2/gp3; got {storage}")
    assert writes(api_calls) == []


def test_check_mode_create_shows_an_encrypted_private_instance(run_module, network, api_calls):
    planned = run(run_module, network, check_mode=True)
    assert planned["changed"] and writes(api_calls) == []
    after = planned["diff"]["after"]["db_instance"]
    assert (after["storage_encrypted"], after["publicly_accessible"], after["engine"]) == (True, False, "mysql")


def test_only_a_major_version_change_allows_a_major_upgrade(run_module, network, api_calls):
    run(run_module, network, engine_version="8.0.35")
    api_calls.clear()
    run(run_module, network, engine_version="8.0.36", apply_immediately=True)
    minor = params_of(api_calls, "ModifyDBInstance")
    assert minor["EngineVersion"] == "8.0.36" and "AllowMajorVersionUpgrade" not in minor
    api_calls.clear()
    run(run_module, network, engine_version="8.4.3", apply_immediately=True)
    major = params_of(api_calls, "ModifyDBInstance")
    assert major["EngineVersion"] == "8.4.3" and major["AllowMajorVersionUpgrade"] is True
