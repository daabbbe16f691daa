#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: logs_log_group
short_description: Create, update or delete a CloudWatch Logs log group (retention, tags) with a real check mode
version_added: 0.1.0
description:
  - Creates the log group O(name) with its retention and tags, or brings both to the requested values; with
    O(state=absent) deletes it. A missing group is not an error with O(state=absent).
  - Replaces C(amazon.aws.cloudwatchlogs_log_group), which writes a changed retention even in check mode
    (its C(input_retention_policy) calls C(PutRetentionPolicy) without looking at check mode, so a
    C(site.yml --check) with another retention changes the account).
notes:
  - A create that CloudWatch Logs refuses with C(ResourceAlreadyExistsException) (its first try reached AWS and the
    answer was lost, so botocore sent it again; or another run created the group meanwhile) counts as the create; the
    retention is put as after a create and the tags of the group are brought to O(tags), reporting a change.
author:
  - jwtpizza.cloud developers (@jwtpizza)
options:
  name:
    description: Name of the log group, such as C(/ecs/jwt-pizza-dev-service).
    type: str
    required: true
  retention:
    description:
      - Days CloudWatch Logs keeps the events; one of the values C(PutRetentionPolicy) accepts.
      - Unset keeps whatever the group has.
    type: int
  state:
    description: C(present) creates or updates the group, C(absent) deletes it with its events.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
"""

EXAMPLES = r"""
- name: Keep the container logs for 30 days
  jwtpizza.cloud.logs_log_group:
    name: /ecs/jwt-pizza-dev-service
    retention: 30
    tags:
      Project: jwt-pizza

- name: Delete the log group
  jwtpizza.cloud.logs_log_group:
    name: /ecs/jwt-pizza-dev-service
    state: absent
"""

RETURN = r"""
log_group:
  description: The log group after the run; empty when it does not exist (absent, or check mode before the create).
  returned: always
  type: dict
  contains:
    name:
      description: Name of the group.
      type: str
      sample: /ecs/jwt-pizza-dev-service
    arn:
      description: ARN of the group.
      type: str
      sample: arn:aws:logs:us-west-2:123456789012:log-group:/ecs/jwt-pizza-dev-service
    retention:
      description: Retention in days; none for "never expire".
      type: int
      sample: 30
    tags:
      description: Tags of the group.
      type: dict
      sample: {Project: jwt-pizza}
"""

from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import DiffTracker
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import LogsErrors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import error_code
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import state_option
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import tag_options

RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)


@LogsErrors.call("describe the log group")
def describe_log_group(client, name):
    paginator = client.get_paginator("describe_log_groups")
    for page in paginator.paginate(logGroupNamePrefix=name):
        for group in page.get("logGroups", []):
            if group["logGroupName"] == name:
                return group
    return None


@LogsErrors.lookup("list the tags of the log group", default={})
def list_tags(client, name):
    return client.list_tags_log_group(logGroupName=name).get("tags", {})


@LogsErrors.call("create the log group")
def create_log_group(client, name, tags):
    client.create_log_group(logGroupName=name, **({"tags": tags} if tags else {}))


def create_once(client, name, tags):
    """Create the group; False when CloudWatch Logs says it exists (a retried create whose first try made it, or
    another run)."""
    try:
        create_log_group(client, name, tags)
    except JwtPizzaAWSError as exc:
        if error_code(exc) != "ResourceAlreadyExistsException":
            raise
        return False
    return True


@LogsErrors.call("put the retention policy of the log group")
def put_retention_policy(client, name, days):
    client.put_retention_policy(logGroupName=name, retentionInDays=days)


@LogsErrors.call("tag the log group")
def tag_log_group(client, name, tags):
    client.tag_log_group(logGroupName=name, tags=tags)


@LogsErrors.call("untag the log group")
def untag_log_group(client, name, keys):
    client.untag_log_group(logGroupName=name, tags=keys)


@LogsErrors.delete("delete the log group")
def delete_log_group(client, name):
    client.delete_log_group(logGroupName=name)
    return True


def view(group, tags):
    if not group:
        return {}
    return {"name": group["logGroupName"], "arn": group.get("arn", "").removesuffix(":*"),
            "retention": group.get("retentionInDays"), "tags": tags}


class LogGroup:
    def __init__(self, module):
        self.module = module
        self.p = module.params
        self.client = module.client("logs")
        self.diff = DiffTracker()

    def read(self):
        group = describe_log_group(self.client, self.p["name"])
        return group, (list_tags(self.client, self.p["name"]) if group else {})

    def ensure_present(self):
        group, tags = self.read()
        wanted = self.p["tags"] if self.p["tags"] is not None else tags
        if not group:
            after = {"name": self.p["name"], "retention": self.p["retention"], "tags": wanted or {}}
            self.diff.add("log_group", {}, after)
            if self.module.check_mode:
                return {"changed": True, "log_group": {}, "diff": self.diff}
            created = create_once(self.client, self.p["name"], wanted)
            if self.p["retention"] is not None:
                put_retention_policy(self.client, self.p["name"], self.p["retention"])
            group, tags = self.read()
            if not created and self.retag(tags, record=False):
                group, tags = self.read()
            return {"changed": True, "log_group": view(group, tags), "diff": self.diff}
        changed = False
        if self.p["retention"] is not None and self.p["retention"] != group.get("retentionInDays"):
            changed = True
            self.diff.add("retention", group.get("retentionInDays"), self.p["retention"])
            if not self.module.check_mode:
                put_retention_policy(self.client, self.p["name"], self.p["retention"])
        changed = self.retag(tags) or changed
        if changed and not self.module.check_mode:
            group, tags = self.read()
        return {"changed": changed, "log_group": view(group, tags), "diff": self.diff}

    def retag(self, tags, record=True):
        """Bring the tags to O(tags) (unless unset); whether they change.  record: show the change in the diff."""
        if self.p["tags"] is None:
            return False
        add, remove = compare_aws_tags(tags, self.p["tags"], self.p["purge_tags"])
        if not (add or remove):
            return False
        if record:
            self.diff.add("tags", tags, {**{k: v for k, v in tags.items() if k not in remove}, **add})
        if not self.module.check_mode:
            if remove:
                untag_log_group(self.client, self.p["name"], remove)
            if add:
                tag_log_group(self.client, self.p["name"], add)
        return True

    def ensure_absent(self):
        group, tags = self.read()
        if not group:
            return {"changed": False, "log_group": {}}
        self.diff.add("log_group", view(group, tags), {})
        if not self.module.check_mode:
            delete_log_group(self.client, self.p["name"])
        return {"changed": True, "log_group": {}, "diff": self.diff}


def main():
    module = JwtPizzaModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            retention=dict(type="int"),
            **state_option(),
            **tag_options(),
        ),
        supports_check_mode=True,
    )
    if module.params["retention"] is not None and module.params["retention"] not in RETENTION_DAYS:
        module.fail_json(msg=f"retention must be one of {', '.join(map(str, RETENTION_DAYS))}; got {module.params['retention']}")
    module.run_state(LogGroup(module))


if __name__ == "__main__":
    main()
