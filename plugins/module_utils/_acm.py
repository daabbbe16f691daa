# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""ACM helpers of jwtpizza.cloud: the certificate calls and what acm_certificate derives from a certificate.

This file is private to this collection (the leading underscore says so): its
interface may change without notice and other collections must not import it.

- one small function per ACM call, under ``ACMErrors``;
- ``delete_when_released``: a delete retried while ACM still counts a user, and
  ``live_users``: the users of ``InUseBy`` that still exist;
- ``name_set``, ``idempotency_token``, ``validation_records`` and ``view``.

The DNS side of the validation (the records in Route 53) is
``_acm_validation``.
"""

import hashlib

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import ACMErrors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import CloudFrontErrors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import ELBv2Errors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import error_code
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import wait_for
from ansible_collections.jwtpizza.cloud.plugins.module_utils._route53 import normalize_name
from ansible_collections.jwtpizza.cloud.plugins.module_utils._route53 import record_key


@ELBv2Errors.lookup("describe listener")
def _describe_listener(client, arn):
    return client.describe_listeners(ListenerArns=[arn])["Listeners"]


@ELBv2Errors.lookup("describe load balancer")
def _describe_load_balancer(client, arn):
    return client.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"]


@CloudFrontErrors.lookup("get distribution")
def _get_distribution(client, distribution_id):
    return client.get_distribution(Id=distribution_id)["Distribution"]


# Without Includes, ListCertificates returns RSA_1024 and RSA_2048 certificates only (ACM API reference, Filters):
# another stack's EC certificate that shares a validation record would go unseen.
KEY_TYPES = ("RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1")


@ACMErrors.call("list ACM certificates")
def list_certificates(client):
    """Every certificate summary of the region, of every key type, page after page."""
    pages = client.get_paginator("list_certificates").paginate(Includes={"keyTypes": list(KEY_TYPES)})
    return pages.build_full_result()["CertificateSummaryList"]


@ACMErrors.lookup("describe the ACM certificate")
def describe_certificate(client, arn):
    return client.describe_certificate(CertificateArn=arn)["Certificate"]


@ACMErrors.lookup("list the tags of the ACM certificate")
def list_tags(client, arn):
    return {t["Key"]: t.get("Value", "") for t in client.list_tags_for_certificate(CertificateArn=arn)["Tags"]}


@ACMErrors.call("request the ACM certificate", retries=2)
def request_certificate(client, params):
    return client.request_certificate(**params)["CertificateArn"]


@ACMErrors.call("tag the ACM certificate")
def add_tags(client, arn, tags):
    client.add_tags_to_certificate(CertificateArn=arn, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])


@ACMErrors.call("untag the ACM certificate")
def remove_tags(client, arn, keys):
    client.remove_tags_from_certificate(CertificateArn=arn, Tags=[{"Key": k} for k in keys])


@ACMErrors.delete("delete the ACM certificate")
def delete_certificate(client, arn):
    client.delete_certificate(CertificateArn=arn)
    return True


def delete_when_released(client, arn, timeout, delay=10, **wait_options):
    """Delete a certificate, retrying while ACM still counts a just-deleted distribution or listener as a user.

    ACM releases a certificate some time after the resource that used it is gone (about 4 minutes after a load
    balancer, 10 to 20 after a CloudFront distribution), and refuses the delete with ResourceInUseException until
    then.  On timeout the error names the certificate, the last refusal and the users ACM still lists (InUseBy).
    """

    def in_use_by():
        return ", ".join((describe_certificate(client, arn) or {}).get("InUseBy", [])) or "nothing"

    def attempt():
        try:
            delete_certificate(client, arn)
        except JwtPizzaAWSError as exc:
            if error_code(exc) != "ResourceInUseException":
                raise
            return False, str(exc)
        return True, None

    return wait_for(
        attempt,
        timeout,
        delay,
        f"ACM to release certificate {arn} for deletion",
        explain=lambda last: f"last answer: {last}; ACM still lists it in use by: {in_use_by()}",
        **wait_options,
    )


def live_users(module, users):
    """The resources of a certificate's InUseBy that still exist.

    ACM updates InUseBy some time after a listener, load balancer or distribution is deleted (and the
    emulator never does), so a teardown that has just removed them would be refused.  Each ARN of a kind
    this collection creates is checked; ARNs of other kinds are kept as they are.
    """
    live = []
    for arn in users:
        service = arn.split(":")[2] if arn.count(":") >= 5 else ""
        if service == "elasticloadbalancing":
            client = module.client("elbv2", region=arn.split(":")[3])
            found = _describe_listener(client, arn) if ":listener/" in arn else _describe_load_balancer(client, arn)
        elif service == "cloudfront":
            found = _get_distribution(module.client("cloudfront"), arn.rsplit("/", 1)[-1])
        else:
            found = True
        if found:
            live.append(arn)
    return live


def name_set(domain, sans):
    return sorted({normalize_name(n) for n in [domain, *sans] if n})


def idempotency_token(names, identity, attempt=0, window=None):
    """≤32 alphanumeric characters derived from the identity, the attempt and the time window (see request())."""
    text = "|".join(names) + "|" + ",".join(f"{k}={identity[k]}" for k in sorted(identity)) + f"|{attempt}"
    if window is not None:
        text += f"|w{window}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def validation_records(cert):
    """(distinct records sorted, True when every name already has its record)."""
    records, complete = {}, True
    for option in (cert or {}).get("DomainValidationOptions", []):
        rr = option.get("ResourceRecord")
        if not rr:
            complete = False
            continue
        record = {"name": rr["Name"], "type": rr["Type"], "value": rr["Value"]}
        records.setdefault(record_key(record), record)
    return [records[k] for k in sorted(records)], complete


def view(cert):
    """The returned (snake_case) form of a described certificate."""
    if not cert:
        return {}
    return {
        "arn": cert["CertificateArn"],
        "domain_name": cert.get("DomainName"),
        "subject_alternative_names": cert.get("SubjectAlternativeNames", []),
        "status": cert.get("Status"),
        "validation_records": validation_records(cert)[0],
        "in_use_by": cert.get("InUseBy", []),
        "tags": dict(cert.get("Tags", {})),
    }
