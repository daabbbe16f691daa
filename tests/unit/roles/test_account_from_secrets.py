# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The account of the trust policies comes from the secrets' ARNs, so that the iam role makes no STS call.

The exact tasks of the roles (read from their task files, by name) run in a tiny playbook with no AWS connection:
an STS call would fail the run.  The secrets role's task derives the account and partition from ``secrets__arns``;
the iam role's two tasks skip ``aws_caller_info`` when both are given and derive the trust conditions from them.
"""

from __future__ import annotations

import yaml

from role_playbook import ROOT, run_rendering

PUBLISH = "Publish the account and partition the secrets live in"
IAM_TASKS = ("Read the account the roles live in (their trust policies name it), unless it is given",
             "Derive the trust conditions from the account")


def tasks(role, *names):
    found = {task["name"]: task for task in yaml.safe_load((ROOT / f"roles/{role}/tasks/present.yml").read_text())}
    return [found[name] for name in names]


def render(tmp_path, extra_vars, *task_list, out, vars_files=()):
    playbook = [{
        "name": "Render",
        "hosts": "localhost",
        "gather_facts": False,
        "vars_files": [str(ROOT / path) for path in vars_files],
        # Every AWS endpoint is a closed port: an AWS call fails the run.
        "environment": {"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "none", "AWS_SECRET_ACCESS_KEY": "none",
                        "AWS_REGION": "us-west-2", "AWS_MAX_ATTEMPTS": "1"},
        "tasks": [*task_list, {"name": "Write", "ansible.builtin.copy": {"content": out, "dest": "{{ out }}", "mode": "0600"}}],
    }]
    run, data = run_rendering(tmp_path, yaml.safe_dump(playbook, sort_keys=False), extra_vars)
    assert run.returncode == 0, run.stdout + run.stderr
    return data


def secrets_account(tmp_path, arns):
    return render(tmp_path, {"secrets__arns": arns}, *tasks("secrets", PUBLISH),
                  out="{{ [secrets__account_id, secrets__partition] | to_json }}")


def test_the_account_and_partition_are_those_of_the_secret_arns(tmp_path):
    arns = {"jwt_secret": "arn:aws-cn:secretsmanager:cn-north-1:210987654321:secret:jwt-pizza-dev/jwt-signing-key-AbCdEf",
            "factory_api_key": ""}
    assert secrets_account(tmp_path, arns) == ["210987654321", "aws-cn"]


def test_no_arn_yet_gives_no_account(tmp_path):
    # A check run that would create the secrets knows no ARN: the iam role then reads the account itself.
    assert secrets_account(tmp_path, {"jwt_secret": "", "factory_api_key": ""}) == ["", ""]


def test_the_iam_role_uses_the_given_account_without_any_aws_call(tmp_path):
    data = render(tmp_path, {"iam_account_id": "210987654321", "iam_partition": "aws-cn"}, *tasks("iam", *IAM_TASKS),
                  out="{{ [iam__account_id, iam__partition, iam__caller is skipped] | to_json }}")
    assert data == ["210987654321", "aws-cn", True]


def test_the_managed_policy_of_the_execution_role_is_in_the_accounts_partition(tmp_path):
    data = render(tmp_path, {"iam_account_id": "210987654321", "iam_partition": "aws-cn"}, *tasks("iam", *IAM_TASKS),
                  out="{{ iam__execution_policy_arn | to_json }}", vars_files=["roles/iam/vars/main.yml"])
    assert data == "arn:aws-cn:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
