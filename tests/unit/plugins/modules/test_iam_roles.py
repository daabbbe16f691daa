# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.iam_roles: moto's in-process IAM, and Stubber answers where moto cannot lose an answer."""

from __future__ import annotations

import datetime
import json

import boto3
import pytest
from botocore.exceptions import ClientError

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _iam
from ansible_collections.jwtpizza.cloud.plugins.modules import iam_roles as module

pytestmark = pytest.mark.usefixtures("shared_botocore_models")

ACCOUNT = "123456789012"
TAGS = {"Project": "jwt-pizza", "Environment": "dev"}
EXEC_POLICY = f"arn:aws:iam::{ACCOUNT}:policy/site-exec"
OTHER_POLICY = f"arn:aws:iam::{ACCOUNT}:policy/site-other"
WRITES = {
    "CreateRole", "UpdateAssumeRolePolicy", "UpdateRole", "AttachRolePolicy", "DetachRolePolicy", "PutRolePolicy",
    "DeleteRolePolicy", "TagRole", "UntagRole", "DeleteRole",
}


def trust(service="ecs-tasks.amazonaws.com"):
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]}


def allow(action, resource):
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [action], "Resource": [resource]}]}


READ_SECRETS = allow("ssm:GetParameters", f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/site/db-password")
TASK_POLICY = allow("s3:GetObject", "arn:aws:s3:::site-bucket/*")


def roles(**changes):
    """The execution role (managed and inline policy) and the task role (inline policy only); changes by role name."""
    specs = [
        {"name": "site-exec", "description": "ECS task execution", "trust_policy": trust(),
         "managed_policies": [EXEC_POLICY], "inline_policies": {"read-secrets": READ_SECRETS}},
        {"name": "site-task", "description": "ECS task", "trust_policy": trust(), "managed_policies": [],
         "inline_policies": {"task": TASK_POLICY}},
    ]
    for spec in specs:
        spec.update(changes.get(spec["name"].replace("site-", ""), {}))
    return specs


def writes(api_calls):
    return [name for name, _params in api_calls if name in WRITES]


@pytest.fixture
def iam(moto_aws):
    client = boto3.client("iam")
    for name in ("site-exec", "site-other"):
        client.create_policy(PolicyName=name, PolicyDocument=json.dumps(allow("logs:PutLogEvents", "*")))
    return client


@pytest.fixture
def run(run_module, iam):
    def run(roles_=None, check_mode=False, diff=False, **extra):
        args = {"roles": roles() if roles_ is None else roles_, "tags": TAGS, **extra}
        return run_module(module, args, check_mode=check_mode, diff=diff)

    return run


def described(iam, name):
    """What IAM holds of a role, read with boto3 (None when it does not exist)."""
    try:
        role = iam.get_role(RoleName=name)["Role"]
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "NoSuchEntity"
        return None
    inline = {policy: iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]
              for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]}
    return {
        "description": role.get("Description", ""),
        "trust_policy": role["AssumeRolePolicyDocument"],
        "max_session_duration": role["MaxSessionDuration"],
        "managed_policies": sorted(p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]),
        "inline_policies": inline,
        "tags": {t["Key"]: t["Value"] for t in role.get("Tags", [])},
    }


def wanted(spec, tags=None):
    tags = TAGS if tags is None else tags
    return {"description": spec["description"], "trust_policy": spec["trust_policy"], "max_session_duration": 3600,
            "managed_policies": sorted(spec["managed_policies"]), "inline_policies": spec["inline_policies"], "tags": tags}


