#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudfront_site_distribution
short_description: Manage a CloudFront distribution that serves a static single-page site from S3
version_added: 0.1.0
description:
  - Creates, updates and deletes one CloudFront distribution that serves a single-page application
    (React, Vue, ...) from a private S3 bucket reached through an Origin Access Control.
  - The distribution is opinionated. Viewers are redirected to HTTPS, GET/HEAD/OPTIONS are allowed
    (GET/HEAD cached), responses are compressed, the certificate is served with SNI only, and the listed
    error codes return the default root object with HTTP 200 so that client-side routes work.
  - The distribution is identified by O(name), stored as its C(Comment), as a C(Name) tag and in a
    deterministic C(CallerReference). A run interrupted after CreateDistribution finds the distribution
    again instead of creating a second one.
  - Only the fields listed in the notes are compared and written; everything else in the distribution
    (logging, WAF, extra cache behaviours and origins, ...) is left as it is.
author: jwtpizza.cloud developers (@jwtpizza)
options:
  name:
    description:
      - Unique name of the distribution, stored as its C(Comment) (at most 128 characters).
      - Distributions are found again by this comment; it must not be shared with another distribution.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the distribution.
      - V(absent) disables it if it is enabled, waits until it is deployed and deletes it. A run that was
        interrupted half-way resumes where it stopped.
      - The delete is retried, with the ETag read again, for up to O(wait_timeout) seconds while CloudFront
        answers C(DistributionNotDisabled) (a distribution just read as disabled and C(Deployed) can still be
        refused) or C(PreconditionFailed) (the ETag moved meanwhile).
    type: str
    choices: [present, absent]
    default: present
  origin_bucket_domain:
    description:
      - Regional domain name of the S3 bucket, for example C(bucket.s3.us-west-2.amazonaws.com).
      - Required when O(state=present) (may be empty in check mode, see the notes).
    type: str
  origin_access_control_id:
    description:
      - ID of the Origin Access Control CloudFront signs the S3 requests with
        (see M(jwtpizza.cloud.cloudfront_origin_access_control)).
      - Required when O(state=present) (may be empty in check mode, see the notes).
    type: str
  aliases:
    description:
      - Alternate domain names (CNAMEs) of the distribution, for example C(pizza.example.com).
      - Required and not empty when O(state=present). The order does not matter.
    type: list
    elements: str
  certificate_arn:
    description:
      - ARN of the ACM certificate for O(aliases); it must be in C(us-east-1).
      - Required when O(state=present) (may be empty in check mode, see the notes). It is served with SNI only.
    type: str
  minimum_protocol_version:
    description: Minimum TLS protocol version offered to viewers.
    type: str
    default: TLSv1.2_2021
    choices: [TLSv1, TLSv1_2016, TLSv1.1_2016, TLSv1.2_2018, TLSv1.2_2019, TLSv1.2_2021, TLSv1.2_2025, TLSv1.3_2025]
  default_root_object:
    description: Object returned for the root URL, and the page that O(spa_error_responses) are answered with.
    type: str
    default: index.html
  spa_error_responses:
    description:
      - Origin error codes answered with C(/<default_root_object>) and HTTP 200, so that the SPA's
        client-side router handles unknown paths. S3 with OAC answers 403 for a missing object.
      - An empty list removes every custom error response.
    type: list
    elements: int
    default: [403, 404]
  error_caching_ttl:
    description: Seconds CloudFront caches the answer to an error listed in O(spa_error_responses).
    type: int
    default: 10
  cache_policy_id:
    description: Cache policy of the default cache behaviour; the default is the AWS managed C(CachingOptimized).
    type: str
    default: 658327ea-f89d-4fab-a63d-7e88639e58f6
  response_headers_policy_id:
    description:
      - Response headers policy of the default cache behaviour.
      - The default is the AWS managed C(SecurityHeadersPolicy), which sets HSTS, C(X-Content-Type-Options),
        C(X-Frame-Options), C(Referrer-Policy) and C(X-XSS-Protection). A managed policy needs no resource of
        its own (the emulator cannot create response headers policies anyway).
    type: str
    default: 67f7725c-6f97-4210-82d7-5512b31e9d03
  http_version:
    description: Highest HTTP version viewers may use.
    type: str
    default: http2and3
    choices: [http1.1, http2, http3, http2and3]
  ipv6:
    description: Whether the distribution answers over IPv6.
    type: bool
    default: true
  price_class:
    description: Edge locations used; V(PriceClass_100) is North America and Europe.
    type: str
    default: PriceClass_100
    choices: [PriceClass_100, PriceClass_200, PriceClass_All]
  enabled:
    description: Whether the distribution accepts viewer requests.
    type: bool
    default: true
  wait_for_deployment:
    description:
      - Wait until the distribution's status is C(Deployed) after a create or update (O(state=present)).
      - With O(state=absent) the module always waits, because only a deployed, disabled distribution can be deleted.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait for the status C(Deployed).
      - With O(state=absent), also the window in which a refused delete is retried (see O(state)).
    type: int
    default: 1800
