"""Unit tests of the shared module base (plugins/module_utils/_aws.py)."""

import botocore.exceptions
import pytest

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _aws


def client_error(code, operation="DescribeThing"):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": code}}, operation)


class TestAwsCall:
    def test_returns_the_call_result(self):
        @_aws.aws_call("describe thing")
        def describe():
            return {"Thing": 1}

        assert describe() == {"Thing": 1}

    def test_missing_code_returns_none(self):
        @_aws.aws_call("describe thing", missing=("NoSuchThing",))
        def describe():
            raise client_error("NoSuchThing")

        assert describe() is None

    def test_other_error_becomes_typed_error_with_description(self):
        @_aws.aws_call("describe thing", missing=("NoSuchThing",))
        def describe():
            raise client_error("AccessDenied")

        with pytest.raises(_aws.JwtPizzaAWSError) as raised:
            describe()
        assert raised.value.message == "Failed to describe thing"
        assert _aws.error_code(raised.value) == "AccessDenied"

    def test_botocore_error_becomes_typed_error(self):
        @_aws.aws_call("describe thing")
        def describe():
            raise botocore.exceptions.EndpointConnectionError(endpoint_url="http://127.0.0.1:1")

        with pytest.raises(_aws.JwtPizzaAWSError, match="Failed to describe thing"):
            describe()

    @pytest.mark.parametrize("code", ["Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"])
    def test_throttling_is_retried(self, code, monkeypatch):
        monkeypatch.setattr("time.sleep", lambda _s: None)
        calls = []

        @_aws.aws_call("describe thing", delay=0.01, max_delay=0.01)
        def describe():
            calls.append(1)
            if len(calls) < 3:
                raise client_error(code)
            return "ok"

        assert describe() == "ok"
        assert len(calls) == 3

    def test_retries_give_up(self, monkeypatch):
        monkeypatch.setattr("time.sleep", lambda _s: None)
        calls = []

        @_aws.aws_call("describe thing", retries=2, delay=0.01, max_delay=0.01)
        def describe():
            calls.append(1)
            raise client_error("Throttling")

        with pytest.raises(_aws.JwtPizzaAWSError):
            describe()
        assert len(calls) == 2  # retries counts every attempt, the first included


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class TestWaitFor:
    def test_returns_value_when_done(self):
        states = iter(["PENDING", "PENDING", "ISSUED"])
        clock = FakeClock()

        def probe():
            state = next(states)
            return state == "ISSUED", state

        assert _aws.wait_for(probe, 60, 5, "it", sleep=clock.sleep, clock=clock) == "ISSUED"
        assert clock.now == 10

    def test_timeout_names_the_cause(self):
        clock = FakeClock()
        with pytest.raises(_aws.JwtPizzaTimeout) as raised:
            _aws.wait_for(
                lambda: (False, "PENDING_VALIDATION"),
                30,
                10,
                "certificate example.com to be ISSUED",
                explain=lambda state: f"status is {state}",
                sleep=clock.sleep,
                clock=clock,
            )
        message = str(raised.value)
        assert "Timed out after 30s waiting for certificate example.com to be ISSUED" in message
        assert "status is PENDING_VALIDATION" in message
        assert clock.now == 30

    def test_probes_once_even_with_zero_timeout(self):
        calls = []

        def probe():
            calls.append(1)
            return True, "done"

        assert _aws.wait_for(probe, 0, 1, "it") == "done"
        assert calls == [1]


class TestDiffOwned:
    def test_only_owned_and_given_fields(self):
        desired = {"PriceClass": "PriceClass_100", "Comment": None, "Enabled": True}
        current = {"PriceClass": "PriceClass_All", "Comment": "x", "Enabled": True, "Other": 1}
        assert _aws.diff_owned(desired, current, ["PriceClass", "Comment", "Enabled"]) == {
            "PriceClass": {"before": "PriceClass_All", "after": "PriceClass_100"}
        }

    def test_no_current_means_everything_differs(self):
        assert _aws.diff_owned({"A": 1}, None, ["A"]) == {"A": {"before": None, "after": 1}}


def test_user_agent_names_the_collection(monkeypatch):
    captured = {}

    def fake_client(self, service, retry_decorator=None, **extra):
        captured.update(extra)
        return "client"

    monkeypatch.setattr(_aws.AnsibleAWSModule, "client", fake_client)
    module = object.__new__(_aws.JwtPizzaModule)
    assert module.client("s3") == "client"
    assert "jwtpizza.cloud/" in captured["config"].user_agent_extra