class TestPresent:
    def test_creates_both_roles_and_a_second_run_reads_once_and_writes_nothing(self, run, iam, api_calls):
        result, failed = run()
        assert not failed and result["changed"], result
        for spec in roles():
            assert described(iam, spec["name"]) == wanted(spec)
            arn = iam.get_role(RoleName=spec["name"])["Role"]["Arn"]
            assert result["roles"][spec["name"]]["arn"] == arn == f"arn:aws:iam::{ACCOUNT}:role/{spec['name']}"
            assert result["roles"][spec["name"]]["role_id"] == iam.get_role(RoleName=spec["name"])["Role"]["RoleId"]
        assert result["actions"] == [
            "create role site-exec", f"attach {EXEC_POLICY} to site-exec", "put inline policy read-secrets of site-exec",
            "create role site-task", "put inline policy task of site-task"]
        created = [params for name, params in api_calls if name == "CreateRole"]
        assert [json.loads(p["AssumeRolePolicyDocument"]) for p in created] == [trust(), trust()]
        assert {t["Key"]: t["Value"] for t in created[0]["Tags"]} == TAGS, "tags go with the create call"
        api_calls.clear()
        again, _failed = run()
        assert not again["changed"] and again["actions"] == [] and writes(api_calls) == []
        reads = ["GetRole", "ListAttachedRolePolicies", "ListRolePolicies", "GetRolePolicy"]
        assert [name for name, _params in api_calls] == reads * 2, "each role is read once"
        assert again["roles"]["site-exec"] == {**result["roles"]["site-exec"], "trust_policy": trust()}

    def test_a_new_role_is_waited_for_until_iam_shows_it(self, run, monkeypatch):
        original, seen = _iam.get_role, []

        def late(client, name):
            seen.append(name)
            # 1: the read before the create; 2: the first probe after it, which IAM does not answer yet; 3: the role.
            return None if len(seen) == 2 else original(client, name)

        monkeypatch.setattr(_iam, "get_role", late)
        slept = []
        monkeypatch.setattr(module.time, "sleep", slept.append)
        result, failed = run([roles()[1]])
        assert not failed and result["changed"], result
        assert seen == ["site-task"] * 3 and slept == [module.WAIT_DELAY]

    def test_a_role_iam_never_shows_fails_naming_it(self, run, monkeypatch):
        monkeypatch.setattr(_iam, "get_role", lambda client, name: None)
        monkeypatch.setattr(module.time, "sleep", lambda seconds: None)
        result, failed = run([roles()[1]], wait_timeout=0)
        assert failed and result["msg"] == ("Timed out after 0s waiting for IAM role site-task to exist; "
                                            "GetRole still answers NoSuchEntity")

    @pytest.mark.parametrize(("drift", "expected", "action"), [
        (lambda iam: iam.update_assume_role_policy(RoleName="site-exec", PolicyDocument=json.dumps(trust("ec2.amazonaws.com"))),
         ["UpdateAssumeRolePolicy"], "update the trust policy of site-exec"),
        (lambda iam: iam.update_role(RoleName="site-exec", Description="changed by hand"),
         ["UpdateRole"], "update the description of site-exec"),
        (lambda iam: iam.update_role(RoleName="site-exec", Description="ECS task execution", MaxSessionDuration=7200),
         [], None),
        (lambda iam: iam.attach_role_policy(RoleName="site-task", PolicyArn=OTHER_POLICY),
         ["DetachRolePolicy"], f"detach {OTHER_POLICY} from site-task"),
        (lambda iam: iam.detach_role_policy(RoleName="site-exec", PolicyArn=EXEC_POLICY),
         ["AttachRolePolicy"], f"attach {EXEC_POLICY} to site-exec"),
        (lambda iam: iam.put_role_policy(RoleName="site-exec", PolicyName="read-secrets",
                                         PolicyDocument=json.dumps(allow("ssm:GetParameters", "*"))),
         ["PutRolePolicy"], "put inline policy read-secrets of site-exec"),
        (lambda iam: iam.put_role_policy(RoleName="site-task", PolicyName="by-hand", PolicyDocument=json.dumps(TASK_POLICY)),
         ["DeleteRolePolicy"], "delete inline policy by-hand of site-task"),
        (lambda iam: iam.tag_role(RoleName="site-task", Tags=[{"Key": "Owner", "Value": "someone"}]),
         ["UntagRole"], "untag site-task: Owner"),
        (lambda iam: iam.tag_role(RoleName="site-task", Tags=[{"Key": "Project", "Value": "another"}]),
         ["TagRole"], "tag site-task: Project"),
    ], ids=["trust", "description", "session-unowned", "managed-extra", "managed-missing", "inline-changed", "inline-extra",
            "tag-extra", "tag-changed"])
    def test_drift_is_fixed_with_the_one_write_it_needs(self, run, iam, api_calls, drift, expected, action):
        run()
        drift(iam)
        api_calls.clear()
        result, failed = run()
        assert not failed and writes(api_calls) == expected, result
        assert result["changed"] == bool(expected) and result["actions"] == ([action] if action else [])
        for spec in roles():
            state = described(iam, spec["name"])
            if action is None:  # the session duration is not given: it is left as it is
                state["max_session_duration"] = 3600
            assert state == wanted(spec)

    def test_a_session_duration_given_is_updated_with_the_description_in_one_call(self, run, iam, api_calls):
        run()
        api_calls.clear()
        result, _failed = run(roles(exec={"description": "new", "max_session_duration": 7200}))
        assert [(name, params) for name, params in api_calls if name in WRITES] == [
            ("UpdateRole", {"RoleName": "site-exec", "Description": "new", "MaxSessionDuration": 7200})]
        assert result["actions"] == ["update the description and max session duration of site-exec"]
        assert described(iam, "site-exec")["max_session_duration"] == 7200
        assert result["roles"]["site-exec"]["max_session_duration"] == 7200

    def test_a_new_session_duration_alone_keeps_the_description(self, run, iam, api_calls):
        run()
        api_calls.clear()
        result, _failed = run(roles(exec={"max_session_duration": 43200}))
        assert [(name, params) for name, params in api_calls if name in WRITES] == [
            ("UpdateRole", {"RoleName": "site-exec", "Description": "ECS task execution", "MaxSessionDuration": 43200})]
        assert result["actions"] == ["update the max session duration of site-exec"]
        assert described(iam, "site-exec") == {**wanted(roles()[0]), "max_session_duration": 43200}

    def test_a_new_managed_policy_is_attached_before_the_old_one_is_detached(self, run, iam, api_calls):
        run()
        api_calls.clear()
        result, _failed = run(roles(exec={"managed_policies": [OTHER_POLICY]}))
        assert [(name, params["PolicyArn"]) for name, params in api_calls if name in WRITES] == [
            ("AttachRolePolicy", OTHER_POLICY), ("DetachRolePolicy", EXEC_POLICY)]
        assert described(iam, "site-exec")["managed_policies"] == [OTHER_POLICY]
        assert result["roles"]["site-exec"]["managed_policies"] == [OTHER_POLICY]

    def test_a_new_inline_policy_is_put_before_the_old_one_is_deleted(self, run, iam, api_calls):
        run()
        api_calls.clear()
        result, _failed = run(roles(task={"inline_policies": {"renamed": TASK_POLICY}}))
        assert [(name, params["PolicyName"]) for name, params in api_calls if name in WRITES] == [
            ("PutRolePolicy", "renamed"), ("DeleteRolePolicy", "task")]
        assert described(iam, "site-task")["inline_policies"] == {"renamed": TASK_POLICY}
        assert result["roles"]["site-task"]["inline_policies"] == {"renamed": TASK_POLICY}

    def test_policies_equal_up_to_key_order_and_string_or_list_are_no_drift(self, run, api_calls):
        run()
        same_trust = {"Statement": [{"Condition": {"StringEquals": {"aws:SourceAccount": [ACCOUNT]}}, "Action": ["sts:AssumeRole"],
                                     "Principal": {"Service": ["ecs-tasks.amazonaws.com"]}, "Effect": "Allow"}],
                      "Version": "2012-10-17"}
        same_read = {"Version": "2012-10-17", "Statement": [
            {"Resource": READ_SECRETS["Statement"][0]["Resource"][0], "Action": "ssm:GetParameters", "Effect": "Allow"}]}
        api_calls.clear()
        result, _failed = run(roles(exec={"trust_policy": same_trust, "inline_policies": {"read-secrets": json.dumps(same_read)}},
                                    task={"trust_policy": same_trust}))
        assert not result["changed"] and writes(api_calls) == [], result["actions"]

    def test_unset_settings_are_left_as_they_are(self, run, iam, api_calls):
        run()
        iam.tag_role(RoleName="site-task", Tags=[{"Key": "Owner", "Value": "someone"}])
        iam.attach_role_policy(RoleName="site-task", PolicyArn=OTHER_POLICY)
        loose = roles(task={"description": None, "managed_policies": None, "inline_policies": None})
        api_calls.clear()
        result, _failed = run(loose, tags=None)
        assert not result["changed"] and writes(api_calls) == []
        api_calls.clear()
        result, _failed = run(loose, tags={"Project": "jwt-pizza"}, purge_tags=False)
        assert writes(api_calls) == [] and result["roles"]["site-task"]["tags"] == {**TAGS, "Owner": "someone"}

    def test_roles_that_exist_report_their_settings(self, run):
        result, _failed = run()
        assert result["roles"]["site-task"] == {
            "arn": f"arn:aws:iam::{ACCOUNT}:role/site-task", "role_id": result["roles"]["site-task"]["role_id"],
            "description": "ECS task", "trust_policy": trust(), "max_session_duration": 3600, "managed_policies": [],
            "inline_policies": {"task": TASK_POLICY}, "tags": TAGS}


