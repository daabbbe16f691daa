# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.iam_oidc_provider against moto's in-process IAM (and a Stubber for a race)."""

from __future__ import annotations

import boto3
import pytest

from ansible_collections.jwtpizza.cloud.plugins.modules import iam_oidc_provider

URL = "https://token.actions.githubusercontent.com"
HOST = "token.actions.githubusercontent.com"
ARN = f"arn:aws:iam::123456789012:oidc-provider/{HOST}"
TAGS = {"Project": "jwt-pizza", "Environment": "dev", "ManagedBy": "jwtpizza.cloud"}
THUMB = "6938fd4d98bab03faadb97b34396831e3780aea1"
WRITES = {
    "CreateOpenIDConnectProvider",
    "AddClientIDToOpenIDConnectProvider",
    "RemoveClientIDFromOpenIDConnectProvider",
    "UpdateOpenIDConnectProviderThumbprint",
    "TagOpenIDConnectProvider",
    "UntagOpenIDConnectProvider",
    "DeleteOpenIDConnectProvider",
}


def writes(api_calls):
    return [name for name, _params in api_calls if name in WRITES]


def args(**extra):
    return {"url": URL, "client_id_list": ["sts.amazonaws.com"], "tags": dict(TAGS), **extra}


def iam():
    return boto3.client("iam")


def providers():
    return [p["Arn"] for p in iam().list_open_id_connect_providers()["OpenIDConnectProviderList"]]


def read(arn):
    raw = iam().get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    tags = iam().list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)["Tags"]
    return sorted(raw["ClientIDList"]), sorted(raw.get("ThumbprintList", [])), {t["Key"]: t["Value"] for t in tags}


@pytest.fixture
def create(run_module):
    def run(**extra):
        result, failed = run_module(iam_oidc_provider, args(**extra))
        assert not failed, result
        return result

    return run


