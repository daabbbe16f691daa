# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the roles send to AWS where only real AWS shows the difference, rendered by Ansible itself (no AWS call).

moto accepts an AAAA alias to an IPv4-only load balancer, a trust policy without conditions, a bucket policy without
a TLS condition and SSE-KMS under the AWS managed key; real AWS answers nothing, lets any account's tasks ask for the
roles, serves plain HTTP, or answers 403 to CloudFront.  A tiny playbook runs the jwtpizza role and the `validate`
entry points of the roles (public), then writes their rendered variables to a JSON file, which these tests read.
"""

from __future__ import annotations


import pytest

from role_playbook import ROOT, run_rendering
ACCOUNT = "123456789012"
REGION = "us-west-2"
DISTRIBUTION = f"arn:aws:cloudfront::{ACCOUNT}:distribution/E2QWRUHAPOMQZL"
ALB = "jwt-pizza-dev-alb-1234567890.us-west-2.elb.amazonaws.com"

PLAYBOOK = """
- name: Render what the roles send
  hosts: localhost
  gather_facts: false
  roles:
    - role: jwtpizza.cloud.jwtpizza
  tasks:
    - name: Check the bucket, IAM and load balancer input
      ansible.builtin.include_role:
        name: "jwtpizza.cloud.{{ edge_role }}"
        tasks_from: validate
        public: true
      loop: [bucket, iam, load_balancer]
      loop_control:
        loop_var: edge_role
    - name: Render the alias target of each kind of load balancer
      ansible.builtin.set_fact:
        aliases: "{{ aliases | default({}) | combine({item.type ~ ':' ~ item.dns: load_balancer__alias}) }}"
      vars:
        load_balancer__dns_name: "{{ item.dns }}"
        load_balancer__ip_address_type: "{{ item.type }}"
      loop: "{{ alias_cases }}"
    - name: Write the rendered values
      ansible.builtin.copy:
        content: "{{ {'execution_trust': iam__execution_trust_policy, 'task_trust': iam__task_trust_policy,
                      'bucket_policy': lookup('ansible.builtin.template', bucket_policy_template) | from_json,
                      'aliases': aliases} | to_json }}"
        dest: "{{ out }}"
        mode: "0600"
"""


def render(tmp_path, **extra):
    return run_rendering(tmp_path, PLAYBOOK, {
        "jwtpizza_project": "jwt-pizza", "jwtpizza_environment": "dev", "jwtpizza_domain": "jwtpizza.example.com",
        "jwtpizza_region": REGION, "iam__account_id": ACCOUNT, "iam__partition": "aws",
        "bucket_cloudfront_distribution_arns": [DISTRIBUTION],
        "bucket_policy_template": str(ROOT / "roles" / "bucket" / "templates" / "policy.json.j2"),
        "alias_cases": [{"type": "ipv4", "dns": ALB}, {"type": "dualstack", "dns": ALB}, {"type": "dualstack", "dns": ""}],
        **extra,
    })


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    run, data = render(tmp_path_factory.mktemp("edges"))
    assert run.returncode == 0, run.stdout + run.stderr
    return data


class TestLoadBalancerAlias:
    """Route 53: an alias to an ELB answers AAAA only through the dualstack. name of a dual-stack load balancer."""

    def test_an_ipv4_load_balancer_gets_an_a_record_only(self, rendered):
        assert rendered["aliases"][f"ipv4:{ALB}"] == {"dns_name": ALB, "record_types": ["A"]}

    def test_a_dual_stack_load_balancer_gets_a_and_aaaa_to_its_dualstack_name(self, rendered):
        assert rendered["aliases"][f"dualstack:{ALB}"] == {"dns_name": f"dualstack.{ALB}", "record_types": ["A", "AAAA"]}

    def test_a_load_balancer_still_to_be_created_stays_unknown(self, rendered):
        """In check mode of a new stack the name is empty: the dns role reports the records with an unknown target."""
        assert rendered["aliases"]["dualstack:"]["dns_name"] == ""

    def test_the_backend_maps_the_alias_target_to_the_dns_role(self):
        tasks = (ROOT / "roles" / "backend" / "tasks" / "present.yml").read_text()
        assert "dns_record_types: \"{{ load_balancer__alias_record_types | default(['A']) }}\"" in tasks
        assert "dns_target_dns_name: \"{{ load_balancer__alias_dns_name | default('') }}\"" in tasks


class TestTrustPolicies:
    """ECS developer guide, task IAM role: aws:SourceAccount / aws:SourceArn against the confused deputy."""

    def test_the_execution_role_trusts_ecs_tasks_of_this_account_only(self, rendered):
        (statement,) = rendered["execution_trust"]["Statement"]
        assert statement["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
        assert statement["Action"] == "sts:AssumeRole"
        assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}

    def test_the_task_role_trusts_this_accounts_ecs_resources_in_the_region(self, rendered):
        (statement,) = rendered["task_trust"]["Statement"]
        assert statement["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
        assert statement["Condition"] == {
            "StringEquals": {"aws:SourceAccount": ACCOUNT},
            "ArnLike": {"aws:SourceArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:*"},
        }


class TestBucket:
    def test_the_policy_denies_every_request_without_tls(self, rendered):
        bucket = "jwt-pizza-dev-frontend-jwtpizza-example-com"
        allow, deny = rendered["bucket_policy"]["Statement"]
        assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"} and allow["Effect"] == "Allow"
        assert deny == {
            "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }

    def test_sse_kms_is_refused_naming_the_variable(self, tmp_path):
        """CloudFront OAC cannot decrypt objects under the AWS managed key aws/s3 (its policy cannot be changed)."""
        run, _data = render(tmp_path, bucket_encryption="aws:kms")
        assert run.returncode != 0
        assert "bucket_encryption \"aws:kms\" is not offered: use AES256" in run.stdout, run.stdout[-3000:]
