"""tests/faults/fault_proxy.py: seeded decisions, fault shapes that botocore reads as AWS's, forwarding, counts."""

from __future__ import annotations

import json
import socket
import sys
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError
from botocore.retries import standard

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests/faults"))

import fault_proxy  # noqa: E402
from fault_proxy import FaultProxy, decide  # noqa: E402

# (service, region, call, kwargs, the throttling code AWS documents for it)
CALLS = [
    ("ecs", "us-west-2", "list_clusters", {}, "ThrottlingException"),
    ("logs", "us-west-2", "describe_log_groups", {}, "ThrottlingException"),
    ("acm", "us-east-1", "list_certificates", {}, "ThrottlingException"),
    ("ec2", "us-west-2", "describe_vpcs", {}, "RequestLimitExceeded"),
    ("iam", "us-east-1", "list_roles", {}, "Throttling"),
    ("elbv2", "us-west-2", "describe_load_balancers", {}, "Throttling"),
    ("s3", "us-west-2", "list_buckets", {}, "SlowDown"),
    ("cloudfront", "us-east-1", "list_distributions", {}, "Throttling"),
    ("route53", "us-east-1", "list_hosted_zones", {}, "Throttling"),
]


def client(proxy, service, region="us-west-2", attempts=1):
    return boto3.client(service, region_name=region, endpoint_url=proxy.url, aws_access_key_id="testing",
                        aws_secret_access_key="testing",
                        config=Config(retries={"mode": "standard", "total_max_attempts": attempts}, connect_timeout=5, read_timeout=10))


@pytest.fixture(scope="module")
def emulator_server():
    """Plain moto's server in this process, on a free port; its URL."""
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def emulator(emulator_server, aws_env):
    """The emulator, emptied; its URL."""
    urllib.request.urlopen(urllib.request.Request(f"{emulator_server}/moto-api/reset", method="POST"), timeout=10).close()
    return emulator_server


@pytest.fixture
def make_proxy():
    proxies = []

    def make(target="http://127.0.0.1:9", **kwargs):
        proxy = FaultProxy(target, **kwargs).start()
        proxies.append(proxy)
        return proxy

    yield make
    for proxy in proxies:
        proxy.shutdown()
        proxy.server_close()


@pytest.fixture
def no_backoff(monkeypatch):
    """botocore's standard retries without their sleeps."""
    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)


def test_decisions_are_a_function_of_seed_and_index():
    kinds = fault_proxy.DEFAULT_KINDS
    first = [decide(7, n, 0.2, kinds) for n in range(500)]
    assert first == [decide(7, n, 0.2, kinds) for n in range(500)]
    assert first != [decide(8, n, 0.2, kinds) for n in range(500)]
    faults = [kind for kind in first if kind]
    assert 60 < len(faults) < 140  # 20 % of 500, give or take
    assert set(faults) == set(kinds)
    assert not any(decide(7, n, 0.0, kinds) for n in range(200))
    assert all(decide(7, n, 1.0, ("drop",)) == "drop" for n in range(200))


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="kinds must be"):
        FaultProxy("http://127.0.0.1:9", kinds=["teapot"])
    with pytest.raises(ValueError, match="rate must be"):
        FaultProxy("http://127.0.0.1:9", rate=2)


@pytest.mark.parametrize("service, region, call, kwargs, code", CALLS, ids=[c[0] for c in CALLS])
def test_throttling_parses_as_the_service_throttling_error(make_proxy, service, region, call, kwargs, code):
    proxy = make_proxy(rate=1.0, kinds=["throttle"])
    with pytest.raises(ClientError) as raised:
        getattr(client(proxy, service, region), call)(**kwargs)
    assert raised.value.response["Error"]["Code"] == code
    assert code in standard.ThrottledRetryableChecker._THROTTLED_ERROR_CODES
    assert proxy.counts.as_dict()["faults_by_kind"] == {"throttle": 1}