notes:
  - "Owned fields, the only ones compared and written: C(Comment), C(Enabled), C(Aliases), C(DefaultRootObject),
    the origin with Id C(s3-site-origin) (domain, empty origin path, OAC, empty OAI), the default cache behaviour's
    target, viewer protocol policy, allowed and cached methods, compression, cache and response headers policies,
    C(CustomErrorResponses), C(PriceClass), C(HttpVersion), C(IsIPV6Enabled) and C(ViewerCertificate)."
  - "Normalised reads, so that a re-run writes nothing: an origin without C(OriginAccessControlId) in the read
    counts as having the desired one (the emulator drops the field; the real API always returns it, empty when
    unset); a missing C(S3OriginConfig) counts as an empty origin access identity; C(CloudFrontDefaultCertificate)
    is ignored beside an ACM ARN (the emulator reports C(true)); C(ForwardedValues) and the legacy TTLs are not
    owned and are removed before a write (the real API rejects them beside a cache policy); aliases, methods
    and error responses are compared without order."
  - "The C(CallerReference) is C(jwtpizza.cloud/<name>). If CloudFront refuses it for a distribution that is not
    this one (for example a deleted one), C(#2), C(#3), ... are appended; the distribution is still found by its comment."
  - Tags are written with C(Name=<name>) added unless O(tags) sets C(Name).
  - "In check mode O(origin_bucket_domain), O(origin_access_control_id) and O(certificate_arn) may be empty, because
    the bucket, OAC or certificate they name may only be created by earlier tasks of a real run."
  - "Against the emulator a changed O(origin_access_control_id) is not detected, because the emulator does not keep
    the field; the real API returns it and the change is applied."
attributes:
  check_mode:
    support: partial
    details:
      - A distribution still to be created has no ID, ARN nor domain name in check mode (C(distribution) is empty).
      - O(origin_bucket_domain), O(origin_access_control_id) and O(certificate_arn) may be empty in check mode (they
        name resources the same check run would create).
      - The deployment is never waited for in check mode.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
"""

EXAMPLES = r"""
- name: Serve the SPA from its private bucket
  jwtpizza.cloud.cloudfront_site_distribution:
    name: jwtpizza-prod-frontend
    origin_bucket_domain: pizza.example.com.s3.us-east-1.amazonaws.com
    origin_access_control_id: E2QWRUHAPOMQZL
    aliases:
      - pizza.example.com
    certificate_arn: arn:aws:acm:us-east-1:123456789012:certificate/0f6c4b2e-0000-4000-8000-000000000000
    tags:
      Project: jwtpizza
  register: cdn

- name: Use every edge location and wait until the change is live
  jwtpizza.cloud.cloudfront_site_distribution:
    name: jwtpizza-prod-frontend
    origin_bucket_domain: pizza.example.com.s3.us-east-1.amazonaws.com
    origin_access_control_id: E2QWRUHAPOMQZL
    aliases:
      - pizza.example.com
    certificate_arn: arn:aws:acm:us-east-1:123456789012:certificate/0f6c4b2e-0000-4000-8000-000000000000
    price_class: PriceClass_All
    wait_for_deployment: true

- name: Disable and delete the distribution
  jwtpizza.cloud.cloudfront_site_distribution:
    name: jwtpizza-prod-frontend
    state: absent
"""

RETURN = r"""
distribution:
  description: The distribution; empty when O(state=absent) or when check mode would create it.
  type: dict
  returned: always
  contains:
    id: {description: Distribution ID., type: str, sample: E1ABCDEF2GHIJK}
    arn: {description: Distribution ARN., type: str, sample: "arn:aws:cloudfront::123456789012:distribution/E1ABCDEF2GHIJK"}
    domain_name: {description: CloudFront domain name., type: str, sample: d111111abcdef8.cloudfront.net}
    hosted_zone_id: {description: Route 53 zone ID for alias records to CloudFront., type: str, sample: Z2FDTNDATAQYW2}
    status: {description: C(InProgress) or C(Deployed)., type: str, sample: Deployed}
    etag: {description: Current ETag of the distribution config., type: str, sample: E2QWRUHEXAMPLE}
    caller_reference: {description: CallerReference of the distribution., type: str, sample: jwtpizza.cloud/jwtpizza-prod-frontend}
    comment: {description: The O(name)., type: str, sample: jwtpizza-prod-frontend}
    enabled: {description: Whether the distribution is enabled., type: bool, sample: true}
    aliases: {description: "Alternate domain names, sorted.", type: list, elements: str, sample: [pizza.example.com]}
    origin_bucket_domain: {description: Domain of the S3 origin., type: str, sample: pizza.example.com.s3.us-east-1.amazonaws.com}
    origin_access_control_id: {description: OAC of the S3 origin., type: str, sample: E2QWRUHAPOMQZL}
    certificate_arn: {description: ACM certificate ARN., type: str, sample: "arn:aws:acm:us-east-1:123456789012:certificate/0f6c4b2e"}
    minimum_protocol_version: {description: Minimum TLS version., type: str, sample: TLSv1.2_2021}
    price_class: {description: Price class., type: str, sample: PriceClass_100}
    http_version: {description: HTTP version., type: str, sample: http2and3}
    ipv6_enabled: {description: IPv6 answered., type: bool, sample: true}
    default_root_object: {description: Default root object., type: str, sample: index.html}
    cache_policy_id: {description: Cache policy ID., type: str, sample: 658327ea-f89d-4fab-a63d-7e88639e58f6}
    response_headers_policy_id: {description: Response headers policy ID., type: str, sample: 67f7725c-6f97-4210-82d7-5512b31e9d03}
    tags: {description: Tags of the distribution., type: dict, sample: {Name: jwtpizza-prod-frontend}}
"""

import time
from collections import namedtuple

from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _cloudfront as cf
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import DiffTracker
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import diff_owned
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import error_code
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import wait_for
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import state_option
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import tag_options

MAX_REFERENCE_ATTEMPTS = 5

# A distribution found again: its summary (or GetDistribution), its full config and that config's ETag.
Found = namedtuple("Found", ["summary", "config", "etag"])


class SiteDistributionManager:
    """Finds the distribution by name and brings it to the desired state."""

    sleep = staticmethod(time.sleep)
    clock = staticmethod(time.monotonic)
    poll_delay = 15

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.name = module.params["name"]
        self.client = module.client("cloudfront")

    # ------------------------------------------------------------ reading

    def find(self):
        """The ``Found`` distribution named ``name``, or None."""
        matches = [s for s in cf.list_distributions(self.client) if s.get("Comment") == self.name]
        loaded = []
        for summary in matches:
            read = cf.get_distribution_config(self.client, summary["Id"])
            if read is not None:
                loaded.append(Found(summary, read["DistributionConfig"], read["ETag"]))
        if len(loaded) > 1:
            ours = [x for x in loaded if x.config.get("CallerReference", "").startswith(cf.caller_reference(self.name))]
            if len(ours) != 1:
                ids = ", ".join(x.summary["Id"] for x in loaded)
                raise JwtPizzaAWSError(message=f"Several distributions have the comment {self.name!r}: {ids}")
            loaded = ours
        return loaded[0] if loaded else None

    def load(self, dist_id):
        dist, read = cf.get_distribution(self.client, dist_id), cf.get_distribution_config(self.client, dist_id)
        if dist is None or read is None:
            raise JwtPizzaAWSError(message=f"Distribution {dist_id} of {self.name!r} disappeared while it was read")
        dist = dist["Distribution"]
        return Found(dist, read["DistributionConfig"], read["ETag"])

    def desired_tags(self):
        if self.params["tags"] is None:
            return None
        return dict({"Name": self.name}, **self.params["tags"])

    def result(self, dist, config, etag, tags):
        view = cf.owned_view(config, self.desired)
        origin = view["origin"] or {}
        return {
            "id": dist["Id"],
            "arn": dist["ARN"],
            "domain_name": dist["DomainName"],
            "hosted_zone_id": cf.CLOUDFRONT_HOSTED_ZONE_ID,
            "status": dist["Status"],
            "etag": etag,
            "caller_reference": config.get("CallerReference"),
            "comment": view["comment"],
            "enabled": view["enabled"],
            "aliases": view["aliases"],
            "origin_bucket_domain": origin.get("domain_name"),
            "origin_access_control_id": origin.get("origin_access_control_id"),
            "certificate_arn": view["certificate_arn"],
            "minimum_protocol_version": view["minimum_protocol_version"],
            "price_class": view["price_class"],
            "http_version": view["http_version"],
            "ipv6_enabled": view["ipv6_enabled"],
            "default_root_object": view["default_root_object"],
            "cache_policy_id": view["cache_policy_id"],
            "response_headers_policy_id": view["response_headers_policy_id"],
            "tags": tags,
        }

    def wait_deployed(self, dist_id):
        def probe():
            read = cf.get_distribution(self.client, dist_id)
            if read is None:
                return True, None
            return read["Distribution"]["Status"] == "Deployed", read

        return wait_for(
            probe,
            timeout=self.params["wait_timeout"],
            delay=self.poll_delay,
            what=f"CloudFront distribution {dist_id} ({self.name}) to be Deployed",
            explain=lambda read: f"its status is still {read['Distribution']['Status']!r}" if read else "it is gone",
            sleep=self.sleep,
            clock=self.clock,
        )

    # ------------------------------------------------------------ present

    def create(self, tags):
        """Create the distribution; return (id, True), or (id, False) for ours that CloudFront already has."""
        # After MAX_REFERENCE_ATTEMPTS refused references (teardown/rebuild cycles), one based on the time.
        for attempt in [*range(1, MAX_REFERENCE_ATTEMPTS + 1), time.time_ns()]:
            config = cf.build_config(self.desired, cf.caller_reference(self.name, attempt))
            try:
                return cf.create_distribution(self.client, config, tags)["Distribution"]["Id"], True
            except JwtPizzaAWSError as exc:
                if error_code(exc) != "DistributionAlreadyExists":
                    raise
                other = cf.existing_distribution_id(str(exc.exception))
                read = cf.get_distribution(self.client, other) if other else None
                if read and read["Distribution"]["DistributionConfig"].get("Comment") == self.name:
                    return other, False  # ours, created by an interrupted run and not listed yet
        raise JwtPizzaAWSError(message=f"CloudFront refused every caller reference tried for {self.name!r} (DistributionAlreadyExists)")

    def converge(self, found, tags):
        """Compare the owned fields and tags of a found distribution; update what differs."""
        summary, config, etag = found.summary, found.config, found.etag
        current = cf.owned_view(config, self.desired)
        changes = diff_owned(self.desired, current, cf.OWNED_FIELDS)
        current_tags = cf.list_tags(self.client, summary["ARN"])
        add, remove = compare_aws_tags(current_tags, tags, self.params["purge_tags"]) if tags else ({}, [])
        after_tags = dict({k: v for k, v in current_tags.items() if k not in remove}, **add)
        diff = DiffTracker.of(dict({k: current[k] for k in cf.OWNED_FIELDS}, tags=current_tags), dict(self.desired, tags=after_tags))
        changed = bool(changes or add or remove)
        if changed and not self.module.check_mode:
            if changes:
                cf.update_distribution(self.client, summary["Id"], cf.patch_config(config, self.desired), etag)
            if remove:
                cf.untag_resource(self.client, summary["ARN"], remove)
            if add:
                cf.tag_resource(self.client, summary["ARN"], add)
        return changed, diff, current_tags

    def ensure_present(self):
        self.desired = cf.desired_view(self.params)
        tags = self.desired_tags()
        found = self.find()
        if found is None:
            diff = DiffTracker.of({}, dict(self.desired, tags=tags or {"Name": self.name}))
            if self.module.check_mode:
                return {"changed": True, "distribution": {}, "diff": diff}
            dist_id, created = self.create(tags or {"Name": self.name})
            changed = created
            if not created:
                found = self.load(dist_id)
        if found is not None:
            changed, diff, current_tags = self.converge(found, tags)
            pending = self.params["wait_for_deployment"] and found.summary["Status"] != "Deployed"
            if self.module.check_mode or not (changed or pending):
                distribution = self.result(found.summary, found.config, found.etag, current_tags)
                return {"changed": changed, "distribution": distribution, "diff": diff}
            dist_id = found.summary["Id"]
        if self.params["wait_for_deployment"]:
            self.wait_deployed(dist_id)
        final = self.load(dist_id)
        return {
            "changed": changed,
            "distribution": self.result(*final, cf.list_tags(self.client, final.summary["ARN"])),
            "diff": diff,
        }

    # ------------------------------------------------------------ absent

    def ensure_absent(self):
        self.desired = None
        found = self.find()
        if found is None:
            return {"changed": False, "distribution": {}, "diff": DiffTracker.of({}, {})}
        dist_id, config, etag = found.summary["Id"], found.config, found.etag
        diff = DiffTracker.of({k: cf.owned_view(config)[k] for k in cf.OWNED_FIELDS}, {})
        if self.module.check_mode:
            return {"changed": True, "distribution": {}, "diff": diff}
        if config.get("Enabled"):
            disabled = dict(cf.clean_for_write(config), Enabled=False)
            cf.update_distribution(self.client, dist_id, disabled, etag)
        read = self.wait_deployed(dist_id)
        if read is not None:
            # A distribution read as disabled and Deployed can still be refused for a while (DistributionNotDisabled).
            cf.delete_retrying(
                lambda: (cf.get_distribution(self.client, dist_id) or {}).get("ETag"),
                lambda etag: cf.delete_distribution(self.client, dist_id, etag),
                cf.DISTRIBUTION_NOT_YET,
                self.params["wait_timeout"],
                self.poll_delay,
                f"CloudFront distribution {dist_id} ({self.name})",
                etag=read["ETag"],
                sleep=self.sleep,
                clock=self.clock,
            )
        return {"changed": True, "distribution": {}, "diff": diff}


def main():
    module = JwtPizzaModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            **state_option(),
            origin_bucket_domain=dict(type="str"),
            origin_access_control_id=dict(type="str"),
            aliases=dict(type="list", elements="str"),
            certificate_arn=dict(type="str"),
            minimum_protocol_version=dict(
                type="str",
                default="TLSv1.2_2021",
                choices=[
                    "TLSv1",
                    "TLSv1_2016",
                    "TLSv1.1_2016",
                    "TLSv1.2_2018",
                    "TLSv1.2_2019",
                    "TLSv1.2_2021",
                    "TLSv1.2_2025",
                    "TLSv1.3_2025",
                ],
            ),
            default_root_object=dict(type="str", default="index.html"),
            spa_error_responses=dict(type="list", elements="int", default=[403, 404]),
            error_caching_ttl=dict(type="int", default=10),
            cache_policy_id=dict(type="str", default="658327ea-f89d-4fab-a63d-7e88639e58f6"),
            response_headers_policy_id=dict(type="str", default="67f7725c-6f97-4210-82d7-5512b31e9d03"),
            http_version=dict(type="str", default="http2and3", choices=["http1.1", "http2", "http3", "http2and3"]),
            ipv6=dict(type="bool", default=True),
            price_class=dict(type="str", default="PriceClass_100", choices=["PriceClass_100", "PriceClass_200", "PriceClass_All"]),
            enabled=dict(type="bool", default=True),
            **tag_options(),
            wait_for_deployment=dict(type="bool", default=False),
            wait_timeout=dict(type="int", default=1800),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params["state"] == "present" and not params["aliases"]:
        module.fail_json(msg="aliases must name at least one domain when state=present")
    # Empty values pass in check mode only: the resources they name may not exist before a real run.
    module.require_unless_check_mode("origin_bucket_domain", "origin_access_control_id", "certificate_arn")
    if len(params["name"]) > 128:
        module.fail_json(msg="name must be at most 128 characters (it is stored as the distribution comment)")
    manager = SiteDistributionManager(module)
    module.run_state(manager)


if __name__ == "__main__":
    main()
