#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: rds_mysql_instance
short_description: A private, encrypted RDS for MySQL instance whose master password RDS keeps in Secrets Manager
version_added: 0.1.0
description:
  - Creates the DB instance O(db_instance_identifier) (engine C(mysql), port 3306, never publicly accessible,
    storage always encrypted), or restores it from O(restore_snapshot_identifier) when it does not exist yet.
  - The master password is managed by RDS in Secrets Manager (C(ManageMasterUserPassword)), or read from the
    C(password) key of O(master_user_secret_arn); no option takes a password.
  - Changes in place what RDS changes in place (class, storage growth and type, engine upgrade, backup retention,
    Multi-AZ, deletion protection, security groups, public access off, tags), now or in the next maintenance window
    (O(apply_immediately)), comparing against the pending values so that a re-run changes nothing.
  - A difference that needs a new instance (engine, master user name, database name, subnet group, unencrypted
    storage, smaller storage, engine downgrade) fails, naming it, before any write, unless O(allow_replacement);
    then the old instance is deleted (with a final snapshot C(<id>-replaced-<UTC time>) unless
    O(skip_final_snapshot)) and a new one created.
  - With O(state=absent) deletes the instance with a final snapshot (O(final_snapshot_identifier), by default
    C(<id>-final-<UTC time>), a new name each time so that the snapshots of several teardowns never collide),
    or without one (O(skip_final_snapshot)); with O(delete_final_snapshot) deletes that snapshot afterwards. A
    missing instance is not an error, and then nothing is written.
  - Replaces C(amazon.aws.rds_instance) for this collection's one database, so that the replacement rule, the
    AWS rules the emulator does not enforce and the final snapshot name live in one place.
author:
  - jwtpizza.cloud developers (@jwtpizza)