class TestAbsent:
    def test_a_role_switched_to_absent_is_deleted_with_its_policies(self, run, iam, api_calls):
        run(roles(task={"managed_policies": [OTHER_POLICY]}))
        api_calls.clear()
        result, failed = run(roles(task={"state": "absent"}))
        assert not failed and result["changed"]
        assert [(name, params.get("PolicyName") or params.get("PolicyArn")) for name, params in api_calls if name in WRITES] == [
            ("DeleteRolePolicy", "task"), ("DetachRolePolicy", OTHER_POLICY), ("DeleteRole", None)]
        assert described(iam, "site-task") is None and described(iam, "site-exec") == wanted(roles()[0])
        assert result["roles"]["site-task"] == {"arn": ""} and result["roles"]["site-exec"]["arn"]
        api_calls.clear()
        again, _failed = run(roles(task={"state": "absent"}))
        assert not again["changed"] and writes(api_calls) == []

    def test_module_state_absent_deletes_every_role_by_name(self, run, iam, api_calls):
        run()
        api_calls.clear()
        result, failed = run([{"name": "site-exec"}, {"name": "site-task"}], state="absent")
        assert not failed and result["changed"]
        assert writes(api_calls) == [
            "DeleteRolePolicy", "DetachRolePolicy", "DeleteRole", "DeleteRolePolicy", "DeleteRole"]
        assert described(iam, "site-exec") is None and described(iam, "site-task") is None
        assert result["roles"] == {"site-exec": {"arn": ""}, "site-task": {"arn": ""}}
        assert result["actions"][:3] == [
            "delete inline policy read-secrets of site-exec", f"detach {EXEC_POLICY} from site-exec", "delete role site-exec"]
        api_calls.clear()
        again, _failed = run([{"name": "site-exec"}, {"name": "site-task"}], state="absent")
        assert not again["changed"] and again["actions"] == [] and writes(api_calls) == []

    def test_module_state_absent_ignores_the_role_states(self, run, iam):
        run()
        result, _failed = run(roles(task={"state": "present"}), state="absent")
        assert result["changed"] and described(iam, "site-task") is None and described(iam, "site-exec") is None

    def test_check_mode_deletes_nothing(self, run, iam, api_calls):
        run()
        api_calls.clear()
        result, _failed = run(state="absent", check_mode=True)
        assert result["changed"] and writes(api_calls) == [] and "delete role site-task" in result["actions"]
        assert described(iam, "site-task") == wanted(roles()[1])

    def test_a_role_in_an_instance_profile_fails_naming_it(self, run, iam):
        run()
        iam.create_instance_profile(InstanceProfileName="site-task")
        iam.add_role_to_instance_profile(InstanceProfileName="site-task", RoleName="site-task")
        result, failed = run(roles(task={"state": "absent"}))
        assert failed and result["msg"].startswith("Could not delete role site-task: something still uses it (an instance profile")
        assert "must remove roles from instance profile first" in result["msg"]
        assert iam.get_instance_profile(InstanceProfileName="site-task")["InstanceProfile"]["Roles"], "profiles are not touched"


