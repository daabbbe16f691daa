# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ci_access role's trust and permission policies, rendered by Ansible itself (no AWS call).

A tiny playbook runs the jwtpizza role and the ci_access role's `validate` entry point with a fixed account id,
then writes the role's rendered variables to a JSON file, which these tests read.
"""

from __future__ import annotations


import pytest

from role_playbook import run_rendering
ACCOUNT = "123456789012"
REGION = "us-west-2"
PREFIX = "jwt-pizza-dev"
DISTRIBUTION = f"arn:aws:cloudfront::{ACCOUNT}:distribution/E2QWRUHAPOMQZL"
REPOSITORIES = ["acme/jwt-pizza", "acme/jwt-pizza-service"]
HOST = "token.actions.githubusercontent.com"

# What the deploy modules call, as the brief of the deploy flows lists it: an independent copy, so that a change of
# the role's documented list (vars/main.yml) shows up here as a failure to look at.
EXPECTED_ACTIONS = {
    "s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectTagging", "s3:PutObjectTagging",
    "cloudfront:ListDistributions", "cloudfront:CreateInvalidation", "cloudfront:GetInvalidation",
    "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload",
    "ecr:PutImage", "ecr:BatchGetImage", "ecr:DescribeImages", "ecr:DescribeRepositories",
    "ecs:DescribeServices", "ecs:UpdateService", "ecs:TagResource", "ecs:DescribeTaskDefinition",
    "ecs:RegisterTaskDefinition", "ecs:ListTaskDefinitions", "ecs:DeregisterTaskDefinition", "ecs:DeleteTaskDefinitions",
    "ecs:ListTasks", "ecs:DescribeTasks", "iam:PassRole",
    "application-autoscaling:RegisterScalableTarget", "application-autoscaling:DescribeScalableTargets",
    "application-autoscaling:DescribeScalingPolicies",
}
# Actions that AWS authorises only on "*" (Service Authorization Reference: no resource types).
WILDCARD_ONLY = {
    "cloudfront:ListDistributions", "ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition", "ecs:ListTaskDefinitions",
    "ecs:DeregisterTaskDefinition", "ecs:ListTasks",
    "application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies",
}

PLAYBOOK = """
- name: Render the ci_access policies
  hosts: localhost
  gather_facts: false
  roles:
    - role: jwtpizza.cloud.jwtpizza
  tasks:
    - name: Check the CI access input
      ansible.builtin.include_role:
        name: jwtpizza.cloud.ci_access
        tasks_from: validate
        public: true
    - name: Write the rendered policies
      ansible.builtin.copy:
        content: "{{ {'trust': ci_access__trust_policy, 'policy': ci_access__policy, 'actions': ci_access__actions,
                      'wildcard_actions': ci_access__wildcard_actions} | to_json }}"
        dest: "{{ out }}"
        mode: "0600"
