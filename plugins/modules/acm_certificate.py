#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: acm_certificate
version_added: 0.1.0
short_description: Request a DNS-validated ACM certificate and publish its validation records in Route 53
description:
  - Requests a public AWS Certificate Manager certificate validated by DNS, writes its validation CNAME
    records into a Route 53 hosted zone and optionally waits until it is C(ISSUED).
  - Deletes the certificate and its validation records with O(state=absent).
  - A certificate has no unique name in ACM, so it is found again by its B(identity) - the set of names
    (O(domain_name) plus O(subject_alternative_names), order-insensitive) and the identity tags
    C(ManagedBy=jwtpizza.cloud), C(Project) and C(Environment) (the last two only when O(tags) holds them).
    Other tags are managed like any tag, they do not identify the certificate.
  - Requests carry their tags and an idempotency token derived from the identity and the current ten-minute
    window of the clock, so a run killed between two calls and run again never creates a duplicate (the new
    certificate is found by its tags, or its request is answered from the token). ACM keeps a token bound to
    the certificate it created, even a deleted one, for an hour; with four tokens per window, an environment can be
    built and torn down four times in ten minutes and as often as wanted over longer spans.
author:
  - jwtpizza.cloud developers (@jwtpizza)
options:
  domain_name:
    description: Main name of the certificate, for example V(pizza.example.com) or V(*.example.com).
    type: str
    required: true
  subject_alternative_names:
    description: Additional names of the certificate. Order and duplicates of O(domain_name) do not matter.
    type: list
    elements: str
    default: []
  state:
    description:
      - V(present) finds or requests the certificate and publishes its validation records.
      - V(absent) deletes every certificate of this identity (whatever its status) and its validation records;
        it fails when a certificate is still in use.
    type: str
    choices: [present, absent]
    default: present
  hosted_zone_id:
    description:
      - Route 53 hosted zone that receives the DNS validation CNAME records. Required with O(state=present) (may be
        empty in check mode).
      - With O(state=absent) the records are removed from it when their value still matches; a missing zone is
        tolerated. Without it, records are left alone.
    type: str
  wait:
    description:
      - V(false) requests the certificate and writes its records only, V(true) also waits until it is C(ISSUED).
      - On timeout the module fails with the validation status of every name and the zone's name servers.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait for C(ISSUED) when O(wait=true).
    type: int
    default: 600
  release_timeout:
    description:
      - Seconds O(state=absent) retries C(DeleteCertificate) while ACM still answers C(ResourceInUseException)
        although every user its C(InUseBy) lists is gone. ACM releases a certificate minutes after its user is
        deleted (about 4 minutes after a load balancer, 10 to 20 after a CloudFront distribution).
      - On timeout it fails with C(release_pending=true), naming the certificate, ACM's last answer and C(InUseBy);
        a repeated call resumes (the certificate role repeats it in slices, each retry line showing progress).
      - A user that still exists is not waited for; the module fails at once, naming it.
    type: int
    default: 2700
attributes:
  check_mode:
    support: partial
    details:
      - A certificate still to be requested has no ARN nor validation records yet; check mode reports it without them.
      - With O(hosted_zone_id) empty (a zone the same check run would create), the zone is not read.
notes:
  - The module always adds the tag C(ManagedBy=jwtpizza.cloud); O(tags) must not set it to another value.
  - Certificates in status C(FAILED), C(REVOKED), C(EXPIRED), C(VALIDATION_TIMED_OUT) or C(INACTIVE) are never
    reused; O(state=absent) deletes them too.
  - Validation records that another certificate of the region still uses are not deleted.
  - CloudFront only uses certificates of C(us-east-1) (O(region=us-east-1)).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
"""

EXAMPLES = r"""
- name: Request the frontend certificate for CloudFront and write its validation records
  jwtpizza.cloud.acm_certificate:
    domain_name: pizza.example.com
    hosted_zone_id: Z0123456789ABCDEFGHIJ
    region: us-east-1
    tags:
      Project: jwt-pizza
      Environment: dev
  register: frontend_certificate

- name: Wait until the certificate is issued (same arguments, writes nothing more)
  jwtpizza.cloud.acm_certificate:
    domain_name: pizza.example.com
    hosted_zone_id: Z0123456789ABCDEFGHIJ
    region: us-east-1
    tags:
      Project: jwt-pizza
      Environment: dev
    wait: true

- name: Delete the certificate and its validation records
  jwtpizza.cloud.acm_certificate:
    domain_name: pizza.example.com
    hosted_zone_id: Z0123456789ABCDEFGHIJ
    region: us-east-1
    tags:
      Project: jwt-pizza
      Environment: dev
    state: absent
