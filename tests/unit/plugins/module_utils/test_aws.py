"""Unit tests of the shared module base (plugins/module_utils/_aws.py)."""

import botocore.exceptions
import pytest

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _aws


def client_error(code, operation="DescribeThing"):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": code}}, operation)


class ThingErrors(_aws.JwtPizzaErrors):
    MISSING = ("NoSuchThing",)


@pytest.fixture
def no_sleep(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda _s: None)


class TestErrorHandlers:
    def test_call_returns_the_call_result(self):
        @ThingErrors.call("describe thing")
        def describe():
            return {"Thing": 1}

        assert describe() == {"Thing": 1}
        assert describe.__name__ == "describe"

    def test_lookup_returns_none_when_missing(self):
        @ThingErrors.lookup("describe thing")
        def describe():
            raise client_error("NoSuchThing")

        assert describe() is None

    def test_lookup_returns_its_default_when_missing(self):
        @ThingErrors.lookup("list things", default=[])
        def describe():
            raise client_error("NoSuchThing")

        assert describe() == []

    def test_delete_returns_false_when_already_gone(self):
        @ThingErrors.delete("delete thing")
        def delete():
            raise client_error("NoSuchThing")

        assert delete() is False

    def test_call_raises_even_for_a_missing_code(self):
        @ThingErrors.call("update thing")
        def update():
            raise client_error("NoSuchThing")

        with pytest.raises(_aws.JwtPizzaAWSError) as raised:
            update()
        assert raised.value.message == "Failed to update thing"
        assert _aws.error_code(raised.value) == "NoSuchThing"

    @pytest.mark.parametrize("decorate", ["call", "lookup", "delete"])
    def test_other_error_becomes_typed_error_with_description(self, decorate):
        @getattr(ThingErrors, decorate)("describe thing")
        def describe():
            raise client_error("AccessDenied")

        with pytest.raises(_aws.JwtPizzaAWSError) as raised:
            describe()
        assert raised.value.message == "Failed to describe thing"
        assert _aws.error_code(raised.value) == "AccessDenied"

    def test_botocore_error_becomes_typed_error(self):
        @ThingErrors.lookup("describe thing")
        def describe():
            raise botocore.exceptions.EndpointConnectionError(endpoint_url="http://127.0.0.1:1")

        with pytest.raises(_aws.JwtPizzaAWSError, match="Failed to describe thing"):
            describe()

    @pytest.mark.parametrize("decorate", ["call", "lookup", "delete"])
    @pytest.mark.parametrize("code", ["Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"])
    def test_throttling_is_retried(self, code, decorate, no_sleep):
        calls = []

        @getattr(ThingErrors, decorate)("describe thing", delay=0.01, max_delay=0.01)
        def describe():
            calls.append(1)
            if len(calls) < 3:
                raise client_error(code)
            return "ok"

        assert describe() == "ok"
        assert len(calls) == 3

    def test_retries_give_up(self, no_sleep):
        calls = []

        @ThingErrors.call("describe thing", retries=2, delay=0.01, max_delay=0.01)
        def describe():
            calls.append(1)
            raise client_error("Throttling")

        with pytest.raises(_aws.JwtPizzaAWSError, match="Failed to describe thing"):
            describe()
        assert len(calls) == 2  # retries counts every attempt, the first included

    def test_missing_is_not_retried(self, no_sleep):
        calls = []

        @ThingErrors.lookup("describe thing")
        def describe():
            calls.append(1)
            raise client_error("NoSuchThing")

        assert describe() is None
        assert calls == [1]

    def test_ecs_client_exception_is_not_missing(self):
        """ECS's catch-all ClientException (bad parameters, ...) must never read as "the resource is gone"."""

        @_aws.ECSErrors.lookup("describe the service")
        def describe():
            raise client_error("ClientException")

        with pytest.raises(_aws.JwtPizzaAWSError, match="Failed to describe the service"):
            describe()
        assert _aws.ECSErrors.is_missing(client_error("ServiceNotFoundException"))
        assert not _aws.ECSErrors.is_missing(client_error("ClientException"))

    @pytest.mark.parametrize(
        "handler, code",
        [
            (_aws.ACMErrors, "ResourceNotFoundException"),
            (_aws.Route53Errors, "NoSuchHostedZone"),
            (_aws.CloudFrontErrors, "NoSuchDistribution"),
            (_aws.CloudFrontErrors, "NoSuchOriginAccessControl"),
            (_aws.ECSErrors, "ClusterNotFoundException"),
            (_aws.ECRErrors, "RepositoryNotFoundException"),
            (_aws.ECRErrors, "LifecyclePolicyNotFoundException"),
            (_aws.EC2Errors, "InvalidVpcID.NotFound"),
            (_aws.ELBv2Errors, "LoadBalancerNotFound"),
            (_aws.S3Errors, "NoSuchBucket"),
            (_aws.IAMErrors, "NoSuchEntity"),
            (_aws.ApplicationAutoScalingErrors, "ObjectNotFoundException"),
            (_aws.SecretsManagerErrors, "ResourceNotFoundException"),
        ],
    )
    def test_each_service_knows_its_missing_codes(self, handler, code):
        @handler.lookup("read it")
        def read():
            raise client_error(code)

        assert read() is None
        assert handler._CUSTOM_EXCEPTION is _aws.JwtPizzaAWSError


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

    def test_a_schedule_gives_each_pause_from_the_time_waited(self):
        clock, seen = FakeClock(), []

        def schedule(waited):
            seen.append(waited)
            return 1 if waited < 3 else 4

        with pytest.raises(_aws.JwtPizzaTimeout):
            _aws.wait_for(lambda: (False, None), 12, schedule, "it", sleep=clock.sleep, clock=clock)
        assert seen == [0, 1, 2, 3, 7, 11] and clock.now == 12

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

    def test_records_the_differences_in_a_tracker(self):
        tracker = _aws.DiffTracker()
        _aws.diff_owned({"A": 1, "B": 2}, {"A": 1, "B": 3}, ["A", "B"], tracker)
        assert tracker.get_before_after() == ({"B": 3}, {"B": 2})