options:
  db_instance_identifier:
    description: Identifier of the DB instance (1-63 letters, digits or hyphens, starting with a letter).
    type: str
    required: true
  db_instance_class:
    description: DB instance class RDS for MySQL offers, such as C(db.t4g.micro); changed in place.
    type: str
    default: db.t4g.micro
  allocated_storage:
    description: Storage in GiB, 20 to 65536 (gp2/gp3); grows in place, never shrinks.
    type: int
    default: 20
  storage_type:
    description: General Purpose SSD type.
    type: str
    choices: [gp2, gp3]
    default: gp3
  engine_version:
    description: MySQL version such as C(8.0.39); empty takes RDS's default at creation and leaves it alone after.
    type: str
    default: ""
  db_name:
    description: Name of the database created with the instance; empty creates none.
    type: str
    default: ""
  master_username:
    description: Name of the master user (cannot change without a new instance).
    type: str
    default: admin
  master_user_secret_arn:
    description:
      - Secrets Manager secret whose C(password) key (or whole string) is the master password.
      - Empty (the default) lets RDS create and manage the master secret (C(ManageMasterUserPassword)).
    type: str
    default: ""
  db_subnet_group_name:
    description: DB subnet group of the instance (its subnets give the VPC). Required with O(state=present).
    type: str
  vpc_security_group_ids:
    description: Security groups of the instance.
    type: list
    elements: str
    default: []
  backup_retention_period:
    description: Days of automated backups, 0 to 35.
    type: int
    default: 7
  multi_az:
    description: A standby in a second availability zone.
    type: bool
    default: false
  deletion_protection:
    description: RDS refuses to delete the instance while it is on (O(state=absent) then fails, saying so).
    type: bool
    default: false
  apply_immediately:
    description: Apply in-place changes now (short outage for a class change) instead of in the next maintenance window.
    type: bool
    default: false
  allow_replacement:
    description: Replace the instance when a setting needs a new one, instead of failing.
    type: bool
    default: false
  restore_snapshot_identifier:
    description: DB snapshot to create a missing instance from (its data, master user and database name); empty creates an empty one.
    type: str
    default: ""
  skip_final_snapshot:
    description: Delete (or replace) the instance without a final snapshot.
    type: bool
    default: false
  final_snapshot_identifier:
    description: Name of the final snapshot; empty gives C(<db_instance_identifier>-final-<YYYYMMDD-HHMMSS>) (UTC).
    type: str
    default: ""
  delete_final_snapshot:
    description: With O(state=absent), also delete the final snapshot once the instance is gone (tests, CI).
    type: bool
    default: false
  wait:
    description: Wait until the instance is C(available) or gone; a replacement and O(delete_final_snapshot) always wait.
    type: bool
    default: true
  wait_timeout:
    description: Seconds the waits may take in all.
    type: int
    default: 1800
  state:
    description: C(present) creates or updates the instance, C(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
attributes:
  check_mode:
    support: full
    details:
      - A replacement that O(allow_replacement) does not allow fails in check mode too, which is how C(--check) shows it.
  diff_mode:
    support: partial
    details:
      - The password is never shown; with O(master_user_secret_arn) the diff shows only which secret is used.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
"""

EXAMPLES = r"""
- name: Create the database of the service
  jwtpizza.cloud.rds_mysql_instance:
    db_instance_identifier: jwt-pizza-dev-db
    db_instance_class: db.t4g.micro
    allocated_storage: 20
    db_name: pizza
    db_subnet_group_name: jwt-pizza-dev-db
    vpc_security_group_ids: [sg-0123456789abcdef0]
    tags:
      Project: jwt-pizza

- name: Delete it, keeping a final snapshot
  jwtpizza.cloud.rds_mysql_instance:
    db_instance_identifier: jwt-pizza-dev-db
    state: absent
"""

RETURN = r"""
db_instance:
  description: The instance after the run (pending values applied); empty when it does not exist.
  returned: always
  type: dict
  contains:
    identifier:
      description: Identifier.
      type: str
      sample: jwt-pizza-dev-db
    arn:
      description: ARN.
      type: str
      sample: "arn:aws:rds:us-west-2:123456789012:db:jwt-pizza-dev-db"
    status:
      description: DBInstanceStatus.
      type: str
      sample: available
    endpoint:
      description: Host name of the endpoint (empty while it is created).
      type: str
      sample: jwt-pizza-dev-db.abc.us-west-2.rds.amazonaws.com
    port:
      description: Port.
      type: int
      sample: 3306
    db_name:
      description: Database name.
      type: str
      sample: pizza
    master_username:
      description: Master user.
      type: str
      sample: admin
    master_user_secret_arn:
      description: The secret holding the master password (RDS-managed or given).
      type: str
      sample: "arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-1a2b-AbCdEf"
    instance_class:
      description: Class.
      type: str
      sample: db.t4g.micro
    allocated_storage:
      description: GiB.
      type: int
      sample: 20
    engine_version:
      description: MySQL version.
      type: str
      sample: 8.0.39
    pending:
      description: Modifications waiting for the maintenance window.
      type: dict
      sample: {}
final_snapshot_identifier:
  description: The final snapshot this run had RDS take (absent or replacement); empty when none.
  returned: always
  type: str
  sample: jwt-pizza-dev-db-final-20261202-031500
final_snapshot_deleted:
  description: Whether that snapshot was deleted again (O(delete_final_snapshot)).
  returned: always
  type: bool
"""

import time

from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _rds as rds
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import DiffTracker
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import state_option
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import tag_options
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import wait_for

WAIT_DELAY = 15


class Instance:
    def __init__(self, module):
        self.module = module
        self.p = module.params
        self.id = self.p["db_instance_identifier"]
        self.client = module.client("rds")
        self.diff = DiffTracker()
        self.result = {"changed": False, "final_snapshot_identifier": "", "final_snapshot_deleted": False}

    # ---- what the options ask for
    def wanted(self):
        """The owned settings as rds.view() shows them."""
        return {
            "engine": "mysql",
            "instance_class": self.p["db_instance_class"],
            "allocated_storage": self.p["allocated_storage"],
            "storage_type": self.p["storage_type"],
            "storage_encrypted": True,
            "publicly_accessible": False,
            "multi_az": self.p["multi_az"],
            "backup_retention_period": self.p["backup_retention_period"],
            "deletion_protection": self.p["deletion_protection"],
            "db_name": self.p["db_name"],
            "master_username": self.p["master_username"],
            "db_subnet_group_name": self.p["db_subnet_group_name"],
            "vpc_security_group_ids": sorted(self.p["vpc_security_group_ids"]),
            **({"engine_version": self.p["engine_version"]} if self.p["engine_version"] else {}),
        }

    def modifications(self, have, instance):
        """ModifyDBInstance parameters for the in-place differences (recorded in the diff)."""
        want = self.wanted()
        params = {}
        for key, name in rds.IN_PLACE.items():
            if key in want and have[key] != want[key]:
                self.diff.add(key, have[key], want[key])
                params[name] = want[key]
        if "EngineVersion" in params and rds.version_key(params["EngineVersion"])[:2] != rds.version_key(have["engine_version"])[:2]:
            params["AllowMajorVersionUpgrade"] = True
        managed = bool(instance.get("MasterUserSecret"))
        if not self.p["master_user_secret_arn"] and not managed:
            self.diff.add("master_password", "set by the user", "managed by RDS in Secrets Manager")
            params["ManageMasterUserPassword"] = True
        elif self.p["master_user_secret_arn"] and managed:
            self.diff.add("master_password", "managed by RDS in Secrets Manager", f"from {self.p['master_user_secret_arn']}")
            params["ManageMasterUserPassword"] = False
            params["MasterUserPassword"] = self.password()
        return params

    def password(self):
        return rds.secret_password(self.module.client("secretsmanager"), self.p["master_user_secret_arn"])

    def password_params(self):
        if self.p["master_user_secret_arn"]:
            return {"MasterUserPassword": self.password()}
        return {"ManageMasterUserPassword": True}

    def common_params(self):
        tags = self.p["tags"] or {}
        return {
            "DBInstanceIdentifier": self.id,
            "DBInstanceClass": self.p["db_instance_class"],
            "StorageType": self.p["storage_type"],
            "MultiAZ": self.p["multi_az"],
            "PubliclyAccessible": False,
            "DeletionProtection": self.p["deletion_protection"],
            "BackupRetentionPeriod": self.p["backup_retention_period"],
            "DBSubnetGroupName": self.p["db_subnet_group_name"],
            "VpcSecurityGroupIds": self.p["vpc_security_group_ids"],
            "CopyTagsToSnapshot": True,
            "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
        }

    # ---- writes
    def create(self):
        snapshot_id = self.p["restore_snapshot_identifier"]
        if snapshot_id:
            snapshot = rds.describe_snapshot(self.client, snapshot_id)
            if not snapshot:
                self.module.fail_json(msg=f"restore_snapshot_identifier {snapshot_id!r}: no such DB snapshot")
            if not snapshot.get("Encrypted"):
                self.module.fail_json(msg=f"restore_snapshot_identifier {snapshot_id!r} is not encrypted: its instance would not be")
            self.diff.add("db_instance", {}, {**self.wanted(), "restored_from": snapshot_id})
        else:
            self.diff.add("db_instance", {}, self.wanted())
        self.result["changed"] = True
        if self.module.check_mode:
            return None
        if snapshot_id:
            params = {**self.common_params(), "DBSnapshotIdentifier": snapshot_id}
            if self.p["master_user_secret_arn"]:
                rds.restore_instance(self.client, **params)
                return rds.modify_instance(self.client, DBInstanceIdentifier=self.id, ApplyImmediately=True,
                                           MasterUserPassword=self.password())
            return rds.restore_instance(self.client, **params, ManageMasterUserPassword=True)
        params = {**self.common_params(), "Engine": "mysql", "AllocatedStorage": self.p["allocated_storage"],
                  "StorageEncrypted": True, "Port": rds.PORT, "MasterUsername": self.p["master_username"], **self.password_params()}
        if self.p["engine_version"]:
            params["EngineVersion"] = self.p["engine_version"]
        if self.p["db_name"]:
            params["DBName"] = self.p["db_name"]
        return rds.create_instance(self.client, **params)

    def delete(self, instance, suffix):
        """Delete with a final snapshot (named in the result) unless skipped; True when the snapshot is taken."""
        snapshot = ""
        if not self.p["skip_final_snapshot"]:
            snapshot = self.p["final_snapshot_identifier"] if suffix == "final" and self.p["final_snapshot_identifier"] else \
                f"{self.id}-{suffix}-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}"
        self.result.update(changed=True, final_snapshot_identifier=snapshot)
        if self.module.check_mode:
            return
        params = {"DBInstanceIdentifier": self.id, "DeleteAutomatedBackups": True}
        params.update({"FinalDBSnapshotIdentifier": snapshot} if snapshot else {"SkipFinalSnapshot": True})
        rds.delete_instance(self.client, **params)

    def tags(self, instance):
        if self.p["tags"] is None:
            return
        have = boto3_tag_list_to_ansible_dict(instance.get("TagList", []))
        add, remove = compare_aws_tags(have, self.p["tags"], self.p["purge_tags"])
        if not (add or remove):
            return
        self.result["changed"] = True
        self.diff.add("tags", have, {**{k: v for k, v in have.items() if k not in remove}, **add})
        if not self.module.check_mode:
            if remove:
                rds.remove_tags(self.client, instance["DBInstanceArn"], remove)
            if add:
                rds.add_tags(self.client, instance["DBInstanceArn"], add)

    # ---- waits
    def wait_until(self, what, done, timeout=None):
        def probe():
            instance = rds.describe_instance(self.client, self.id)
            return done(instance), instance

        return wait_for(probe, timeout or self.p["wait_timeout"], WAIT_DELAY, f"DB instance {self.id} {what}",
                        explain=lambda i: f"status {i.get('DBInstanceStatus') if i else 'gone'}")

    def wait_gone(self):
        self.wait_until("to be deleted", lambda i: not i)

    def wait_available(self):
        return self.wait_until("to be available", lambda i: bool(i) and i.get("DBInstanceStatus") == "available")

    # ---- states
    def ensure_present(self):
        instance = rds.describe_instance(self.client, self.id)
        if instance and instance.get("DBInstanceStatus") == "deleting":
            self.module.fail_json(msg=f"DB instance {self.id} is being deleted; run again once it is gone")
        if instance:
            have = rds.view(instance)
            replace = rds.replacements(have, self.wanted())
            if replace and not self.p["allow_replacement"]:
                listed = ", ".join(f"{k} {b!r} -> {a!r}" for k, (b, a) in replace.items())
                self.module.fail_json(msg=f"DB instance {self.id} would have to be replaced (a new, empty instance) to change {listed}; "
                                          "nothing was changed. Set allow_replacement to replace it (a final snapshot is taken "
                                          "unless skip_final_snapshot), or keep the current values.")
            if replace:
                self.result["replaced"] = sorted(replace)
                self.delete(instance, "replaced")
                if not self.module.check_mode:
                    self.wait_gone()
                instance = None
            else:
                self.tags(instance)
                params = self.modifications(have, instance)
                if params:
                    self.result["changed"] = True
                    if not self.module.check_mode:
                        instance = rds.modify_instance(self.client, DBInstanceIdentifier=self.id,
                                                       ApplyImmediately=self.p["apply_immediately"], **params)
        if not instance:
            instance = self.create()
        if self.p["wait"] and instance and not self.module.check_mode:
            instance = self.wait_available()
        elif self.result["changed"] and instance and not self.module.check_mode:
            instance = rds.describe_instance(self.client, self.id)
        shown = rds.view(instance)
        if shown and self.p["master_user_secret_arn"]:
            shown["master_user_secret_arn"] = self.p["master_user_secret_arn"]
        return {**self.result, "db_instance": shown, "diff": self.diff}

    def ensure_absent(self):
        instance = rds.describe_instance(self.client, self.id)
        if instance and instance.get("DBInstanceStatus") != "deleting":
            if instance.get("DeletionProtection"):
                self.module.fail_json(msg=f"DB instance {self.id} has deletion protection on: turn it off first "
                                          "(deletion_protection false with state=present), then delete it")
            self.diff.add("db_instance", rds.view(instance), {})
            self.delete(instance, "final")
        snapshot = self.result["final_snapshot_identifier"]
        if self.module.check_mode or not instance:
            self.result["final_snapshot_deleted"] = bool(snapshot and self.p["delete_final_snapshot"])
            return {**self.result, "db_instance": {}, "diff": self.diff}
        if self.p["wait"] or (snapshot and self.p["delete_final_snapshot"]):
            self.wait_gone()
        if snapshot and self.p["delete_final_snapshot"]:
            self.delete_snapshot(snapshot)
        return {**self.result, "db_instance": {}, "diff": self.diff}

    def delete_snapshot(self, name):
        def probe():
            found = rds.describe_snapshot(self.client, name)
            return (not found or found.get("Status") == "available"), found

        found = wait_for(probe, self.p["wait_timeout"], WAIT_DELAY, f"DB snapshot {name} to be available",
                         explain=lambda s: f"status {s.get('Status') if s else 'gone'}")
        if found:
            rds.delete_snapshot(self.client, name)
        self.result["final_snapshot_deleted"] = True


def main():
    module = JwtPizzaModule(
        argument_spec=dict(
            db_instance_identifier=dict(type="str", required=True),
            db_instance_class=dict(type="str", default="db.t4g.micro"),
            allocated_storage=dict(type="int", default=20),
            storage_type=dict(type="str", choices=["gp2", "gp3"], default="gp3"),
            engine_version=dict(type="str", default=""),
            db_name=dict(type="str", default=""),
            master_username=dict(type="str", default="admin"),
            master_user_secret_arn=dict(type="str", default="", no_log=False),
            db_subnet_group_name=dict(type="str"),
            vpc_security_group_ids=dict(type="list", elements="str", default=[]),
            backup_retention_period=dict(type="int", default=7),
            multi_az=dict(type="bool", default=False),
            deletion_protection=dict(type="bool", default=False),
            apply_immediately=dict(type="bool", default=False),
            allow_replacement=dict(type="bool", default=False),
            restore_snapshot_identifier=dict(type="str", default=""),
            skip_final_snapshot=dict(type="bool", default=False),
            final_snapshot_identifier=dict(type="str", default=""),
            delete_final_snapshot=dict(type="bool", default=False),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=1800),
            **state_option(),
            **tag_options(),
        ),
        required_if=[("state", "present", ["db_subnet_group_name"])],
        supports_check_mode=True,
    )
    errors = rds.input_errors(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    module.run_state(Instance(module))


if __name__ == "__main__":
    main()