"""

RETURN = r"""
release_pending:
  description: Set (true) on a failure of O(state=absent) because ACM still counted a deleted user after O(release_timeout).
  returned: that failure
  type: bool
  sample: true
deleted:
  description: ARNs of the certificates deleted (or that check mode would delete).
  returned: O(state=absent) and a certificate existed
  type: list
  elements: str
  sample:
    - arn:aws:acm:us-east-1:123456789012:certificate/0b3e7e4c-2f6a-4c65-9a0e-1f2a3b4c5d6e
certificate:
  description: The certificate; empty with O(state=absent), or when check mode would request a new one.
  returned: always
  type: dict
  contains:
    arn:
      description: ARN of the certificate.
      type: str
      sample: arn:aws:acm:us-east-1:123456789012:certificate/0b3e7e4c-2f6a-4c65-9a0e-1f2a3b4c5d6e
    domain_name:
      description: Main name of the certificate.
      type: str
      sample: pizza.example.com
    subject_alternative_names:
      description: Every name of the certificate, as ACM reports them (includes the main name).
      type: list
      elements: str
      sample:
        - pizza.example.com
    status:
      description: ACM status.
      type: str
      sample: ISSUED
    validation_records:
      description: Distinct DNS validation records (a wildcard and its apex share one).
      type: list
      elements: dict
      sample:
        - name: _a79865eb4cd1a6ab990a45779b4e0b96.pizza.example.com.
          type: CNAME
          value: _424fe3a4b2d57b6c7fd3d1d7e2b40f17.acm-validations.aws.
    in_use_by:
      description: ARNs of the resources that use the certificate.
      type: list
      elements: str
      sample: []
    tags:
      description: Tags of the certificate.
      type: dict
      sample:
        ManagedBy: jwtpizza.cloud
        Project: jwt-pizza
        Environment: dev