class TestCheckModeAndDiff:
    def test_check_mode_on_an_empty_account_writes_nothing_and_names_every_write(self, run, iam, api_calls):
        result, failed = run(check_mode=True, diff=True)
        assert not failed and result["changed"] and writes(api_calls) == []
        assert described(iam, "site-exec") is None and described(iam, "site-task") is None
        assert result["roles"]["site-exec"]["arn"] == "" and result["roles"]["site-exec"]["role_id"] == ""
        assert result["actions"] == [
            "create role site-exec", f"attach {EXEC_POLICY} to site-exec", "put inline policy read-secrets of site-exec",
            "create role site-task", "put inline policy task of site-task"]
        assert result["diff"]["before"] == {}
        assert result["diff"]["after"]["site-exec"] == wanted(roles()[0])

    def test_check_mode_on_drift_reports_it_and_writes_nothing(self, run, iam, api_calls):
        run()
        iam.update_role(RoleName="site-exec", Description="by hand")
        api_calls.clear()
        result, _failed = run(check_mode=True)
        assert result["changed"] and writes(api_calls) == [] and result["actions"] == ["update the description of site-exec"]
        assert described(iam, "site-exec")["description"] == "by hand"

    def test_diff_shows_each_role_before_and_after(self, run, iam):
        run()
        iam.update_assume_role_policy(RoleName="site-exec", PolicyDocument=json.dumps(trust("ec2.amazonaws.com")))
        iam.tag_role(RoleName="site-exec", Tags=[{"Key": "Owner", "Value": "someone"}])
        result, _failed = run(roles(task={"state": "absent"}), diff=True)
        before, after = result["diff"]["before"], result["diff"]["after"]
        assert before["site-exec"] == {**wanted(roles()[0]), "trust_policy": trust("ec2.amazonaws.com"),
                                       "tags": {**TAGS, "Owner": "someone"}}
        assert after["site-exec"] == wanted(roles()[0])
        assert before["site-task"] == wanted(roles()[1]) and "site-task" not in after

    def test_no_diff_unless_asked(self, run):
        result, _failed = run()
        assert "diff" not in result


