# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the backend role passes to the container and grants the execution role, rendered by Ansible (no AWS call).

A tiny playbook loads the backend and iam roles' internal variables with the facts the secrets (and database) roles
publish, feeds the backend's secret ARNs to the iam role's variables as backend/tasks/present.yml does, and writes
the rendered values to a JSON file.
"""

from __future__ import annotations


from role_playbook import ROOT, run_rendering
ACCOUNT = "123456789012"
REGION = "us-west-2"
JWT = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:jwt-pizza-dev/jwt-signing-key-AbCdEf"
FACTORY = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:jwt-pizza-dev/factory-api-key-GhIjKl"
DB = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:rds!db-0123-MnOpQr"
KMS = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SSM = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/jwt-pizza/extra"

PLAYBOOK = """
- name: Render the backend's secrets and the execution role's policy
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Load the backend and iam internal variables
      ansible.builtin.include_vars:
        file: "{{ item }}"
      loop:
        - "{{ root }}/roles/backend/vars/main.yml"
        - "{{ root }}/roles/iam/vars/main.yml"
        - "{{ root }}/roles/backend/defaults/main.yml"
    - name: Write what the container and the execution role get
      ansible.builtin.copy:
        content: "{{ {'secrets': backend__app_secrets, 'environment': backend__app_environment,
                      'arns': backend__secret_arns, 'policy': iam__secrets_policy} | to_json }}"
        dest: "{{ out }}"
        mode: "0600"
      vars:
        iam_secret_arns: "{{ backend__secret_arns }}"
        iam_secret_kms_key_arns: "{{ backend__secret_kms_key_arns }}"
"""


def render(tmp_path, **facts):
    run, data = run_rendering(tmp_path, PLAYBOOK, {"root": str(ROOT), **facts})
    assert run.returncode == 0, run.stdout + run.stderr
    return data


def test_the_app_secrets_go_by_arn_and_the_role_reads_exactly_them(tmp_path):
    data = render(tmp_path, secrets__arns={"jwt_secret": JWT, "factory_api_key": FACTORY})
    assert data["secrets"] == {"JWT_SECRET": JWT, "FACTORY_API_KEY": FACTORY}
    assert data["environment"] == {"FACTORY_URL": "https://pizza-factory.cs329.click"}
    (statement,) = data["policy"]["Statement"]
    assert statement["Action"] == ["secretsmanager:GetSecretValue"]
    assert sorted(statement["Resource"]) == sorted([JWT + "*", FACTORY + "*"])


def test_the_database_adds_its_password_by_json_key_and_its_plain_settings(tmp_path):
    data = render(
        tmp_path, secrets__arns={"jwt_secret": JWT, "factory_api_key": FACTORY}, database_enabled=True,
        database__endpoint="db.example.internal", database__port=3306, database__name="pizza",
        database__username="admin", database__secret_arn=DB,
    )
    assert data["secrets"]["DB_PASSWORD"] == DB + ":password::"
    assert data["environment"] == {"FACTORY_URL": "https://pizza-factory.cs329.click", "DB_HOST": "db.example.internal",
                                   "DB_USER": "admin", "DB_NAME": "pizza"}
    (statement,) = data["policy"]["Statement"]
    # IAM matches the secret's own ARN: the JSON key suffix is not part of the resource.
    assert sorted(statement["Resource"]) == sorted([JWT + "*", FACTORY + "*", DB + "*"])


def test_without_database_enabled_its_facts_are_not_passed(tmp_path):
    data = render(tmp_path, secrets__arns={"jwt_secret": JWT, "factory_api_key": FACTORY}, database__secret_arn=DB,
                  database__endpoint="db.example.internal")
    assert "DB_PASSWORD" not in data["secrets"] and "DB_HOST" not in data["environment"]


def test_nothing_known_yet_passes_nothing_and_grants_no_statement(tmp_path):
    data = render(tmp_path, backend_factory_url="")
    assert (data["secrets"], data["environment"], data["arns"]) == ({}, {}, [])
    assert data["policy"]["Statement"] == []


def test_a_customer_key_is_decryptable_and_user_secrets_are_read_too(tmp_path):
    data = render(tmp_path, secrets__arns={"jwt_secret": JWT, "factory_api_key": FACTORY}, secrets__kms_key_arn=KMS,
                  service_secrets={"EXTRA": SSM, "JWT_SECRET": JWT})
    by_sid = {s["Sid"]: s for s in data["policy"]["Statement"]}
    assert by_sid["DecryptSecrets"]["Action"] == ["kms:Decrypt"] and by_sid["DecryptSecrets"]["Resource"] == [KMS]
    assert by_sid["ReadParameters"]["Resource"] == [SSM]
    assert sorted(by_sid["ReadSecrets"]["Resource"]) == sorted([JWT + "*", FACTORY + "*"])