@pytest.mark.parametrize("service, region, call, kwargs, code", CALLS, ids=[c[0] for c in CALLS])
def test_server_errors_parse_as_5xx(make_proxy, service, region, call, kwargs, code):
    proxy = make_proxy(rate=1.0, kinds=["server"])
    statuses = set()
    for _attempt in range(6):  # the seeded variant alternates between 500 and 503
        with pytest.raises(ClientError) as raised:
            getattr(client(proxy, service, region), call)(**kwargs)
        statuses.add(raised.value.response["ResponseMetadata"]["HTTPStatusCode"])
        assert raised.value.response["Error"]["Code"] in ("InternalError", "InternalFailure", "ServiceUnavailable")
    assert statuses == {500, 503}


@pytest.mark.parametrize("kind", ["throttle", "server", "drop"])
def test_botocore_standard_mode_retries_every_fault_kind(make_proxy, no_backoff, kind):
    proxy = make_proxy(rate=1.0, kinds=[kind])
    error = ConnectionClosedError if kind == "drop" else ClientError
    with pytest.raises(error):
        client(proxy, "ecs", attempts=4).list_clusters()
    counts = proxy.counts.as_dict()
    assert counts["requests"] == 4
    assert counts["faults_by_kind"] == {kind: 4}
    assert counts["retried_after_fault"] == 3
    assert counts["max_attempt"] == 4


def test_requests_without_faults_reach_the_emulator_unchanged(make_proxy, emulator):
    proxy = make_proxy(emulator, rate=0.0)
    s3 = client(proxy, "s3")
    s3.create_bucket(Bucket="proxied", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    body = b"x" * (2 * 1024 * 1024)  # large enough for botocore's "Expect: 100-continue"
    s3.put_object(Bucket="proxied", Key="big", Body=body, ContentType="text/plain")
    assert s3.get_object(Bucket="proxied", Key="big")["Body"].read() == body
    assert client(proxy, "ecs").create_cluster(clusterName="proxied")["cluster"]["clusterName"] == "proxied"
    counts = proxy.counts.as_dict()
    assert counts["faults"] == 0 and counts["forwarded"] == counts["requests"] == 4


def test_a_drop_before_forwarding_changes_nothing(make_proxy, emulator):
    proxy = make_proxy(emulator, rate=1.0, kinds=["drop"])
    with pytest.raises(ConnectionClosedError):
        client(proxy, "ecs").create_cluster(clusterName="dropped")
    direct = boto3.client("ecs", region_name="us-west-2", endpoint_url=emulator)
    assert direct.list_clusters()["clusterArns"] == []


def test_a_drop_after_forwarding_loses_only_the_answer(make_proxy, emulator):
    proxy = make_proxy(emulator, rate=1.0, kinds=["drop_after"])
    with pytest.raises(ConnectionClosedError):
        client(proxy, "ecs").create_cluster(clusterName="answered")
    direct = boto3.client("ecs", region_name="us-west-2", endpoint_url=emulator)
    assert [arn.split("/")[-1] for arn in direct.list_clusters()["clusterArns"]] == ["answered"]
    assert proxy.counts.as_dict()["faults_by_kind"] == {"drop_after": 1}


def test_the_emulator_api_is_never_faulted(make_proxy, emulator):
    proxy = make_proxy(emulator, rate=1.0, kinds=["drop"])
    with urllib.request.urlopen(urllib.request.Request(f"{proxy.url}/moto-api/reset", method="POST"), timeout=10) as answer:
        assert answer.status == 200
    assert proxy.counts.as_dict()["requests"] == 0


def test_counts_are_written_as_json(make_proxy, no_backoff, tmp_path):
    path = tmp_path / "counts.json"
    proxy = make_proxy(rate=1.0, kinds=["throttle"], counts_path=path)
    with pytest.raises(ClientError):
        client(proxy, "ec2", attempts=2).describe_vpcs()
    written = json.loads(path.read_text())
    assert written["faults_by_service"] == {"ec2:throttle": 2}
    assert written["requests"] == 2 and written["retried_after_fault"] == 1