class TestInterrupted:
    """A create whose first try reached IAM but whose answer was lost (Stubber: moto cannot lose an answer)."""

    def test_entity_already_exists_reads_the_role_and_carries_on(self, stubbed_clients, run_module):
        iam = stubbed_clients("iam")["iam"]
        spec = roles()[1]
        role = {"Path": "/", "RoleName": "site-task", "RoleId": "AROAEXAMPLE000000000", "Arn": f"arn:aws:iam::{ACCOUNT}:role/site-task",
                "CreateDate": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
                "AssumeRolePolicyDocument": json.dumps(trust()), "Description": "ECS task",
                "Tags": [{"Key": k, "Value": v} for k, v in TAGS.items()]}
        iam.add_client_error("get_role", "NoSuchEntity", expected_params={"RoleName": "site-task"})
        iam.add_client_error("create_role", "EntityAlreadyExists", "Role with name site-task already exists.")
        iam.add_response("get_role", {"Role": role}, expected_params={"RoleName": "site-task"})
        iam.add_response("list_attached_role_policies", {"AttachedPolicies": []}, expected_params={"RoleName": "site-task"})
        iam.add_response("list_role_policies", {"PolicyNames": []}, expected_params={"RoleName": "site-task"})
        iam.add_response("put_role_policy", {}, expected_params={
            "RoleName": "site-task", "PolicyName": "task", "PolicyDocument": json.dumps(TASK_POLICY)})
        result, failed = run_module(module, {"roles": [spec], "tags": TAGS})
        assert not failed, result
        assert result["changed"] and result["actions"] == ["create role site-task", "put inline policy task of site-task"]
        assert result["roles"]["site-task"]["arn"] == role["Arn"]
        iam.assert_no_pending_responses()

    def test_another_create_error_fails(self, stubbed_clients, run_module):
        iam = stubbed_clients("iam")["iam"]
        iam.add_client_error("get_role", "NoSuchEntity")
        iam.add_client_error("create_role", "LimitExceeded", "Cannot exceed quota for RolesPerAccount")
        result, failed = run_module(module, {"roles": [roles()[1]]})
        assert failed and result["msg"].startswith("Failed to create the role") and "RolesPerAccount" in result["msg"]
        iam.assert_no_pending_responses()