@pytest.mark.usefixtures("moto_aws")
class TestWithMoto:
    def test_create_with_audience_and_tags_in_one_call(self, run_module, api_calls):
        result, failed = run_module(iam_oidc_provider, args(), diff=True)
        assert not failed, result
        assert result["changed"] is True
        assert writes(api_calls) == ["CreateOpenIDConnectProvider"]
        params = next(p for name, p in api_calls if name == "CreateOpenIDConnectProvider")
        assert "ThumbprintList" not in params
        (arn,) = providers()
        assert arn.endswith(f":oidc-provider/{HOST}")
        assert read(arn) == (["sts.amazonaws.com"], [], TAGS)
        assert result["provider"] == {
            "arn": arn, "url": URL, "client_id_list": ["sts.amazonaws.com"], "thumbprint_list": [], "tags": TAGS,
        }
        assert result["diff"]["after"]["client_id_list"] == ["sts.amazonaws.com"]

    def test_second_run_finds_it_and_writes_nothing(self, create, run_module, api_calls):
        first = create()
        api_calls.clear()
        result, failed = run_module(iam_oidc_provider, args(url=URL + "/"))
        assert not failed, result
        assert result["changed"] is False
        assert writes(api_calls) == []
        assert result["provider"]["arn"] == first["provider"]["arn"]

    def test_check_mode_creates_nothing(self, run_module):
        result, failed = run_module(iam_oidc_provider, args(), check_mode=True, diff=True)
        assert not failed, result
        assert result["changed"] is True
        assert result["provider"] == {}
        assert result["diff"]["after"]["tags"] == TAGS
        assert providers() == []

    def test_thumbprints_and_tags_converge(self, create, run_module, api_calls):
        # moto 5.2.5 implements neither AddClientID nor RemoveClientID: the audiences are the Stubber test's.
        arn = create(tags={**TAGS, "Stale": "x"})["provider"]["arn"]
        api_calls.clear()
        wanted = args(thumbprint_list=[THUMB.upper()], tags={**TAGS, "Owner": "pizza-team"})
        result, failed = run_module(iam_oidc_provider, wanted, diff=True)
        assert not failed, result
        assert result["changed"] is True
        assert sorted(writes(api_calls)) == [
            "TagOpenIDConnectProvider", "UntagOpenIDConnectProvider", "UpdateOpenIDConnectProviderThumbprint",
        ]
        assert read(arn) == (["sts.amazonaws.com"], [THUMB], {**TAGS, "Owner": "pizza-team"})
        assert result["diff"]["before"]["tags"] == {**TAGS, "Stale": "x"}
        assert result["diff"]["after"]["tags"] == {**TAGS, "Owner": "pizza-team"}
        assert result["diff"]["after"]["thumbprint_list"] == [THUMB]
        api_calls.clear()
        again, _failed = run_module(iam_oidc_provider, wanted)
        assert again["changed"] is False and writes(api_calls) == []

    def test_unset_thumbprints_and_kept_audiences_are_left_alone(self, create, run_module, api_calls):
        arn = create(thumbprint_list=[THUMB], client_id_list=["a", "b"])["provider"]["arn"]
        api_calls.clear()
        result, _failed = run_module(iam_oidc_provider, args(client_id_list=["a"], purge_client_id_list=False))
        assert result["changed"] is False and writes(api_calls) == []
        assert read(arn)[:2] == (["a", "b"], [THUMB])

    def test_check_mode_update_writes_nothing(self, create, run_module, api_calls):
        arn = create()["provider"]["arn"]
        api_calls.clear()
        result, _failed = run_module(iam_oidc_provider, args(client_id_list=["other"]), check_mode=True)
        assert result["changed"] is True
        assert result["provider"]["client_id_list"] == ["other"]
        assert writes(api_calls) == []
        assert read(arn)[0] == ["sts.amazonaws.com"]

    def test_absent_deletes_an_owned_provider(self, create, run_module):
        create()
        result, failed = run_module(iam_oidc_provider, {"url": URL, "owner_tags": TAGS, "state": "absent"}, diff=True)
        assert not failed, result
        assert result["changed"] is True and result["provider"] == {}
        assert result["diff"]["before"]["tags"] == TAGS
        assert providers() == []
        again, _failed = run_module(iam_oidc_provider, {"url": URL, "state": "absent"})
        assert again["changed"] is False

    def test_absent_leaves_a_provider_of_another_environment(self, create, run_module, api_calls):
        create(tags={**TAGS, "Environment": "prod"})
        api_calls.clear()
        result, failed = run_module(iam_oidc_provider, {"url": URL, "owner_tags": TAGS, "state": "absent"})
        assert not failed, result
        assert result["changed"] is False
        (warning,) = [w for w in result.get("warnings", []) if "left in place" in w]
        assert "does not carry the owner tags {'Environment': 'dev'}" in warning, warning
        assert writes(api_calls) == []
        assert len(providers()) == 1

    def test_absent_leaves_an_untagged_provider_by_default_and_force_deletes_it(self, create, run_module):
        create(tags={})
        result, _failed = run_module(iam_oidc_provider, {"url": URL, "state": "absent"})
        assert result["changed"] is False and len(providers()) == 1
        result, _failed = run_module(iam_oidc_provider, {"url": URL, "state": "absent", "force": True})
        assert result["changed"] is True and providers() == []

    def test_present_uses_a_provider_of_another_environment_without_taking_it(self, create, run_module, api_calls):
        prod = {**TAGS, "Environment": "prod"}
        arn = create(tags=prod)["provider"]["arn"]
        api_calls.clear()
        result, failed = run_module(iam_oidc_provider, args(owner_tags=TAGS))
        assert not failed, result
        assert result["changed"] is False
        assert writes(api_calls) == []
        assert read(arn) == (["sts.amazonaws.com"], [], prod)
        assert any("used as it is" in w for w in result.get("warnings", []))

    def test_absent_in_check_mode_deletes_nothing(self, create, run_module):
        create()
        result, _failed = run_module(iam_oidc_provider, {"url": URL, "state": "absent"}, check_mode=True)
        assert result["changed"] is True and len(providers()) == 1

    def test_other_providers_are_not_mistaken_for_this_one(self, create, run_module):
        iam().create_open_id_connect_provider(Url="https://token.actions.githubusercontent.com/extra", ClientIDList=["x"])
        result = create()
        assert result["changed"] is True
        assert result["provider"]["arn"].endswith(f":oidc-provider/{HOST}")
        assert len(providers()) == 2


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"url": "http://token.actions.githubusercontent.com"}, "url must be https://"),
        ({"thumbprint_list": ["not-a-thumbprint"]}, "40 hexadecimal digits"),
    ],
)
def test_bad_input_fails_before_any_call(stubbed_clients, run_module, extra, message):
    stubs = stubbed_clients("iam")
    result, failed = run_module(iam_oidc_provider, args(**extra))
    assert failed and message in result["msg"]
    stubs["iam"].assert_no_pending_responses()


