"""The deploy flows as CI runs them, on the stack that converge built and deployed (demo build, image demo-1).

The tests run in file order: each step starts from the state the previous one left.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from stack import ROOT, client, env, run_playbook

sys.path.insert(0, str(ROOT / "tools"))
from api_calls import Recorder

# Every AWS call the deploy playbooks make in these tests, as (service, operation): compared with the CI role's
# policy at the end.
CALLED: set[tuple[str, str]] = set()


def deploy_run(playbook: str, *extra: str):
    with Recorder() as recorder:
        run = run_playbook(playbook, *extra, env_vars=recorder.environment())
    CALLED.update(recorder.calls())
    return run


DIST = ROOT / "extras/demo-frontend/dist"
IMAGE = Path(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/tmp")) / "demo-image.tar"
IMMUTABLE = "public, max-age=31536000, immutable"
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".svg": "image/svg+xml", ".png": "image/png", ".txt": "text/plain; charset=utf-8",
         ".json": "application/json"}


def bucket() -> str:
    return f"{env()['prefix']}-frontend-{env()['jwtpizza_domain'].replace('.', '-')}"


def objects() -> dict:
    """Key -> HeadObject answer of every object of the bucket."""
    s3 = client("s3")
    keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket()) for o in page.get("Contents", [])
            if o["Key"] != ".jwtpizza-sync.json"]  # the sync's own record of what it wrote
    return {key: s3.head_object(Bucket=bucket(), Key=key) for key in keys}


def distribution_id() -> str:
    items = client("cloudfront").list_distributions()["DistributionList"].get("Items", [])
    return next(d["Id"] for d in items if d.get("Comment") == f"{env()['prefix']}-frontend")


def invalidations() -> list[dict]:
    cloudfront = client("cloudfront")
    items = cloudfront.list_invalidations(DistributionId=distribution_id())["InvalidationList"].get("Items", [])
    return [cloudfront.get_invalidation(DistributionId=distribution_id(), Id=i["Id"])["Invalidation"] for i in items]


def service() -> dict:
    found = client("ecs").describe_services(cluster=f"{env()['prefix']}-cluster", services=[f"{env()['prefix']}-service"])
    return found["services"][0]


def image_of(task_definition_arn: str) -> str:
    td = client("ecs").describe_task_definition(taskDefinition=task_definition_arn)["taskDefinition"]
    return td["containerDefinitions"][0]["image"]


def recap(run) -> str:
    lines = [line for line in run.stdout.splitlines() if line.startswith("localhost") and "ok=" in line]
    return lines[-1] if lines else ""


def deploy_frontend(dist: Path, *extra: str):
    return deploy_run("deploy_frontend.yml", "-e", f"frontend_deploy_dist={dist}", *extra)


def deploy_backend(tag: str, image: Path | None = None):
    args = ["-e", json.dumps({"backend_deploy_tag": tag, **({"backend_deploy_image": str(image)} if image else {})})]
    return deploy_run("deploy_backend.yml", *args)


def build_image(tmp: Path, label: str) -> Path:
    out = tmp / f"image-{label}.tar"
    subprocess.run([sys.executable, str(ROOT / "tools/oci_image.py"), "build", "--context", str(ROOT / "extras/demo-backend"),
                    "--output", str(out), "--tar", "--label", f"build={label}", "--workdir", "/usr/src/app",
                    "--cmd", '["node","index.js","80"]', "--expose", "80", "--platform", "linux/arm64"],
                   check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("deploy")


def copy_with_new_mtimes(target: Path) -> Path:
    shutil.copytree(DIST, target)
    for path in target.rglob("*"):
        os.utime(path, (1_900_000_000, 1_900_000_000))
    return target


class TestFrontend:
    def test_every_object_has_its_type_and_cache_policy(self):
        found = objects()
        local = sorted(str(p.relative_to(DIST)) for p in DIST.rglob("*") if p.is_file())
        assert sorted(found) == local
        for key, head in found.items():
            assert head["ContentType"] == TYPES[Path(key).suffix], key
            hashed = key.startswith("assets/")
            assert head["CacheControl"] == (IMMUTABLE if hashed else "no-cache"), key
            assert head["ETag"].strip('"') == hashlib.md5((DIST / key).read_bytes()).hexdigest(), key

    def test_an_identical_rebuild_uploads_nothing_and_invalidates_nothing(self, work):
        before = len(invalidations())
        run = deploy_frontend(copy_with_new_mtimes(work / "same"))
        assert run.returncode == 0, run.stdout[-3000:]
        assert "changed=0 " in recap(run), run.stdout[-3000:]
        assert ": 0 uploaded" in run.stdout, run.stdout[-3000:]
        assert len(invalidations()) == before

    def test_one_changed_asset_and_index_upload_exactly_those(self, work):
        dist = copy_with_new_mtimes(work / "changed")
        old = next(p for p in (dist / "assets").glob("index-*.js"))
        new = old.with_name("index-Nw3xYz12.js")
        new.write_text(old.read_text() + "\n// changed\n")
        old.unlink()
        index = dist / "index.html"
        index.write_text(index.read_text().replace(old.name, new.name))
        before = {i["Id"] for i in invalidations()}
        run = deploy_frontend(dist)
        assert run.returncode == 0, run.stdout[-3000:]
        assert ": 2 uploaded" in run.stdout, run.stdout[-3000:]
        found = objects()
        assert f"assets/{new.name}" in found
        # keep_previous=1 (the default): the previous deploy's asset stays, so open tabs keep loading.
        assert f"assets/{old.name}" in found
        fresh = [i for i in invalidations() if i["Id"] not in before]
        assert len(fresh) == 1
        assert sorted(fresh[0]["InvalidationBatch"]["Paths"]["Items"]) == ["/", "/index.html"]

    @pytest.mark.parametrize(("dist", "message"), [
        ("/nonexistent/dist", "frontend_deploy_dist must be a built dist/ folder"),
        ("EMPTY", "frontend_deploy_dist must be a built dist/ folder"),
        ("NOINDEX", "frontend_deploy_dist must be a built dist/ folder"),
    ])
    def test_bad_build_fails_before_any_write(self, work, dist, message):
        if dist == "EMPTY":
            dist = work / "empty"
            dist.mkdir(exist_ok=True)
        elif dist == "NOINDEX":
            dist = work / "noindex"
            shutil.copytree(DIST, dist, dirs_exist_ok=True)
            (dist / "index.html").unlink()
        run = deploy_frontend(dist)
        assert run.returncode != 0
        assert message in run.stdout, run.stdout[-2000:]
        assert "changed=0 " in recap(run), run.stdout[-2000:]


class TestBackend:
    def test_the_service_runs_the_deployed_image(self):
        svc = service()
        assert image_of(svc["taskDefinition"]).endswith(":demo-1")
        assert svc["desiredCount"] == 1 and svc["runningCount"] == 1

    def test_pushing_the_same_image_again_changes_nothing(self):
        run = deploy_backend("demo-1", IMAGE)
        assert run.returncode == 0, run.stdout[-3000:]
        assert "changed=0 " in recap(run), run.stdout[-3000:]

    def test_a_new_image_runs_as_a_new_task_definition(self, work):
        before = service()["taskDefinition"]
        run = deploy_backend("demo-2", build_image(work, "2"))
        assert run.returncode == 0, run.stdout[-3000:]
        svc = service()
        assert svc["taskDefinition"] != before
        assert image_of(svc["taskDefinition"]).endswith(":demo-2")
        assert svc["runningCount"] == svc["desiredCount"] == 1

    def test_rollback_runs_the_previous_task_definition(self):
        current = service()["taskDefinition"]
        run = deploy_run("rollback_backend.yml")
        assert run.returncode == 0, run.stdout[-3000:]
        svc = service()
        assert svc["taskDefinition"] != current
        assert image_of(svc["taskDefinition"]).endswith(":demo-1")

    def test_a_failing_deploy_fails_the_play_naming_the_rollback(self, work):
        before = service()["taskDefinition"]
        run = deploy_backend("fail-3", build_image(work, "fail"))
        assert run.returncode != 0
        assert "roll" in run.stdout.lower() and "back" in run.stdout.lower(), run.stdout[-3000:]
        # The circuit breaker put the previous task definition back.
        assert service()["taskDefinition"] == before

    def test_a_tag_not_in_ecr_fails_before_any_write(self):
        run = deploy_backend("never-pushed")
        assert run.returncode != 0
        assert "never-pushed" in run.stdout, run.stdout[-2000:]
        assert "changed=0 " in recap(run), run.stdout[-2000:]

    @pytest.mark.parametrize(("tag", "image", "message"), [
        ("bad tag!", None, "backend_deploy_tag must be an image tag"),
        ("demo-9", "/nonexistent/image.tar", "backend_deploy_image must be empty"),
        ("demo-9", "NOTANIMAGE", "source"),
    ])
    def test_bad_input_fails_before_any_write(self, work, tag, image, message):
        if image == "NOTANIMAGE":
            image = work / "not-an-image.tar"
            image.write_text("just text")
        run = deploy_backend(tag, Path(image) if image else None)
        assert run.returncode != 0
        assert message in run.stdout, run.stdout[-2000:]
        assert "changed=0 " in recap(run), run.stdout[-2000:]


def test_site_afterwards_keeps_what_the_deploys_put_there():
    running = service()["taskDefinition"]
    run = run_playbook("site.yml")
    assert run.returncode == 0, run.stdout[-3000:]
    assert "changed=0 " in recap(run), run.stdout[-3000:]
    assert service()["taskDefinition"] == running
    assert "index.html" in objects()


# IAM actions of the operations whose action is not "<prefix>:<operation>" (Service Authorization Reference).
S3_ACTIONS = {"ListObjectsV2": ["s3:ListBucket"], "HeadObject": ["s3:GetObject"], "CopyObject": ["s3:GetObject", "s3:PutObject"],
              "DeleteObjects": ["s3:DeleteObject"], "CreateMultipartUpload": ["s3:PutObject"], "UploadPart": ["s3:PutObject"],
              "CompleteMultipartUpload": ["s3:PutObject"]}
PREFIXES = {"S3": "s3", "CloudFront": "cloudfront", "ECR": "ecr", "ECS": "ecs", "Application Auto Scaling": "application-autoscaling",
            "IAM": "iam", "STS": "sts"}
NEEDS_NO_PERMISSION = {"sts:GetCallerIdentity"}


def iam_actions(service: str, operation: str) -> list[str]:
    if service == "S3" and operation in S3_ACTIONS:
        return S3_ACTIONS[operation]
    return [f"{PREFIXES[service]}:{operation.split('20')[0] if service == 'CloudFront' else operation}"]


def test_the_ci_role_grants_exactly_what_the_deploys_called():
    assert CALLED, "the deploy tests recorded no call"
    granted = set(yaml.safe_load((ROOT / "roles/ci_access/vars/main.yml").read_text())["ci_access__actions"])
    called = {action for service, operation in CALLED for action in iam_actions(service, operation)} - NEEDS_NO_PERMISSION
    assert called - granted == set(), f"called but not granted: {sorted(called - granted)}"
    # What the policy grants but these runs did not call must be something a deploy can need on another path (the
    # first deploy's autoscaling minimum ran in converge, which is not recorded).
    assert granted - called <= {"application-autoscaling:RegisterScalableTarget", "ecr:BatchGetImage",
                                "s3:DeleteObject", "s3:PutObjectTagging", "s3:GetObjectTagging", "cloudfront:GetInvalidation",
                                "iam:PassRole", "ecs:ListTasks", "ecs:DescribeTasks", "ecr:InitiateLayerUpload",
                                "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecs:TagResource",
                                # only when a register retried after a lost answer left copies of the revision
                                "ecs:DeregisterTaskDefinition", "ecs:DeleteTaskDefinitions"}, sorted(granted - called)