class TestInput:
    @pytest.mark.parametrize(("specs", "message"), [
        ([{"name": "a", "trust_policy": trust()}, {"name": "a", "trust_policy": trust()}], "roles must have different names; got a, a"),
        ([{"name": "bad name", "trust_policy": trust()}], "roles[].name must be 1-64 letters, digits or +=,.@_-; got 'bad name'"),
        ([{"name": "a"}], "roles[a].trust_policy is required with state=present"),
        ([{"name": "a", "trust_policy": {"Version": "2012-10-17"}}], "roles[a].trust_policy must be a policy document"),
        ([{"name": "a", "trust_policy": trust(), "managed_policies": ["AmazonECSTaskExecutionRolePolicy"]}],
         "roles[a].managed_policies must hold policy ARNs"),
        ([{"name": "a", "trust_policy": trust(), "inline_policies": {"p": "not json"}}], "roles[a].inline_policies[p] is not valid JSON"),
        ([{"name": "a", "trust_policy": trust(), "inline_policies": {"p": ["x"]}}],
         "roles[a].inline_policies[p] must be a policy document"),
        ([{"name": "a", "trust_policy": trust(), "inline_policies": {"bad name": TASK_POLICY}}],
         "roles[a].inline_policies: 'bad name' is not a policy name"),
        ([{"name": "a", "trust_policy": trust(), "max_session_duration": 3599}], "roles[a].max_session_duration must be 3600 to 43200"),
        ([{"name": "a", "trust_policy": trust(), "max_session_duration": 43201}], "roles[a].max_session_duration must be 3600 to 43200"),
        ([{"name": "a", "trust_policy": trust(), "description": "d" * 1001}], "roles[a].description must be at most 1000 characters"),
    ], ids=["duplicate", "name", "no-trust", "trust-no-statement", "managed-arn", "inline-json", "inline-type", "inline-name",
            "session-low", "session-high", "description-long"])
    def test_bad_input_fails_naming_the_option_before_any_call(self, run_module, moto_aws, api_calls, specs, message):
        result, failed = run_module(module, {"roles": specs})
        assert failed and result["msg"].startswith(message), result["msg"]
        assert api_calls == []

    def test_boundary_values_are_accepted(self, run, iam):
        result, failed = run([{"name": "a" * 64, "trust_policy": trust(), "max_session_duration": 43200, "description": "d" * 1000,
                               "inline_policies": {"p" * 128: TASK_POLICY}}])
        assert not failed, result
        assert described(iam, "a" * 64)["max_session_duration"] == 43200
        assert result["actions"] == ["create role " + "a" * 64, f"put inline policy {'p' * 128} of {'a' * 64}"], "all in the create"

    def test_an_empty_description_is_no_description(self, run, iam, api_calls):
        spec = [{"name": "plain", "trust_policy": trust(), "description": ""}]
        run(spec)
        assert "Description" not in iam.get_role(RoleName="plain")["Role"]
        api_calls.clear()
        result, _failed = run(spec)
        assert not result["changed"] and writes(api_calls) == []

    def test_aws_managed_and_customer_policy_arns_are_accepted(self):
        specs = [{"name": "a", "state": "present", "trust_policy": trust(), "description": None, "max_session_duration": None,
                  "inline_policies": None, "managed_policies": [
                      "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy", EXEC_POLICY,
                      "arn:aws-cn:iam::aws:policy/ReadOnlyAccess"]}]
        _iam.check_roles(specs, "present")

    @pytest.mark.parametrize("state", ["present", "absent"])
    def test_absent_roles_need_only_their_names(self, run_module, moto_aws, api_calls, state):
        specs = [{"name": "a", "state": "absent"}] + ([{"name": "b"}] if state == "absent" else [])
        result, failed = run_module(module, {"roles": specs, "state": state})
        assert not failed and not result["changed"], result
        assert [name for name, _params in api_calls] == ["GetRole"] * len(specs)

    def test_an_inline_policy_given_as_json_text_is_sent_as_a_document(self, run, iam):
        specs = roles(task={"inline_policies": {"task": json.dumps(TASK_POLICY)}})
        result, failed = run(specs)
        assert not failed and described(iam, "site-task")["inline_policies"] == {"task": TASK_POLICY}, result


class TestHelpers:
    def test_a_policy_document_as_text_is_decoded(self):
        assert _iam.document("%7B%22Version%22%3A%20%222012-10-17%22%7D") == {"Version": "2012-10-17"}
        assert _iam.document({"a": 1}) == {"a": 1}

    def test_differs_treats_a_missing_document_as_a_difference(self):
        assert _iam.differs(None, TASK_POLICY) and _iam.differs(TASK_POLICY, None) and not _iam.differs(None, None)
        assert not _iam.differs(TASK_POLICY, json.loads(json.dumps(TASK_POLICY)))
        assert _iam.differs(TASK_POLICY, READ_SECRETS)
