"""tests/faults/snapshot.py: generated ids do not count, duplicates and changed settings do."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests/faults"))

from snapshot import differences, normalize  # noqa: E402


TARGET_GROUP = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/jwt-pizza-dev-tg/"


def stack(distribution="TKTCF1BNH4BZV", zone="BPLJWIQV6YOAQBIS3RW7Y9", vpc="vpc-0a1b2c3d4e5f60718", secret="gcdiCP", extra=()):
    return {
        "resources": {"tagged resources": [f"arn:aws:cloudfront::123456789012:distribution/{distribution}",
                                           f"arn:aws:secretsmanager:us-west-2:123456789012:secret:jwt-pizza-dev/jwt-signing-key-{secret}",
                                           f"arn:aws:ec2:us-west-2:123456789012:vpc/{vpc}", *extra],
                      "route53 zones": [f"jwtpizza.example.com. ({zone})"]},
        "records": [{"Name": "pizza.jwtpizza.example.com.", "Type": "A",
                     "AliasTarget": {"DNSName": "d1a2b3c4e5f6g7.cloudfront.net.", "HostedZoneId": "Z2FDTNDATAQYW2"}},
                    {"Name": "_0123456789abcdef0123456789abcdef.pizza.jwtpizza.example.com.", "Type": "CNAME"}],
        "listeners": [{"Port": 443, "DefaultActions": [{"TargetGroupArn": TARGET_GROUP + "0123456789abcdef"}]}],
    }


def test_generated_ids_do_not_count():
    other = stack("UZSN56FOMVPV2", "Z9XYZ8WVU7TS6R5Q4P3O2N", "vpc-0f1e2d3c4b5a69788", "xpoxpI")
    other["records"][0]["AliasTarget"]["DNSName"] = "dzz9yy8xx7ww6v.cloudfront.net."
    other["records"][1]["Name"] = "_fedcba9876543210fedcba9876543210.pizza.jwtpizza.example.com."
    other["listeners"][0]["DefaultActions"][0]["TargetGroupArn"] = other["listeners"][0]["DefaultActions"][0]["TargetGroupArn"].replace(
        "0123456789abcdef", "fedcba9876543210")
    assert differences(normalize(stack()), normalize(other)) == []


def test_a_duplicate_counts():
    twice = stack(extra=["arn:aws:cloudfront::123456789012:distribution/UZSN56FOMVPV2"])
    diff = differences(normalize(twice), normalize(stack()))
    assert len(diff) == 1 and diff[0].startswith("/resources/tagged resources: ")


def test_a_changed_setting_counts():
    other = stack()
    other["listeners"][0]["Port"] = 80
    normalized = TARGET_GROUP + "<id>"
    expected = (f'/listeners: [{{"DefaultActions": [{{"TargetGroupArn": "{normalized}"}}], "Port": 443}}] != '
                f'[{{"DefaultActions": [{{"TargetGroupArn": "{normalized}"}}], "Port": 80}}]')
    assert differences(normalize(stack()), normalize(other)) == [expected]
    assert differences({"a": 1}, {}) == ["/a: 1 != \"<missing>\""]