"""


def render(tmp_path, **extra):
    return run_rendering(tmp_path, PLAYBOOK, {
        "jwtpizza_project": "jwt-pizza", "jwtpizza_environment": "dev", "jwtpizza_domain": "jwtpizza.example.com",
        "jwtpizza_region": REGION, "jwtpizza_ci_repositories": REPOSITORIES,
        "ci_access_distribution_arn": DISTRIBUTION, "ci_access__account_id": ACCOUNT, "ci_access__partition": "aws",
        **extra,
    })


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    run, data = render(tmp_path_factory.mktemp("ci_access"))
    assert run.returncode == 0, run.stdout + run.stderr
    return data


def statements(policy):
    return policy["Statement"]


def as_list(value):
    return value if isinstance(value, list) else [value]


def test_trust_only_the_configured_branches_of_the_configured_repositories(rendered):
    (statement,) = statements(rendered["trust"])
    assert statement["Effect"] == "Allow"
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"] == {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{HOST}"}
    assert set(statement["Condition"]) == {"StringEquals"}
    condition = statement["Condition"]["StringEquals"]
    assert condition[f"{HOST}:aud"] == "sts.amazonaws.com"
    assert sorted(as_list(condition[f"{HOST}:sub"])) == [
        "repo:acme/jwt-pizza-service:ref:refs/heads/main",
        "repo:acme/jwt-pizza:ref:refs/heads/main",
    ]
    assert set(condition) == {f"{HOST}:aud", f"{HOST}:sub"}
    assert not any("*" in s or "?" in s for s in as_list(condition[f"{HOST}:sub"]))


def test_the_branch_is_configurable(tmp_path):
    run, data = render(tmp_path, ci_access_branch="release")
    assert run.returncode == 0, run.stdout + run.stderr
    subjects = statements(data["trust"])[0]["Condition"]["StringEquals"][f"{HOST}:sub"]
    assert sorted(as_list(subjects)) == sorted(f"repo:{r}:ref:refs/heads/release" for r in REPOSITORIES)


def test_the_policy_grants_exactly_the_documented_actions(rendered):
    granted = {a for s in statements(rendered["policy"]) for a in as_list(s["Action"])}
    assert set(rendered["actions"]) == EXPECTED_ACTIONS
    assert len(rendered["actions"]) == len(set(rendered["actions"]))
    assert granted == set(rendered["actions"])
    assert all(s["Effect"] == "Allow" for s in statements(rendered["policy"]))
    assert "ecr:GetAuthorizationToken" not in granted
    assert not any("*" in a for a in granted)


def test_no_wildcard_resource_except_where_aws_requires_it(rendered):
    assert set(rendered["wildcard_actions"]) == WILDCARD_ONLY
    for statement in statements(rendered["policy"]):
        resources = as_list(statement["Resource"])
        if "*" in resources:
            assert resources == ["*"]
            assert set(as_list(statement["Action"])) <= WILDCARD_ONLY, statement["Sid"]
        else:
            for resource in resources:
                assert resource.startswith("arn:aws:"), (statement["Sid"], resource)
                assert resource.split(":")[4] in ("", ACCOUNT), (statement["Sid"], resource)


def test_every_resource_is_this_environments(rendered):
    by_sid = {s["Sid"]: s for s in statements(rendered["policy"])}
    bucket = f"arn:aws:s3:::{PREFIX}-frontend-jwtpizza-example-com"
    ecs = f"arn:aws:ecs:{REGION}:{ACCOUNT}"
    assert by_sid["ListTheSiteBucket"]["Resource"] == [bucket]
    assert by_sid["SyncTheSiteObjects"]["Resource"] == [f"{bucket}/*"]
    assert by_sid["InvalidateTheDistribution"]["Resource"] == [DISTRIBUTION]
    assert by_sid["PushTheImage"]["Resource"] == [f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{PREFIX}-service"]
    assert by_sid["RollOutTheService"]["Resource"] == [f"{ecs}:service/{PREFIX}-cluster/{PREFIX}-service"]
    assert by_sid["TagTheTaskDefinitionsOfTheFamily"]["Resource"] == [f"{ecs}:task-definition/{PREFIX}-service:*"]
    assert by_sid["ListTheTasksOfTheCluster"]["Condition"] == {"ArnEquals": {"ecs:cluster": f"{ecs}:cluster/{PREFIX}-cluster"}}
    assert by_sid["DescribeTheTasksOfTheCluster"]["Resource"] == [f"{ecs}:task/{PREFIX}-cluster/*"]
    assert sorted(by_sid["PassTheTaskRolesToECS"]["Resource"]) == [
        f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-ecs-execution", f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-ecs-task",
    ]
    assert by_sid["PassTheTaskRolesToECS"]["Condition"] == {
        "StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}
    }
    assert by_sid["SetTheAutoscalingMinimum"]["Resource"] == [
        f"arn:aws:application-autoscaling:{REGION}:{ACCOUNT}:scalable-target/*"
    ]


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"jwtpizza_ci_repositories": ["acme/*"]}, "ci_access_repositories must be"),
        ({"jwtpizza_ci_repositories": []}, "ci_access_repositories must be"),
        ({"ci_access_branch": "*"}, "ci_access_branch must be"),
        ({"ci_access_distribution_arn": "E2QWRUHAPOMQZL"}, "ci_access_distribution_arn must be"),
    ],
)
def test_validate_rejects_wildcards_and_bad_arns(tmp_path, extra, message):
    run, _data = render(tmp_path, **extra)
    assert run.returncode != 0
    assert message in run.stdout
