"""Unit tests of the ACM helpers (plugins/module_utils/_acm.py)."""

import botocore.exceptions
import pytest

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _acm
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaTimeout

ARN = "arn:aws:acm:us-east-1:123456789012:certificate/abc"


class FakeAcm:
    """Refuses the delete `busy` times with the given code, then accepts it."""

    def __init__(self, busy, code="ResourceInUseException"):
        self.busy, self.code, self.calls = busy, code, 0

    def delete_certificate(self, **params):
        self.calls += 1
        if self.calls <= self.busy:
            raise botocore.exceptions.ClientError({"Error": {"Code": self.code, "Message": "in use"}}, "DeleteCertificate")
        return {}


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_delete_retries_while_acm_still_counts_a_user():
    client, clock = FakeAcm(busy=2), Clock()
    _acm.delete_when_released(client, ARN, 60, 10, sleep=clock.sleep, clock=clock)
    assert client.calls == 3
    assert clock.now == 20


def test_delete_gives_up_naming_the_certificate():
    client, clock = FakeAcm(busy=100), Clock()
    with pytest.raises(JwtPizzaTimeout) as raised:
        _acm.delete_when_released(client, ARN, 30, 10, sleep=clock.sleep, clock=clock)
    assert ARN in str(raised.value) and "in use" in str(raised.value)


def test_other_errors_are_not_retried():
    client, clock = FakeAcm(busy=1, code="AccessDeniedException"), Clock()
    with pytest.raises(JwtPizzaAWSError):
        _acm.delete_when_released(client, ARN, 60, 10, sleep=clock.sleep, clock=clock)
    assert client.calls == 1