"""

import time

from ansible_collections.jwtpizza.cloud.plugins.module_utils._acm import add_tags
from ansible_collections.jwtpizza.cloud.plugins.module_utils._acm import delete_when_released
from ansible_collections.jwtpizza.cloud.plugins.module_utils._acm import describe_certificate
from ansible_collections.jwtpizza.cloud.plugins.module_utils._acm import idempotency_token
from ansible_collections.jwtpizza.cloud.plugins.module_utils._acm import list_certificates
from ansible_collections.jwtpizza.cloud.plugins.module_utils._acm import list_tags
from ansible_collections.jwtpizza.cloud.plugins.module_utils._acm import live_users
from ansible_collections.jwtpizza.cloud.plugins.module_utils._acm import name_set
from ansible_collections.jwtpizza.cloud.plugins.module_utils._acm import remove_tags
from ansible_collections.jwtpizza.cloud.plugins.module_utils._acm import request_certificate
from ansible_collections.jwtpizza.cloud.plugins.module_utils._acm import validation_records
from ansible_collections.jwtpizza.cloud.plugins.module_utils._acm import view
from ansible_collections.jwtpizza.cloud.plugins.module_utils._acm_validation import ValidationRecords
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import DiffTracker
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaTimeout
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import error_code
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import state_option
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import tag_options
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import wait_for
from ansible_collections.jwtpizza.cloud.plugins.module_utils._route53 import normalize_name

MANAGED_BY = "jwtpizza.cloud"
IDENTITY_KEYS = ("ManagedBy", "Project", "Environment")
UNUSABLE = ("FAILED", "REVOKED", "EXPIRED", "VALIDATION_TIMED_OUT", "INACTIVE")
TOKEN_ATTEMPTS = 4
# Seconds: one sequence of tokens per window of the wall clock (ACM forgets a token after an hour).
TOKEN_WINDOW = 600


class CertificateManager:
    """Finds, requests, validates and deletes the certificate of one identity."""

    sleep = staticmethod(time.sleep)
    clock = staticmethod(time.monotonic)
    wall_clock = staticmethod(time.time)
    # The validation wait polls every issue_delay seconds for its first issue_quick_timeout seconds (a certificate
    # whose records were already in place is issued soon: a long poll would only add time), then every
    # issue_slow_delay seconds (DNS validation on AWS takes minutes).
    issue_delay = 1
    issue_quick_timeout = 60
    issue_slow_delay = 10
    record_delay = 3
    record_timeout = 60

    def __init__(self, module):
        self.module = module
        params = module.params
        self.acm = module.client("acm")
        self.records = ValidationRecords(self.acm, module.client("route53"), params["hosted_zone_id"] or None)
        self.domain = normalize_name(params["domain_name"])
        self.names = name_set(params["domain_name"], params["subject_alternative_names"])
        tags = dict(params["tags"] or {})
        self.managed_by = tags.setdefault("ManagedBy", MANAGED_BY)
        self.tags = {k: str(v) for k, v in tags.items()}
        self.purge_tags = params["purge_tags"] and params["tags"] is not None
        self.identity = {k: self.tags[k] for k in IDENTITY_KEYS if k in self.tags}
        self.changed = False

    def validate(self):
        if self.managed_by != MANAGED_BY:
            raise JwtPizzaAWSError(message=f"tags.ManagedBy must be {MANAGED_BY!r} (the module owns it), got {self.managed_by!r}")

    def find(self, usable_only):
        """Certificates of this identity, the ISSUED then newest first."""
        found = []
        for summary in list_certificates(self.acm):
            if normalize_name(summary.get("DomainName")) != self.domain:
                continue
            if usable_only and summary.get("Status") in UNUSABLE:
                continue
            cert = describe_certificate(self.acm, summary["CertificateArn"])
            if not cert or name_set(cert.get("DomainName"), cert.get("SubjectAlternativeNames", [])) != self.names:
                continue
            tags = list_tags(self.acm, cert["CertificateArn"])
            if tags is None or any(tags.get(k) != v for k, v in self.identity.items()):
                continue
            cert["Tags"] = tags
            found.append(cert)
        found.sort(key=lambda c: (c.get("Status") == "ISSUED", str(c.get("CreatedAt", ""))), reverse=True)
        return found

    def await_records(self, arn):
        """Describe the certificate until ACM has published every validation record."""

        def probe():
            cert = describe_certificate(self.acm, arn)
            return bool(cert) and validation_records(cert)[1], cert

        def explain(cert):
            if not cert:
                return f"certificate {arn} cannot be described"
            waiting = [o["DomainName"] for o in cert.get("DomainValidationOptions", []) if not o.get("ResourceRecord")]
            return f"no validation record yet for {', '.join(waiting) or 'any name'}"

        return wait_for(probe, self.record_timeout, self.record_delay, f"the DNS validation records of {arn}",
                        explain=explain, sleep=self.sleep, clock=self.clock)

    def request(self):
        """RequestCertificate with the tags and the identity's token; returns the described certificate.

        A token stays bound for an hour to the certificate it created, even a deleted one (moto then fails with
        HTTP 500, ACM returns the deleted ARN): the next token of the window's deterministic sequence is used then.
        """
        window = int(self.wall_clock() // TOKEN_WINDOW)
        params = {
            "DomainName": self.domain,
            "ValidationMethod": "DNS",
            "Tags": [{"Key": k, "Value": v} for k, v in sorted(self.tags.items())],
        }
        sans = [n for n in self.names if n != self.domain]
        if sans:
            params["SubjectAlternativeNames"] = sans
        for attempt in range(TOKEN_ATTEMPTS):
            params["IdempotencyToken"] = idempotency_token(self.names, self.identity, attempt, window)
            try:
                arn = request_certificate(self.acm, params)
            except JwtPizzaAWSError as exc:
                if error_code(exc) not in ("InternalFailure", "InternalError", "500"):
                    raise
                continue
            cert = self.await_new(arn)
            if cert:
                cert["Tags"] = list_tags(self.acm, arn) or {}
                return cert
        raise JwtPizzaAWSError(message=f"RequestCertificate for {', '.join(self.names)} returned no usable certificate "
                                       f"after {TOKEN_ATTEMPTS} idempotency tokens")

    def ensure_present(self):
        # In check mode the zone may be one the same run would create: a new certificate is then
        # reported without reading the zone.
        self.module.require_unless_check_mode("hosted_zone_id")
        self.validate()
        certs = self.find(usable_only=True)
        if len(certs) > 1:
            self.module.warn(f"{len(certs)} certificates match {', '.join(self.names)}; using {certs[0]['CertificateArn']}")
        cert = certs[0] if certs else None
        before = view(cert)
        if cert is None:
            self.changed = True
            if self.module.check_mode:
                after = {
                    "domain_name": self.domain,
                    "subject_alternative_names": self.names,
                    "status": "PENDING_VALIDATION",
                    "tags": self.tags,
                    "validation_records": "(known after the request)",
                }
                return self.result({}, before, after)
            cert = self.request()
        elif not validation_records(cert)[1] and not self.module.check_mode:
            cert = self.await_records(cert["CertificateArn"]) | {"Tags": cert["Tags"]}

        to_set, to_unset = self.tag_changes(cert["Tags"])
        if to_set or to_unset:
            self.changed = True
            if not self.module.check_mode:
                if to_unset:
                    remove_tags(self.acm, cert["CertificateArn"], to_unset)
                if to_set:
                    add_tags(self.acm, cert["CertificateArn"], to_set)
            cert["Tags"] = {k: v for k, v in cert["Tags"].items() if k not in to_unset} | to_set

        missing = self.records.missing(cert)
        if missing:
            self.changed = True
            if not self.module.check_mode:
                self.records.upsert(missing)

        if self.module.params["wait"] and not self.module.check_mode and cert.get("Status") != "ISSUED":
            cert = self.await_issued(cert)
        return self.result(view(cert), before, view(cert))

    def await_new(self, arn):
        """The new certificate with its records; None when it never becomes readable (ACM may return a deleted one)."""
        try:
            wait_for(lambda: (describe_certificate(self.acm, arn) is not None, None), 10, 2,
                     f"certificate {arn} to be readable", sleep=self.sleep, clock=self.clock)
        except JwtPizzaTimeout:
            return None
        return self.await_records(arn)

    def tag_changes(self, current):
        to_unset = []
        if self.purge_tags:
            to_unset = sorted(k for k in current if k not in self.tags and not k.startswith("aws:"))
        to_set = {k: v for k, v in self.tags.items() if current.get(k) != v}
        return to_set, to_unset

    def issue_schedule(self, waited):
        """Seconds until the next read of a certificate awaited for ``waited`` seconds."""
        return self.issue_delay if waited < self.issue_quick_timeout else self.issue_slow_delay

    def await_issued(self, cert):
        arn = cert["CertificateArn"]
        tags = cert["Tags"]

        def probe():
            current = describe_certificate(self.acm, arn) or {"CertificateArn": arn, "Status": "DELETED"}
            return current["Status"] in ("ISSUED", "DELETED", *UNUSABLE), current

        cert = wait_for(probe, self.module.params["wait_timeout"], self.issue_schedule,
                        f"certificate {self.domain} ({arn}) to be ISSUED", explain=self.records.explain,
                        sleep=self.sleep, clock=self.clock)
        if cert["Status"] != "ISSUED":
            raise JwtPizzaAWSError(message=f"Certificate {arn} will not be issued; {self.records.explain(cert)}")
        cert["Tags"] = tags
        return cert

    def ensure_absent(self):
        self.validate()
        certs = self.find(usable_only=False)
        if not certs:
            return self.result({}, {}, {})
        in_use = {c["CertificateArn"]: users for c in certs if (users := live_users(self.module, c.get("InUseBy", [])))}
        if in_use and not self.module.check_mode:  # a check run has not removed the users it would remove first
            listing = "; ".join(f"{arn} is used by {', '.join(users)}" for arn, users in in_use.items())
            raise JwtPizzaAWSError(message=f"Cannot delete the certificate of {', '.join(self.names)} while it is in use: "
                                           f"{listing}. Remove it from these resources first.")
        self.changed = True
        changes = self.records.deletions(certs)
        before = view(certs[0]) if len(certs) == 1 else {"certificates": [view(c) for c in certs]}
        if not self.module.check_mode:  # certificates first: the records stay while a delete may still fail
            for deleted, cert in enumerate(certs):
                try:
                    delete_when_released(self.acm, cert["CertificateArn"], self.module.params["release_timeout"],
                                         sleep=self.sleep, clock=self.clock)
                except JwtPizzaTimeout as exc:
                    self.module.fail_json(msg=exc.message, release_pending=True, changed=deleted > 0)
            if changes:
                self.records.delete(changes)
        return self.result({}, before, {}) | {"deleted": [c["CertificateArn"] for c in certs]}

    def result(self, certificate, before, after):
        return {"changed": self.changed, "certificate": certificate, "diff": DiffTracker.of(before, after)}


def main():
    module = JwtPizzaModule(
        argument_spec=dict(
            domain_name=dict(type="str", required=True),
            subject_alternative_names=dict(type="list", elements="str", default=[]),
            **state_option(),
            hosted_zone_id=dict(type="str"),
            wait=dict(type="bool", default=False),
            wait_timeout=dict(type="int", default=600),
            release_timeout=dict(type="int", default=2700),
            **tag_options(),
        ),
        supports_check_mode=True,
    )
    manager = CertificateManager(module)
    module.run_state(manager)


if __name__ == "__main__":
    main()
