"""The certificate validation runs while the rest is built: what needs no certificate does not wait for it."""

import sys
import time

from conftest import VALIDATION_WAIT
from stack import ROOT, changed_count, client, env, run_playbook

sys.path.insert(0, str(ROOT / "tools"))
from api_calls import Recorder


def recorded_site_run():
    with Recorder() as recorder:
        started = time.time()
        run = run_playbook("site.yml", env_vars=recorder.environment())
    assert run.returncode == 0, run.stdout[-3000:]
    return sorted((e["Timestamp"] / 1000 - started, e.get("Region"), e["Api"]) for e in recorder.events
                  if e.get("Type") == "ApiCall" and "Timestamp" in e)


def test_what_needs_no_certificate_is_built_while_it_is_validated(validating_emulator):
    calls = recorded_site_run()
    region = env()["jwtpizza_region"]
    requested = [at for at, where, api in calls if api == "RequestCertificate" and where == region]
    assert len(requested) == 1, calls
    issued = requested[0] + VALIDATION_WAIT
    balancers = [at for at, _where, api in calls if api == "CreateLoadBalancer"]
    listeners = [at for at, _where, api in calls if api == "CreateListener"]
    # The load balancer with its HTTP redirect before the certificate is issued, its HTTPS listener after.
    assert len(balancers) == 1 and balancers[0] < issued, (issued, calls)
    assert len(listeners) == 2 and listeners[0] < issued < listeners[1], (issued, calls)

    # The origin access control before the CloudFront certificate (us-east-1) is issued, the distribution after.
    frontend = [at for at, where, api in calls if api == "RequestCertificate" and where == "us-east-1"]
    assert len(frontend) == 1, calls
    access = [at for at, _where, api in calls if api.startswith("CreateOriginAccessControl")]
    distribution = [at for at, _where, api in calls if api.startswith("CreateDistribution")]
    assert len(access) == 1 and len(distribution) == 1, calls
    assert access[0] < frontend[0] + VALIDATION_WAIT < distribution[0], (frontend, calls)

    elb = client("elbv2")
    arn = elb.describe_load_balancers(Names=[f"{env()['prefix']}-alb"])["LoadBalancers"][0]["LoadBalancerArn"]
    found = {item["Port"]: item for item in elb.describe_listeners(LoadBalancerArn=arn)["Listeners"]}
    certificate = client("acm").list_certificates()["CertificateSummaryList"][0]["CertificateArn"]
    assert sorted(found) == [80, 443]
    assert found[443]["Certificates"] == [{"CertificateArn": certificate}]
    assert found[80]["DefaultActions"][0]["Type"] == "redirect"

    # Once the certificate is issued, one load balancer call does it all: the HTTPS step is skipped.
    again = run_playbook("site.yml")
    assert again.returncode == 0 and changed_count(again.stdout) == 0, again.stdout[-3000:]
    https_step = again.stdout.split("TASK [Add the HTTPS listener to the load balancer]", 1)[1].lstrip("*\n ")
    assert https_step.startswith(f"skipping: [{env()['prefix']}-backend]"), https_step[:500]
