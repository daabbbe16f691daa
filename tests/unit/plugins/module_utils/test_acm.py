"""Unit tests of the ACM helpers (plugins/module_utils/_acm.py)."""

import botocore.exceptions
import pytest

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _acm
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaTimeout

ARN = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
DIST_ARN = "arn:aws:cloudfront::123456789012:distribution/E1ABCDEF2GHIJK"


class FakeAcm:
    """Refuses the delete `busy` times with the given code, then accepts it."""

    def __init__(self, busy, code="ResourceInUseException"):
        self.busy, self.code, self.calls = busy, code, 0

    def delete_certificate(self, **params):
        self.calls += 1
        if self.calls <= self.busy:
            raise botocore.exceptions.ClientError({"Error": {"Code": self.code, "Message": "in use"}}, "DeleteCertificate")
        return {}

    def describe_certificate(self, **params):
        return {"Certificate": {"CertificateArn": params["CertificateArn"], "InUseBy": [DIST_ARN]}}


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
    assert f"ACM still lists it in use by: {DIST_ARN}" in str(raised.value)


def test_other_errors_are_not_retried():
    client, clock = FakeAcm(busy=1, code="AccessDeniedException"), Clock()
    with pytest.raises(JwtPizzaAWSError) as raised:
        _acm.delete_when_released(client, ARN, 60, 10, sleep=clock.sleep, clock=clock)
    assert raised.value.message == "Failed to delete the ACM certificate"
    assert client.calls == 1


def test_delete_of_a_certificate_already_gone_is_not_an_error():
    class Gone:
        def delete_certificate(self, **params):
            raise botocore.exceptions.ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "x"}}, "DeleteCertificate")

    assert _acm.delete_certificate(Gone(), ARN) is False


def test_validation_records_are_distinct_and_sorted_and_know_when_complete():
    cert = {"DomainValidationOptions": [
        {"DomainName": "b.example.com", "ResourceRecord": {"Name": "_x.b.example.com.", "Type": "CNAME", "Value": "v."}},
        {"DomainName": "*.a.example.com", "ResourceRecord": {"Name": "_y.a.example.com.", "Type": "CNAME", "Value": "w."}},
        {"DomainName": "a.example.com", "ResourceRecord": {"Name": "_y.a.example.com.", "Type": "CNAME", "Value": "w."}},
    ]}
    records, complete = _acm.validation_records(cert)
    assert complete is True
    assert [r["name"] for r in records] == ["_x.b.example.com.", "_y.a.example.com."]
    cert["DomainValidationOptions"].append({"DomainName": "c.example.com"})
    assert _acm.validation_records(cert)[1] is False
    assert _acm.validation_records(None) == ([], True)


def test_name_set_is_normalised_sorted_and_without_duplicates():
    assert _acm.name_set("Pizza.Example.com.", ["www.example.com", "pizza.example.com", ""]) == ["pizza.example.com", "www.example.com"]


def test_view_of_nothing_is_empty():
    assert _acm.view(None) == {}


class Users:
    """module.client(...) for live_users: load balancers/listeners/distributions that exist or not."""

    def __init__(self, live):
        self.live = set(live)

    def client(self, service, region=None):
        live = self.live

        class Client:
            def describe_listeners(self, ListenerArns):
                if ListenerArns[0] not in live:
                    raise botocore.exceptions.ClientError({"Error": {"Code": "ListenerNotFound", "Message": ""}}, "DescribeListeners")
                return {"Listeners": [{"ListenerArn": ListenerArns[0]}]}

            def describe_load_balancers(self, LoadBalancerArns):
                if LoadBalancerArns[0] not in live:
                    raise botocore.exceptions.ClientError({"Error": {"Code": "LoadBalancerNotFound", "Message": ""}}, "Describe")
                return {"LoadBalancers": [{"LoadBalancerArn": LoadBalancerArns[0]}]}

            def get_distribution(self, Id):
                if Id not in live:
                    raise botocore.exceptions.ClientError({"Error": {"Code": "NoSuchDistribution", "Message": ""}}, "GetDistribution")
                return {"Distribution": {"Id": Id}}

        return Client()


def test_live_users_keeps_only_existing_users_and_unknown_kinds():
    lb = "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/pizza/1"
    gone_lb = "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/old/2"
    listener = "arn:aws:elasticloadbalancing:us-east-1:1:listener/app/pizza/1/3"
    dist = "arn:aws:cloudfront::1:distribution/E123"
    gone_dist = "arn:aws:cloudfront::1:distribution/E999"
    other = "arn:aws:apigateway:us-east-1::/domainnames/x"
    users = Users([lb, listener, "E123"])
    assert _acm.live_users(users, [lb, gone_lb, listener, dist, gone_dist, other]) == [lb, listener, dist, other]