class FakeModule:
    def __init__(self, diff):
        self._diff = diff


class TestDiffTracker:
    def test_before_after_and_differences(self):
        tracker = _aws.DiffTracker()
        assert tracker.empty and not tracker.has_differences
        tracker.add("same", 1, 1)
        assert not tracker.empty and not tracker.has_differences
        tracker.add("tags", {"a": "1"}, {"a": "2"})
        assert tracker.has_differences
        assert tracker.has_difference_for("tags") and not tracker.has_difference_for("same")
        assert not tracker.has_difference_for("unknown")
        assert tracker.get_before_after() == ({"same": 1, "tags": {"a": "1"}}, {"same": 1, "tags": {"a": "2"}})

    def test_a_name_added_twice_keeps_first_before_and_last_after(self):
        tracker = _aws.DiffTracker()
        tracker.add("count", 1, 2)
        tracker.add("count", 2, 3)
        assert tracker.get_before_after() == ({"count": 1}, {"count": 3})

    def test_omit_none_leaves_missing_sides_out(self):
        tracker = _aws.DiffTracker()
        tracker.add("service", None, {"desiredCount": 1})
        assert tracker.get_before_after(omit_none=True) == ({}, {"service": {"desiredCount": 1}})

    def test_of_two_dicts_keeps_every_key_and_leaves_missing_sides_out(self):
        tracker = _aws.DiffTracker.of({"a": 1, "b": 2}, {"b": 3, "c": 4})
        assert tracker.get_before_after() == ({"a": 1, "b": 2}, {"b": 3, "c": 4})
        assert _aws.DiffTracker.of({}, {"c": 4}).get_before_after() == ({}, {"c": 4})
        assert _aws.DiffTracker.of(None, None).get_before_after() == ({}, {})

    def test_merge(self):
        one, two = _aws.DiffTracker(), _aws.DiffTracker()
        one.add("a", 1, 2)
        two.add("b", 3, 4)
        one.merge(two)
        assert one.get_before_after() == ({"a": 1, "b": 3}, {"a": 2, "b": 4})

    def test_result_only_when_the_run_asks_for_a_diff(self):
        tracker = _aws.DiffTracker()
        tracker.add("a", 1, 2)
        assert tracker.result(FakeModule(diff=False)) == {}
        assert tracker.result(FakeModule(diff=True)) == {"diff": {"before": {"a": 1}, "after": {"a": 2}}}


class RunnableModule(_aws.JwtPizzaModule):
    """JwtPizzaModule without AnsibleModule's argument parsing: params, modes and exits set by the test."""

    def __init__(self, params, check_mode=False, diff=False):  # pylint: disable=super-init-not-called
        self._module = type("Parsed", (), {"params": params})()
        self.check_mode = check_mode
        self._diff = diff
        self.exited = None

    def exit_json(self, **result):
        self.exited = ("exit", result)
        raise SystemExit(0)

    def fail_json(self, **result):
        self.exited = ("fail", result)
        raise SystemExit(1)

    def fail_json_aws(self, exception, msg=None, **kwargs):
        self.exited = ("fail_aws", {"msg": msg, "exception": exception})
        raise SystemExit(1)


