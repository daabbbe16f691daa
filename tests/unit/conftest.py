"""Shared fixtures of the unit tests: an in-process moto account, a module runner, an API call recorder, lost answers, Stubber clients."""

from __future__ import annotations

import contextlib

import boto3
import botocore.client
import botocore.loaders
import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from moto import mock_aws

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule

REGION = "us-east-1"


class ModuleExit(Exception):
    """Raised instead of exiting the process: carries the module's result."""

    def __init__(self, result, failed):
        super().__init__(result)
        self.result = result
        self.failed = failed


@pytest.fixture
def aws_region():
    """The region of the dummy account; a test file defines its own `aws_region` fixture to work in another."""
    return REGION


@pytest.fixture
def aws_env(monkeypatch, aws_region):
    """Dummy credentials and a region in the environment, no endpoint override nor profile: nothing reaches a real account."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": aws_region,
        "AWS_DEFAULT_REGION": aws_region,
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def moto_aws(aws_env):
    """An empty in-process AWS account (moto) reached through the default credential chain."""
    with mock_aws():
        yield


@pytest.fixture
def module_exit(monkeypatch):
    """module_exit(module, args, check_mode=False) -> ModuleExit: how module.main() ended, with .result and .failed."""

    def exit_json(self, **kwargs):
        raise ModuleExit(kwargs, failed=False)

    def fail_json(self, **kwargs):
        raise ModuleExit(kwargs, failed=True)

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)

    def run(module, args, check_mode=False):
        args = dict(args)
        if check_mode:
            args["_ansible_check_mode"] = True
        with patch_module_args(args), pytest.raises(ModuleExit) as raised:
            module.main()
        return raised.value

    return run


@pytest.fixture
def run_module(module_exit):
    """run_module(module, args, check_mode=False, diff=False) -> (result, failed)."""

    def run(module, args, check_mode=False, diff=False):
        ended = module_exit(module, dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff))
        return ended.result, ended.failed

    return run


@pytest.fixture
def api_calls(monkeypatch):
    """Every AWS operation made, as a list of (operation name, parameters)."""
    made = []
    original = botocore.client.BaseClient._make_api_call

    def record(self, operation, params):
        made.append((operation, params))
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", record)
    return made


@pytest.fixture
def lost_answers(api_calls, monkeypatch):
    """lost_answers(operation, lost=1, before=None) -> answered: the next call of ``operation`` first runs ``before()``
    (another writer, between the module's read and its write), then reaches AWS ``lost`` times without its answer,
    then once more; the caller gets that last try's answer or error, as when botocore retries a connection closed after
    the request reached AWS.  ``answered`` gets the error code of that last try ('' for a success).  Every try is
    recorded in api_calls.  Use it with moto (``moto_aws``): each try is a real write there."""
    plans = {}
    inner = botocore.client.BaseClient._make_api_call

    def call(self, operation, params):
        if operation not in plans:
            return inner(self, operation, params)
        lost, before, answered = plans.pop(operation)
        if before:
            before()
        for _lost in range(lost):
            with contextlib.suppress(ClientError):
                inner(self, operation, params)
        try:
            answer = inner(self, operation, params)
        except ClientError as exc:
            answered.append(exc.response["Error"]["Code"])
            raise
        answered.append("")
        return answer

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", call)

    def plan(operation, lost=1, before=None):
        plans[operation] = (lost, before, [])
        return plans[operation][2]

    return plan


@pytest.fixture
def stubbed_clients(aws_env, monkeypatch):
    """stubbed_clients(*services) -> {service: active Stubber}: the module's clients answer from these, never from AWS.

    For what moto drops: add the expected requests and their responses to the Stubbers, run the module,
    then assert_no_pending_responses() on each.
    """

    def stub(*services):
        clients = {service: boto3.client(service) for service in services}
        monkeypatch.setattr(JwtPizzaModule, "client", lambda self, name, **kwargs: clients[name])
        stubs = {service: Stubber(client) for service, client in clients.items()}
        for stubber in stubs.values():
            stubber.activate()
        return stubs

    return stub


@pytest.fixture(scope="module")
def shared_botocore_models():
    """Service models parsed once per test file instead of once per module run (each run makes a new boto3 session).

    botocore's loader caches per instance and hands out the same objects to every caller, who must not change
    them; sharing them between loaders only widens that cache.  Opt in with ``pytestmark``.
    """
    cache = {}
    originals = {name: getattr(botocore.loaders.Loader, name) for name in ("load_service_model", "load_data")}

    def shared(name):
        original = originals[name]

        def load(self, *args, **kwargs):
            key = (name, args, tuple(sorted(kwargs.items())))
            if key not in cache:
                cache[key] = original(self, *args, **kwargs)
            return cache[key]

        return load

    with pytest.MonkeyPatch.context() as patch:
        for name in originals:
            patch.setattr(botocore.loaders.Loader, name, shared(name))
        yield
