"""The certificate validation runs while the rest is built: what needs no certificate does not wait for it.

Deterministic whatever the machine's load: on an emulator whose certificates stay pending, site.yml with a short
wait timeout builds everything that comes before each stack's wait, then fails at the wait; what needs the
certificate was never started.
"""

from stack import ROOT, changed_count, client, env, records, run_playbook


def test_what_needs_no_certificate_is_built_before_the_certificate_wait(validating_emulator):
    run = run_playbook("site.yml", "-e", "certificate_wait_timeout=5")
    assert run.returncode != 0, run.stdout[-3000:]
    assert run.stdout.count("to be ISSUED") >= 2, run.stdout[-3000:]  # both stacks stopped at their wait
    prefix = env()["prefix"]

    # The backend: its load balancer with the HTTP redirect only, and the name pointing at it; no service yet.
    elb = client("elbv2")
    balancer = elb.describe_load_balancers(Names=[f"{prefix}-alb"])["LoadBalancers"][0]
    listeners = elb.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]
    assert [(item["Port"], item["DefaultActions"][0]["Type"]) for item in listeners] == [(80, "redirect")]
    assert "A" in records(env()["backend_host"])
    services = client("ecs").describe_services(cluster=f"{prefix}-cluster", services=[f"{prefix}-service"])["services"]
    assert [s for s in services if s["status"] == "ACTIVE"] == []

    # The frontend: its origin access control, no distribution yet.
    cloudfront = client("cloudfront")
    access = cloudfront.list_origin_access_controls()["OriginAccessControlList"].get("Items", [])
    assert [item["Name"] for item in access if item["Name"].startswith(prefix)], access
    assert cloudfront.list_distributions()["DistributionList"].get("Items", []) == []


def test_a_run_that_finds_the_certificate_issued_makes_one_load_balancer_call():
    """On the built stack the HTTPS listener goes with the rest in prepare's one call: the https step is skipped."""
    run = run_playbook("site.yml", "--check", "-e", "@" + str(ROOT / "molecule/shared/vars/backend.yml"))
    assert run.returncode == 0 and changed_count(run.stdout) == 0, run.stdout[-3000:]
    step = run.stdout.split("TASK [Add the HTTPS listener to the load balancer]", 1)[1].lstrip("*\n ")
    assert step.startswith(f"skipping: [{env()['prefix']}-backend]"), step[:500]
