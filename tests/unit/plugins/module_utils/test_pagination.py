# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A real account holds other resources: every list call reads all its pages.

Each test stubs AWS's documented two-page answer (NextToken, or Marker/NextMarker for CloudFront and IAM) with
the wanted resource on the second page; a call that reads one page only misses it.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _cloudfront as cf
from ansible_collections.jwtpizza.cloud.plugins.module_utils import _ec2_network as net
from ansible_collections.jwtpizza.cloud.plugins.module_utils import _ec2_internet_gateway
from ansible_collections.jwtpizza.cloud.plugins.module_utils import _ec2_route_table
from ansible_collections.jwtpizza.cloud.plugins.module_utils import _ec2_subnets
from ansible_collections.jwtpizza.cloud.plugins.module_utils import _ec2_vpc
from ansible_collections.jwtpizza.cloud.plugins.module_utils._sweep import Sweep
from ansible_collections.jwtpizza.cloud.plugins.modules import acm_certificate

REGION = "us-east-1"
OIDC_ARN = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"


def stubbed(service):
    client = boto3.client(service, region_name=REGION)
    stub = Stubber(client)
    stub.activate()
    return client, stub


@pytest.mark.parametrize(
    "helper, operation, key, item",
    [
        (_ec2_vpc.describe_vpcs, "describe_vpcs", "Vpcs", "VpcId"),
        (_ec2_subnets.describe_subnets, "describe_subnets", "Subnets", "SubnetId"),
        (_ec2_internet_gateway.describe_internet_gateways, "describe_internet_gateways", "InternetGateways", "InternetGatewayId"),
        (_ec2_route_table.describe_route_tables, "describe_route_tables", "RouteTables", "RouteTableId"),
    ],
)
def test_ec2_describes_read_every_page(aws_env, helper, operation, key, item):
    client, stub = stubbed("ec2")
    filters = [{"Name": "tag:Name", "Values": ["jwt-pizza-dev"]}]
    stub.add_response(operation, {key: [{item: "other-1"}], "NextToken": "page-2"}, {"Filters": filters})
    stub.add_response(operation, {key: [{item: "ours-2"}]}, {"Filters": filters, "NextToken": "page-2"})
    assert [x[item] for x in helper(client, Filters=filters)] == ["other-1", "ours-2"]
    stub.assert_no_pending_responses()


def test_ec2_calls_that_do_not_page_are_answered_as_before(aws_env):
    client, stub = stubbed("ec2")
    stub.add_response("describe_availability_zones", {"AvailabilityZones": [{"ZoneName": "us-east-1a"}]}, {})
    assert net.describe_availability_zones(client) == [{"ZoneName": "us-east-1a"}]


def distribution_summary(comment):
    """A complete DistributionSummary (every member the model requires), as moto lists one."""
    moto = boto3.client("cloudfront", region_name=REGION)
    moto.create_distribution(DistributionConfig={
        "CallerReference": comment, "Comment": comment, "Enabled": False,
        "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "b.s3.amazonaws.com",
                                              "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all",
                                 "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
    })
    items = moto.list_distributions()["DistributionList"]["Items"]
    return dict(next(d for d in items if d["Comment"] == comment), Staging=False)  # moto omits the required Staging


def test_cloudfront_distributions_are_read_past_the_first_page(moto_aws):
    other, ours = distribution_summary("someone-else"), distribution_summary("jwt-pizza-dev-frontend")
    client, stub = stubbed("cloudfront")
    page = {"Marker": "", "MaxItems": 1, "Quantity": 1}
    stub.add_response("list_distributions", {"DistributionList": dict(page, IsTruncated=True, NextMarker="m2", Items=[other])}, {})
    stub.add_response("list_distributions", {"DistributionList": dict(page, Marker="m2", IsTruncated=False, Items=[ours])},
                      {"Marker": "m2"})
    assert [d["Comment"] for d in cf.list_distributions(client)] == ["someone-else", "jwt-pizza-dev-frontend"]
    stub.assert_no_pending_responses()


