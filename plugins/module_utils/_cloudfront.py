# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""CloudFront helpers shared by the jwtpizza.cloud CloudFront modules.

This file is private to this collection (the leading underscore says so): its
interface may change without notice and other collections must not import it.

It holds:

- one small function per CloudFront call (under ``CloudFrontErrors``), for origin access
  controls, distributions and their tags;
- the "owned view" of a static-site distribution: the flat set of fields
  ``cloudfront_site_distribution`` manages, built from the module's options
  (``desired_view``) or from a read (``owned_view``), so that the two compare
  equal when nothing changed;
- ``build_config`` / ``patch_config``, which write those fields into a new
  DistributionConfig or into the full config read back, for UpdateDistribution;
- ``delete_retrying``: a delete with ``IfMatch`` retried, with the ETag read again,
  while CloudFront answers what on AWS only means "not yet" (a distribution read as
  disabled and ``Deployed`` can still be refused with ``DistributionNotDisabled``, an
  origin access control stays ``OriginAccessControlInUse`` a while after its
  distribution is gone, and ``PreconditionFailed`` means the ETag moved meanwhile).

Normalisations of a read (each one is a shape the real API can also return, or
a field this module never writes; listed again in the module's notes):

1. ``Origins[].OriginAccessControlId`` absent from the read counts as the
   desired value.  moto drops the field; the real API always returns it ("" when
   the origin has no OAC), so a real missing OAC is still seen as drift.
2. ``Origins[].S3OriginConfig`` absent counts as ``OriginAccessIdentity: ""``
   (moto drops it; "" is what the real API returns for an OAC origin).
3. ``ViewerCertificate.CloudFrontDefaultCertificate`` is not compared when a
   certificate ARN is set (moto reports ``true`` beside an ACM ARN; the real API
   reports ``false``; the ARN decides which certificate is served).  The
   deprecated ``Certificate`` / ``CertificateSource`` and an empty
   ``IAMCertificateId`` are ignored too.
4. ``DefaultCacheBehavior.ForwardedValues`` / ``MinTTL`` / ``DefaultTTL`` /
   ``MaxTTL`` are not owned (moto adds them although a cache policy is set; the
   real API omits them then) and are removed before a write, because the real
   API rejects them beside a ``CachePolicyId``.
5. Lists whose order carries no meaning (aliases, methods, error responses)
   are sorted; ``ResponseCode`` is compared as a string and
   ``ErrorCachingMinTTL`` as an integer, as the API types them.
"""

from __future__ import annotations

import copy
import re
import time

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import CloudFrontErrors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import error_code
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import wait_for

# Route 53 alias target zone of every CloudFront distribution.
CLOUDFRONT_HOSTED_ZONE_ID = "Z2FDTNDATAQYW2"
# The one origin (and the default cache behaviour's target) this module manages.
ORIGIN_ID = "s3-site-origin"
CALLER_REFERENCE_PREFIX = "jwtpizza.cloud/"
LEGACY_CACHE_KEYS = ("ForwardedValues", "MinTTL", "DefaultTTL", "MaxTTL")
# Answers of DeleteDistribution / DeleteOriginAccessControl that mean "not yet" on AWS (eventual consistency).
DISTRIBUTION_NOT_YET = ("DistributionNotDisabled", "PreconditionFailed")
ORIGIN_ACCESS_CONTROL_NOT_YET = ("OriginAccessControlInUse", "PreconditionFailed")

OWNED_FIELDS = (
    "comment",
    "enabled",
    "aliases",
    "origin",
    "default_root_object",
    "viewer_protocol_policy",
    "allowed_methods",
    "cached_methods",
    "compress",
    "cache_policy_id",
    "response_headers_policy_id",
    "custom_error_responses",
    "price_class",
    "http_version",
    "ipv6_enabled",
    "certificate_arn",
    "ssl_support_method",
    "minimum_protocol_version",
)


# ---------------------------------------------------------------- AWS calls


def list_all(call, list_key, **kwargs):
    """Every item of a CloudFront list call, page after page (``Marker``/``NextMarker``; items nest under ``list_key``)."""
    items, marker = [], None
    while True:
        page = call(**kwargs, **({"Marker": marker} if marker else {}))[list_key]
        items.extend(page.get("Items") or [])
        marker = page.get("NextMarker")
        if not page.get("IsTruncated") or not marker:
            return items


@CloudFrontErrors.call("list origin access controls")
def list_origin_access_controls(client):
    return list_all(client.list_origin_access_controls, "OriginAccessControlList")


@CloudFrontErrors.lookup("get origin access control")
def get_origin_access_control(client, oac_id):
    return client.get_origin_access_control(Id=oac_id)


@CloudFrontErrors.call("create origin access control")
def create_origin_access_control(client, config):
    return client.create_origin_access_control(OriginAccessControlConfig=config)


@CloudFrontErrors.call("update origin access control")
def update_origin_access_control(client, oac_id, config, etag):
    return client.update_origin_access_control(Id=oac_id, OriginAccessControlConfig=config, IfMatch=etag)


@CloudFrontErrors.delete("delete origin access control")
def delete_origin_access_control(client, oac_id, etag):
    return client.delete_origin_access_control(Id=oac_id, IfMatch=etag)


@CloudFrontErrors.call("list CloudFront distributions")
def list_distributions(client):
    return list_all(client.list_distributions, "DistributionList")


@CloudFrontErrors.lookup("get CloudFront distribution")
def get_distribution(client, dist_id):
    return client.get_distribution(Id=dist_id)


@CloudFrontErrors.lookup("get CloudFront distribution config")
def get_distribution_config(client, dist_id):
    return client.get_distribution_config(Id=dist_id)


@CloudFrontErrors.call("create CloudFront distribution")
def create_distribution(client, config, tags):
    return client.create_distribution_with_tags(
        DistributionConfigWithTags={"DistributionConfig": config, "Tags": {"Items": ansible_dict_to_boto3_tag_list(tags)}}
    )


@CloudFrontErrors.call("update CloudFront distribution")
def update_distribution(client, dist_id, config, etag):
    return client.update_distribution(Id=dist_id, DistributionConfig=config, IfMatch=etag)


@CloudFrontErrors.delete("delete CloudFront distribution")
def delete_distribution(client, dist_id, etag):
    return client.delete_distribution(Id=dist_id, IfMatch=etag)


@CloudFrontErrors.call("list CloudFront distribution tags")
def list_tags(client, arn):
    return boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(Resource=arn)["Tags"].get("Items") or [])


@CloudFrontErrors.call("tag CloudFront distribution")
def tag_resource(client, arn, tags):
    return client.tag_resource(Resource=arn, Tags={"Items": ansible_dict_to_boto3_tag_list(tags)})


@CloudFrontErrors.call("untag CloudFront distribution")
def untag_resource(client, arn, keys):
    return client.untag_resource(Resource=arn, TagKeys={"Items": list(keys)})


def delete_retrying(read_etag, delete, not_yet, timeout, delay, what, etag=None, sleep=time.sleep, clock=time.monotonic):
    """Delete with ``delete(etag)``, retried with a fresh ``read_etag()`` while the answer's code is in ``not_yet``.

    read_etag: callable returning the resource's current ETag, or None when it is gone (nothing left to delete).
    etag: the ETag already known (the first attempt uses it; every retry reads it again).
    Returns True when this call deleted the resource, False when it was already gone.  Raises the
    ``JwtPizzaAWSError`` of any other answer at once, and ``JwtPizzaTimeout`` naming ``what`` and the last
    refusal after ``timeout`` seconds.
    """
    known = {"etag": etag}

    def attempt():
        if known["etag"] is None:
            known["etag"] = read_etag()
            if known["etag"] is None:
                return True, False
        try:
            return True, bool(delete(known["etag"]))
        except JwtPizzaAWSError as exc:
            code = error_code(exc)
            if code not in not_yet:
                raise
            known["etag"] = None
            return False, f"{code}: {exc.exception}"

    return wait_for(attempt, timeout, delay, f"CloudFront to accept the delete of {what}",
                    explain=lambda last: f"last answer: {last}", sleep=sleep, clock=clock)


def existing_distribution_id(message):
    """The distribution id a DistributionAlreadyExists message names, if it names one."""
    found = re.search(r"Already exists:\s*([A-Z0-9]+)", message or "")
    return found.group(1) if found else None


def caller_reference(name, attempt=1):
    """Deterministic CallerReference of the distribution named ``name`` (attempt > 1 after a clash)."""
    ref = CALLER_REFERENCE_PREFIX + name
    return ref if attempt == 1 else f"{ref}#{attempt}"


# ---------------------------------------------------------------- owned view


def _error_responses(codes, page_path, ttl):
    return [
        {"error_code": int(code), "response_page_path": page_path, "response_code": "200", "error_caching_min_ttl": int(ttl)}
        for code in sorted(set(codes))
    ]


def desired_view(params):
    """The owned fields as the module's options describe them."""
    root = params["default_root_object"]
    return {
        "comment": params["name"],
        "enabled": params["enabled"],
        "aliases": sorted(set(params["aliases"])),
        "origin": {
            "id": ORIGIN_ID,
            "domain_name": params["origin_bucket_domain"],
            "origin_path": "",
            "origin_access_control_id": params["origin_access_control_id"],
            "origin_access_identity": "",
        },
        "default_root_object": root,
        "viewer_protocol_policy": "redirect-to-https",
        "allowed_methods": ["GET", "HEAD", "OPTIONS"],
        "cached_methods": ["GET", "HEAD"],
        "compress": True,
        "cache_policy_id": params["cache_policy_id"],
        "response_headers_policy_id": params["response_headers_policy_id"],
        "custom_error_responses": _error_responses(params["spa_error_responses"], "/" + root, params["error_caching_ttl"]),
        "price_class": params["price_class"],
        "http_version": params["http_version"],
        "ipv6_enabled": params["ipv6"],
        "certificate_arn": params["certificate_arn"],
        "ssl_support_method": "sni-only",
        "minimum_protocol_version": params["minimum_protocol_version"],
    }


def owned_view(config, desired=None):
    """The owned fields of a DistributionConfig read back, normalised (see the header)."""
    desired = desired or {}
    behavior = config.get("DefaultCacheBehavior") or {}
    methods = behavior.get("AllowedMethods") or {}
    cert = config.get("ViewerCertificate") or {}
    origin = None
    for item in (config.get("Origins") or {}).get("Items") or []:
        if item.get("Id") == ORIGIN_ID:
            # Normalisations 1 and 2: moto drops OriginAccessControlId and S3OriginConfig.
            want_oac = (desired.get("origin") or {}).get("origin_access_control_id")
            origin = {
                "id": item["Id"],
                "domain_name": item.get("DomainName"),
                "origin_path": item.get("OriginPath") or "",
                "origin_access_control_id": item.get("OriginAccessControlId", want_oac),
                "origin_access_identity": (item.get("S3OriginConfig") or {}).get("OriginAccessIdentity", ""),
            }
            if "CustomOriginConfig" in item:
                origin["origin_access_identity"] = None  # not an S3 origin: always drift
    errors = [
        {
            "error_code": int(item["ErrorCode"]),
            "response_page_path": item.get("ResponsePagePath") or "",
            "response_code": str(item.get("ResponseCode") or ""),
            "error_caching_min_ttl": int(item.get("ErrorCachingMinTTL") or 0),
        }
        for item in (config.get("CustomErrorResponses") or {}).get("Items") or []
    ]
    # Normalisation 3: only the ARN, SNI and protocol version are compared.
    return {
        "comment": config.get("Comment", ""),
        "enabled": config.get("Enabled"),
        "aliases": sorted((config.get("Aliases") or {}).get("Items") or []),
        "origin": origin,
        "default_root_object": config.get("DefaultRootObject") or "",
        "viewer_protocol_policy": behavior.get("ViewerProtocolPolicy"),
        "allowed_methods": sorted(methods.get("Items") or []),
        "cached_methods": sorted((methods.get("CachedMethods") or {}).get("Items") or []),
        "compress": behavior.get("Compress", False),
        "cache_policy_id": behavior.get("CachePolicyId") or "",
        "response_headers_policy_id": behavior.get("ResponseHeadersPolicyId") or "",
        "custom_error_responses": sorted(errors, key=lambda e: e["error_code"]),
        "price_class": config.get("PriceClass"),
        "http_version": config.get("HttpVersion"),
        "ipv6_enabled": config.get("IsIPV6Enabled"),
        "certificate_arn": cert.get("ACMCertificateArn") or "",
        "ssl_support_method": cert.get("SSLSupportMethod") or "",
        "minimum_protocol_version": cert.get("MinimumProtocolVersion") or "",
    }


# ---------------------------------------------------------------- writing


def _items(values):
    return {"Quantity": len(values), "Items": list(values)}


def _origin(view, base=None):
    origin = copy.deepcopy(base) if base else {}
    origin.pop("CustomOriginConfig", None)
    origin.update(
        {
            "Id": view["id"],
            "DomainName": view["domain_name"],
            "OriginPath": view["origin_path"],
            "S3OriginConfig": {"OriginAccessIdentity": view["origin_access_identity"]},
            "OriginAccessControlId": view["origin_access_control_id"],
        }
    )
    return origin


def _viewer_certificate(view):
    return {
        "CloudFrontDefaultCertificate": False,
        "ACMCertificateArn": view["certificate_arn"],
        "SSLSupportMethod": view["ssl_support_method"],
        "MinimumProtocolVersion": view["minimum_protocol_version"],
    }


def _error_items(view):
    return _items(
        [
            {
                "ErrorCode": e["error_code"],
                "ResponsePagePath": e["response_page_path"],
                "ResponseCode": e["response_code"],
                "ErrorCachingMinTTL": e["error_caching_min_ttl"],
            }
            for e in view["custom_error_responses"]
        ]
    )


def _apply_behavior(behavior, view):
    for key in LEGACY_CACHE_KEYS:  # normalisation 4
        behavior.pop(key, None)
    behavior.update(
        {
            "TargetOriginId": view["origin"]["id"],
            "ViewerProtocolPolicy": view["viewer_protocol_policy"],
            "AllowedMethods": dict(_items(view["allowed_methods"]), CachedMethods=_items(view["cached_methods"])),
            "Compress": view["compress"],
            "CachePolicyId": view["cache_policy_id"],
            "ResponseHeadersPolicyId": view["response_headers_policy_id"],
        }
    )
    return behavior


def build_config(view, reference):
    """A complete new DistributionConfig for CreateDistribution."""
    return {
        "CallerReference": reference,
        "Comment": view["comment"],
        "Enabled": view["enabled"],
        "Aliases": _items(view["aliases"]),
        "DefaultRootObject": view["default_root_object"],
        "Origins": _items([_origin(view["origin"])]),
        "DefaultCacheBehavior": _apply_behavior({}, view),
        "CustomErrorResponses": _error_items(view),
        "PriceClass": view["price_class"],
        "HttpVersion": view["http_version"],
        "IsIPV6Enabled": view["ipv6_enabled"],
        "ViewerCertificate": _viewer_certificate(view),
    }


def clean_for_write(config):
    """Remove from a config read back what the real API would reject on UpdateDistribution."""
    config = copy.deepcopy(config)
    behavior = config.get("DefaultCacheBehavior") or {}
    if behavior.get("CachePolicyId"):
        for key in LEGACY_CACHE_KEYS:  # normalisation 4
            behavior.pop(key, None)
    cert = config.get("ViewerCertificate") or {}
    for key in ("Certificate", "CertificateSource"):  # deprecated, read-only
        cert.pop(key, None)
    if not cert.get("IAMCertificateId"):
        cert.pop("IAMCertificateId", None)
    if cert.get("ACMCertificateArn"):  # normalisation 3
        cert["CloudFrontDefaultCertificate"] = False
    return config


def patch_config(config, view):
    """The full config read back, with every owned field set from ``view``."""
    config = clean_for_write(config)
    origins = [o for o in (config.get("Origins") or {}).get("Items") or [] if o.get("Id") != ORIGIN_ID]
    base = next((o for o in (config.get("Origins") or {}).get("Items") or [] if o.get("Id") == ORIGIN_ID), None)
    config.update(
        {
            "Comment": view["comment"],
            "Enabled": view["enabled"],
            "Aliases": _items(view["aliases"]),
            "DefaultRootObject": view["default_root_object"],
            "Origins": _items([_origin(view["origin"], base), *origins]),
            "DefaultCacheBehavior": _apply_behavior(config.get("DefaultCacheBehavior") or {}, view),
            "CustomErrorResponses": _error_items(view),
            "PriceClass": view["price_class"],
            "HttpVersion": view["http_version"],
            "IsIPV6Enabled": view["ipv6_enabled"],
            "ViewerCertificate": _viewer_certificate(view),
        }
    )
    return config