def test_entity_already_exists_on_create_reads_the_provider_of_the_concurrent_run(stubbed_clients, run_module):
    stubs = stubbed_clients("iam")
    iam_stub = stubs["iam"]
    iam_stub.add_response("list_open_id_connect_providers", {"OpenIDConnectProviderList": []})
    iam_stub.add_client_error(
        "create_open_id_connect_provider", "EntityAlreadyExists", "Provider with url already exists.", 409,
        expected_params={"Url": URL, "ClientIDList": ["sts.amazonaws.com"],
                         "Tags": [{"Key": k, "Value": v} for k, v in TAGS.items()]},
    )
    iam_stub.add_response("list_open_id_connect_providers", {"OpenIDConnectProviderList": [{"Arn": ARN}]})
    iam_stub.add_response("get_open_id_connect_provider", {"Url": HOST, "ClientIDList": ["sts.amazonaws.com"]},
                          {"OpenIDConnectProviderArn": ARN})
    iam_stub.add_response("list_open_id_connect_provider_tags",
                          {"Tags": [{"Key": k, "Value": v} for k, v in TAGS.items()], "IsTruncated": False})
    result, failed = run_module(iam_oidc_provider, args())
    assert not failed, result
    assert result["changed"] is False
    assert result["provider"]["arn"] == ARN
    iam_stub.assert_no_pending_responses()


def test_other_create_errors_fail_with_the_cause(stubbed_clients, run_module):
    stubs = stubbed_clients("iam")
    stubs["iam"].add_response("list_open_id_connect_providers", {"OpenIDConnectProviderList": []})
    stubs["iam"].add_client_error("create_open_id_connect_provider", "LimitExceeded", "Too many providers.", 409)
    result, failed = run_module(iam_oidc_provider, args())
    assert failed
    assert "Failed to create OIDC provider" in result["msg"] and "Too many providers" in result["msg"]


def provider_reads(stub, client_ids, tags):
    stub.add_response("list_open_id_connect_providers", {"OpenIDConnectProviderList": [{"Arn": ARN}]})
    stub.add_response("get_open_id_connect_provider", {"Url": HOST, "ClientIDList": client_ids},
                      {"OpenIDConnectProviderArn": ARN})
    stub.add_response("list_open_id_connect_provider_tags",
                      {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()], "IsTruncated": False})


def test_audiences_are_added_and_removed_one_by_one(stubbed_clients, run_module):
    stub = stubbed_clients("iam")["iam"]
    provider_reads(stub, ["old-audience", "sts.amazonaws.com"], TAGS)
    stub.add_response("add_client_id_to_open_id_connect_provider", {},
                      {"OpenIDConnectProviderArn": ARN, "ClientID": "new-audience"})
    stub.add_response("remove_client_id_from_open_id_connect_provider", {},
                      {"OpenIDConnectProviderArn": ARN, "ClientID": "old-audience"})
    result, failed = run_module(iam_oidc_provider, args(client_id_list=["sts.amazonaws.com", "new-audience"]), diff=True)
    assert not failed, result
    assert result["changed"] is True
    assert result["provider"]["client_id_list"] == ["new-audience", "sts.amazonaws.com"]
    assert result["diff"]["before"]["client_id_list"] == ["old-audience", "sts.amazonaws.com"]
    stub.assert_no_pending_responses()


def test_a_provider_of_another_environment_gets_the_audience_but_keeps_its_own_and_its_tags(stubbed_clients, run_module):
    stub = stubbed_clients("iam")["iam"]
    provider_reads(stub, ["prod-audience"], {**TAGS, "Environment": "prod"})
    stub.add_response("add_client_id_to_open_id_connect_provider", {},
                      {"OpenIDConnectProviderArn": ARN, "ClientID": "sts.amazonaws.com"})
    result, failed = run_module(iam_oidc_provider, args(owner_tags=TAGS))
    assert not failed, result
    assert result["changed"] is True
    assert result["provider"]["client_id_list"] == ["prod-audience", "sts.amazonaws.com"]
    assert result["provider"]["tags"]["Environment"] == "prod"
    stub.assert_no_pending_responses()
