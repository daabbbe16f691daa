# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""RDS calls and rules of the rds_mysql_instance module (private to this collection).

Each boto3 call lives in one small function with the RDS error handler; the rules AWS documents for RDS for MySQL
(instance classes, storage bounds, engine version format) are checked here, before any call, because the emulator
accepts values AWS rejects.
"""

from __future__ import annotations

import json
import re

from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaErrors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import SecretsManagerErrors


class RDSErrors(JwtPizzaErrors):
    MISSING = ("DBInstanceNotFound", "DBInstanceNotFoundFault", "DBSnapshotNotFound", "DBSnapshotNotFoundFault")


# DB instance classes RDS for MySQL offers (Amazon RDS User Guide, "Supported DB engines for DB instance classes"):
# the burstable families up to 2xlarge, the general purpose and memory optimized families in their usual sizes.
BURSTABLE = ("t3", "t4g")
BURSTABLE_SIZES = ("micro", "small", "medium", "large", "xlarge", "2xlarge")
FAMILIES = ("m5", "m5d", "m6g", "m6gd", "m6i", "m6id", "m6idn", "m6in", "m7g", "m7i", "m8g",
            "r5", "r5b", "r5d", "r6g", "r6gd", "r6i", "r6id", "r6idn", "r6in", "r7g", "r7i", "r8g",
            "x2g", "x2idn", "x2iedn", "z1d")
SIZE = re.compile(r"^(large|xlarge|(2|4|8|9|12|16|24|32|48)xlarge|metal)$")
# RDS for MySQL, General Purpose SSD (gp2, gp3): 20 to 65536 GiB (CreateDBInstance, AllocatedStorage).
MIN_STORAGE = 20
MAX_STORAGE = 65536
ENGINE_VERSION = re.compile(r"^[5-9]\.\d+(\.\d+)?$")
SECRET_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$")
PORT = 3306
# What ModifyDBInstance changes in place: view() key -> parameter.
IN_PLACE = {"instance_class": "DBInstanceClass", "allocated_storage": "AllocatedStorage", "storage_type": "StorageType",
            "multi_az": "MultiAZ", "backup_retention_period": "BackupRetentionPeriod", "deletion_protection": "DeletionProtection",
            "publicly_accessible": "PubliclyAccessible", "vpc_security_group_ids": "VpcSecurityGroupIds", "engine_version": "EngineVersion"}
IDENTIFIER = re.compile(r"^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)$")


def instance_class_ok(name):
    match = re.match(r"^db\.([a-z0-9]+)\.([a-z0-9]+)$", name or "")
    if not match:
        return False
    family, size = match.groups()
    if family in BURSTABLE:
        return size in BURSTABLE_SIZES
    return family in FAMILIES and bool(SIZE.match(size))


def input_errors(params):
    """Messages for the options whose values RDS for MySQL rejects (the emulator accepts most of them)."""
    errors = []
    if not IDENTIFIER.match(params["db_instance_identifier"]):
        errors.append("db_instance_identifier must be 1-63 letters, digits or hyphens, start with a letter, have no two "
                      f"hyphens in a row and not end with one; got {params['db_instance_identifier']!r}")
    if params["state"] != "present":
        return errors
    if not instance_class_ok(params["db_instance_class"]):
        errors.append("db_instance_class must be a DB instance class RDS for MySQL offers (such as db.t4g.micro); "
                      f"got {params['db_instance_class']!r}")
    storage = params["allocated_storage"]
    if not MIN_STORAGE <= storage <= MAX_STORAGE:
        errors.append(f"allocated_storage must be {MIN_STORAGE} to {MAX_STORAGE} GiB for MySQL on gp2/gp3; got {storage}")
    if params["engine_version"] and not ENGINE_VERSION.match(params["engine_version"]):
        errors.append(f"engine_version must look like 8.0.39 or 8.4 (or be empty for RDS's default); got {params['engine_version']!r}")
    if params["master_user_secret_arn"] and not SECRET_ARN.match(params["master_user_secret_arn"]):
        errors.append(f"master_user_secret_arn must be a Secrets Manager secret ARN; got {params['master_user_secret_arn']!r}")
    if not 0 <= params["backup_retention_period"] <= 35:
        errors.append(f"backup_retention_period must be 0 to 35 days; got {params['backup_retention_period']}")
    return errors


def version_key(version):
    return tuple(int(part) for part in re.findall(r"\d+", version or ""))


def effective(instance):
    """The instance as it will be once its pending modifications are applied (what a re-run compares with)."""
    pending = instance.get("PendingModifiedValues") or {}
    return {**instance, **{k: v for k, v in pending.items() if k in (
        "DBInstanceClass", "AllocatedStorage", "MultiAZ", "BackupRetentionPeriod", "EngineVersion", "StorageType")}}


def view(instance):
    """The owned settings of a DescribeDBInstances item, pending values applied, as the module returns them."""
    if not instance:
        return {}
    now = effective(instance)
    secret = instance.get("MasterUserSecret") or {}
    return {
        "identifier": instance["DBInstanceIdentifier"],
        "arn": instance.get("DBInstanceArn", ""),
        "status": instance.get("DBInstanceStatus", ""),
        "endpoint": (instance.get("Endpoint") or {}).get("Address", ""),
        "port": (instance.get("Endpoint") or {}).get("Port", PORT),
        "engine": instance.get("Engine", ""),
        "engine_version": now.get("EngineVersion", ""),
        "instance_class": now.get("DBInstanceClass", ""),
        "allocated_storage": now.get("AllocatedStorage"),
        "storage_type": now.get("StorageType", ""),
        "storage_encrypted": instance.get("StorageEncrypted", False),
        "publicly_accessible": instance.get("PubliclyAccessible", False),
        "multi_az": now.get("MultiAZ", False),
        "backup_retention_period": now.get("BackupRetentionPeriod"),
        "deletion_protection": instance.get("DeletionProtection", False),
        "db_name": instance.get("DBName", ""),
        "master_username": instance.get("MasterUsername", ""),
        "master_user_secret_arn": secret.get("SecretArn", ""),
        "db_subnet_group_name": (instance.get("DBSubnetGroup") or {}).get("DBSubnetGroupName", ""),
        "vpc_security_group_ids": sorted(g["VpcSecurityGroupId"] for g in instance.get("VpcSecurityGroups", [])),
        "pending": instance.get("PendingModifiedValues") or {},
        "tags": boto3_tag_list_to_ansible_dict(instance.get("TagList", [])),
    }


def replacements(have, want):
    """Settings of ``want`` that differ from ``have`` (both as view() shows them) and need a new instance: {setting: (have, want)}."""
    found = {k: (have[k], want[k]) for k in ("engine", "master_username", "db_subnet_group_name") if have[k] != want[k]}
    if want["db_name"] and have["db_name"] != want["db_name"]:
        found["db_name"] = (have["db_name"], want["db_name"])
    if not have["storage_encrypted"]:
        found["storage_encrypted"] = (False, True)
    if have["allocated_storage"] and want["allocated_storage"] < have["allocated_storage"]:
        found["allocated_storage"] = (have["allocated_storage"], want["allocated_storage"])
    if "engine_version" in want and version_key(want["engine_version"]) < version_key(have["engine_version"]):
        found["engine_version"] = (have["engine_version"], want["engine_version"])
    return found


@RDSErrors.lookup("describe the DB instance")
def describe_instance(client, identifier):
    return client.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]


@RDSErrors.call("create the DB instance")
def create_instance(client, **params):
    return client.create_db_instance(**params)["DBInstance"]


@RDSErrors.call("restore the DB instance from its snapshot")
def restore_instance(client, **params):
    return client.restore_db_instance_from_db_snapshot(**params)["DBInstance"]


@RDSErrors.call("modify the DB instance")
def modify_instance(client, **params):
    return client.modify_db_instance(**params)["DBInstance"]


@RDSErrors.delete("delete the DB instance")
def delete_instance(client, **params):
    client.delete_db_instance(**params)
    return True


@RDSErrors.lookup("describe the DB snapshot")
def describe_snapshot(client, identifier):
    return client.describe_db_snapshots(DBSnapshotIdentifier=identifier)["DBSnapshots"][0]


@RDSErrors.call("tag the DB instance")
def add_tags(client, arn, tags):
    client.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])


@RDSErrors.call("untag the DB instance")
def remove_tags(client, arn, keys):
    client.remove_tags_from_resource(ResourceName=arn, TagKeys=list(keys))


@SecretsManagerErrors.call("read the master password secret")
def secret_password(client, arn):
    """The ``password`` key of a JSON secret (the shape RDS-managed secrets have), or the whole string."""
    value = client.get_secret_value(SecretId=arn)["SecretString"]
    try:
        data = json.loads(value)
    except ValueError:
        return value
    return data["password"] if isinstance(data, dict) and "password" in data else value


@RDSErrors.delete("delete the DB snapshot")
def delete_snapshot(client, identifier):
    client.delete_db_snapshot(DBSnapshotIdentifier=identifier)
    return True