def oac_page(name, next_marker=None, marker=""):
    summary = {"Id": f"E{name.upper()[:6]}", "Description": "", "Name": name, "SigningProtocol": "sigv4",
               "SigningBehavior": "always", "OriginAccessControlOriginType": "s3"}
    page = {"Marker": marker, "MaxItems": 1, "IsTruncated": bool(next_marker), "Quantity": 1, "Items": [summary]}
    if next_marker:
        page["NextMarker"] = next_marker
    return {"OriginAccessControlList": page}


def test_cloudfront_origin_access_controls_are_read_past_the_first_page(aws_env):
    client, stub = stubbed("cloudfront")
    stub.add_response("list_origin_access_controls", oac_page("other-oac", next_marker="m2"), {})
    stub.add_response("list_origin_access_controls", oac_page("jwt-pizza-dev-frontend", marker="m2"), {"Marker": "m2"})
    assert [o["Name"] for o in cf.list_origin_access_controls(client)] == ["other-oac", "jwt-pizza-dev-frontend"]


def test_acm_certificates_of_every_key_type_are_read_past_the_first_page(aws_env):
    """ListCertificates answers RSA_1024/RSA_2048 certificates only unless Includes names the other key types."""
    client, stub = stubbed("acm")
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/{}"
    includes = {"Includes": {"keyTypes": ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]}}
    stub.add_response("list_certificates", {"CertificateSummaryList": [{"CertificateArn": arn.format(1), "DomainName": "other.org"}],
                                            "NextToken": "t2"}, includes)
    stub.add_response("list_certificates", {"CertificateSummaryList": [{"CertificateArn": arn.format(2), "DomainName": "pizza.example.com",
                                                                        "KeyAlgorithm": "EC_prime256v1"}]},
                      dict(includes, NextToken="t2"))
    assert [c["DomainName"] for c in acm_certificate.list_certificates(client)] == ["other.org", "pizza.example.com"]
    stub.assert_no_pending_responses()


def test_sweep_reads_every_page_of_origin_access_controls_and_oidc_provider_tags(moto_aws):
    """The teardown's last check must see this environment's OAC (second page) and its OIDC provider, whose tags
    ListOpenIDConnectProviderTags may split over pages (Marker)."""
    cloudfront, cloudfront_stub = stubbed("cloudfront")
    cloudfront_stub.add_response("list_origin_access_controls", oac_page("other-oac", next_marker="m2"), {})
    cloudfront_stub.add_response("list_origin_access_controls", oac_page("jwt-pizza-dev-frontend", marker="m2"), {"Marker": "m2"})
    iam, iam_stub = stubbed("iam")
    iam_stub.add_response("list_roles", {"Roles": []}, {})
    iam_stub.add_response("list_open_id_connect_providers", {"OpenIDConnectProviderList": [{"Arn": OIDC_ARN}]}, {})
    iam_stub.add_response("list_open_id_connect_provider_tags",
                          {"Tags": [{"Key": "Project", "Value": "jwt-pizza"}, {"Key": "Environment", "Value": "dev"}],
                           "IsTruncated": True, "Marker": "t2"}, {"OpenIDConnectProviderArn": OIDC_ARN})
    iam_stub.add_response("list_open_id_connect_provider_tags", {"Tags": [{"Key": "ManagedBy", "Value": "jwtpizza.cloud"}]},
                          {"OpenIDConnectProviderArn": OIDC_ARN, "Marker": "t2"})
    stubs = {"cloudfront": cloudfront, "iam": iam}

    def client(service, region):
        return stubs.get(service) or boto3.client(service, region_name=region)

    found = Sweep(client, "jwt-pizza", "dev", "example.com", REGION, []).by_name()
    assert found["cloudfront origin access controls"] == ["jwt-pizza-dev-frontend"]
    assert found["iam oidc providers"] == [OIDC_ARN]
    cloudfront_stub.assert_no_pending_responses()
    iam_stub.assert_no_pending_responses()