class TestRequireUnlessCheckMode:
    def test_fails_naming_the_empty_options(self):
        module = RunnableModule({"state": "present", "image": "", "subnets": [], "name": "x"})
        with pytest.raises(SystemExit):
            module.require_unless_check_mode("name", "image", "subnets")
        assert module.exited == ("fail", {"msg": "image, subnets required with state=present (empty or missing)"})

    def test_check_mode_returns_the_empty_ones(self):
        module = RunnableModule({"state": "present", "image": None, "name": "x"}, check_mode=True)
        assert module.require_unless_check_mode("name", "image") == ["image"]
        assert module.exited is None

    def test_other_state_requires_nothing(self):
        module = RunnableModule({"state": "absent", "image": None})
        assert module.require_unless_check_mode("image") == []
        assert module.exited is None

    def test_all_given_passes(self):
        module = RunnableModule({"state": "present", "image": "repo:tag"})
        assert module.require_unless_check_mode("image") == []


class TestRun:
    def test_aws_error_is_reported_through_fail_json_aws_error(self):
        module = RunnableModule({})
        error = client_error("AccessDenied")

        def action():
            raise _aws.JwtPizzaAWSError(message="Failed to describe thing", exception=error)

        with pytest.raises(SystemExit):
            module.run(action)
        assert module.exited == ("fail_aws", {"msg": "Failed to describe thing", "exception": error})

    def test_error_without_exception_fails_with_its_message(self):
        module = RunnableModule({})

        def action():
            raise _aws.JwtPizzaAWSError(message="ECS cluster x still has services")

        with pytest.raises(SystemExit):
            module.run(action)
        assert module.exited == ("fail", {"msg": "ECS cluster x still has services"})

    @pytest.mark.parametrize("diff", [False, True])
    def test_tracker_becomes_the_diff_only_when_asked(self, diff):
        module = RunnableModule({}, diff=diff)
        tracker = _aws.DiffTracker()
        tracker.add("a", None, 1)
        with pytest.raises(SystemExit):
            module.run(lambda: {"changed": True, "diff": tracker})
        expected = {"changed": True, "diff": {"before": {"a": None}, "after": {"a": 1}}} if diff else {"changed": True}
        assert module.exited == ("exit", expected)


def test_user_agent_names_the_collection(monkeypatch):
    captured = {}

    def fake_client(self, service, retry_decorator=None, **extra):
        captured.update(extra)
        return "client"

    monkeypatch.setattr(_aws.AnsibleAWSModule, "client", fake_client)
    module = object.__new__(_aws.JwtPizzaModule)
    assert module.client("s3") == "client"
    assert "jwtpizza.cloud/" in captured["config"].user_agent_extra


def test_the_default_retry_gives_up_after_eight_attempts(no_sleep):
    calls = []

    @ThingErrors.call("describe thing")
    def describe():
        calls.append(1)
        raise client_error("Throttling")

    with pytest.raises(_aws.JwtPizzaAWSError) as raised:
        describe()
    assert raised.value.message == "Failed to describe thing"
    assert len(calls) == 8


def test_tag_options_are_the_amazon_aws_ones():
    assert _aws.tag_options() == {
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    assert _aws.state_option() == {"state": {"type": "str", "choices": ["present", "absent"], "default": "present"}}


class TestRetryWhile:
    """retry_while: the one way a module waits for AWS to accept a call it refuses for a while."""

    @staticmethod
    def refusing(codes, answer="done"):
        attempts = []

        def call():
            attempts.append(1)
            if len(attempts) <= len(codes):
                error = botocore.exceptions.ClientError({"Error": {"Code": codes[len(attempts) - 1], "Message": "m"}}, "Op")
                raise _aws.JwtPizzaAWSError(exception=error, message="refused")
            return answer

        return call, attempts

    def test_calls_again_while_refused_then_answers(self, monkeypatch):
        monkeypatch.setattr("time.sleep", lambda _s: None)
        call, attempts = self.refusing(["DependencyViolation", "DependencyViolation"])

        def refused(exc):
            return _aws.error_code(exc) == "DependencyViolation"

        assert _aws.retry_while(refused, call, 60, 1, "it") == "done" and len(attempts) == 3

    def test_another_error_is_raised_at_once(self, monkeypatch):
        monkeypatch.setattr("time.sleep", lambda _s: pytest.fail("slept"))
        call, attempts = self.refusing(["AccessDenied"])
        with pytest.raises(_aws.JwtPizzaAWSError) as raised:
            _aws.retry_while(lambda exc: _aws.error_code(exc) == "DependencyViolation", call, 60, 1, "it")
        assert _aws.error_code(raised.value) == "AccessDenied" and len(attempts) == 1

    def test_the_timeout_names_what_and_the_last_error(self):
        call, _attempts = self.refusing(["DependencyViolation"] * 5)
        with pytest.raises(_aws.JwtPizzaTimeout) as raised:
            _aws.retry_while(lambda exc: True, call, 0, 1, "the group to go")
        assert "waiting for the group to go; last error: An error occurred (DependencyViolation)" in str(raised.value)
