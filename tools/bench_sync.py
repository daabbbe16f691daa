"""Compare the frontend sync with awscli's `aws s3 sync --delete` on a ~20-file Vite-like build: prints figures.

  python tools/bench_sync.py [--port 5070]

Starts its own emulator, makes a Vite-like build (hashed assets/, index.html, unhashed images, robots.txt,
version.json) and deploys it three times with each tool, each into its own bucket:
  (a) the first deploy, (b) an identical rebuild with every mtime changed, (c) one changed hashed asset + index.html.
For each it counts the objects and bytes uploaded (PUT requests seen in the emulator's log of botocore's
client-side monitoring) and, for (a), the wall-time ratio.  awscli is installed into a throwaway virtualenv
under /tmp (it is not one of the project's dependencies).  Asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_calls import Recorder

ROOT = Path(__file__).resolve().parent.parent
AWSCLI_VENV = Path(tempfile.gettempdir()) / "jwtpizza-bench-awscli"
WRITES = {"PutObject", "UploadPart", "CopyObject"}


def vite_build(folder: Path, variant: str = "") -> None:
    assets = folder / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    names = []
    for index in range(12):
        body = (f"export const chunk{index} = {index};\n" * 200 + (variant if index == 0 else "")).encode()
        digest = hashlib.sha256(body).hexdigest()[:8]
        name = f"chunk{index}-{digest}.js"
        (assets / name).write_bytes(body)
        names.append(name)
    (assets / "index-Ab12Cd34.css").write_text("body{margin:0}\n" * 100)
    (folder / "images").mkdir(exist_ok=True)
    for index in range(3):
        (folder / "images" / f"pizza{index}.png").write_bytes(bytes(range(256)) * 20)
    (folder / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    (folder / "version.json").write_text('{"version": "1"}\n')
    (folder / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>\n")
    scripts = "".join(f'<script type="module" src="/assets/{n}"></script>' for n in names)
    (folder / "index.html").write_text(f"<!doctype html><html><head>{scripts}</head><body></body></html>\n")


def touch_all(folder: Path) -> None:
    stamp = time.time() + 3600
    for path in folder.rglob("*"):
        os.utime(path, (stamp, stamp))


def awscli() -> Path:
    aws = AWSCLI_VENV / "bin/aws"
    if not aws.exists():
        subprocess.run([sys.executable, "-m", "venv", str(AWSCLI_VENV)], check=True)
        subprocess.run([str(AWSCLI_VENV / "bin/pip"), "install", "--quiet", "awscli"], check=True)
    return aws


def listing(s3, bucket: str) -> dict[str, tuple]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {o["Key"]: (o["ETag"], o["LastModified"], o["Size"]) for page in pages for o in page.get("Contents", [])}


def measured(command: list[str], env: dict, s3, bucket: str) -> tuple[float, int, int]:
    """(seconds, S3 write calls, bytes of the objects written anew) of one deploy."""
    before = listing(s3, bucket)
    time.sleep(1.1)  # LastModified has a one-second resolution
    with Recorder() as recorder:
        start = time.monotonic()
        run = subprocess.run(command, env={**env, **recorder.environment()}, capture_output=True, text=True, check=False)
        elapsed = time.monotonic() - start
    if run.returncode:
        sys.exit(f"{command[0]} failed:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
    writes = sum(count for (service, op), count in recorder.calls().items() if service == "S3" and op in WRITES)
    after = listing(s3, bucket)
    written = sum(size for key, (_etag, modified, size) in after.items() if key not in before or before[key][1] != modified)
    return elapsed, writes, written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", default="5070")
    args = parser.parse_args()
    emulator = [sys.executable, str(ROOT / "tools/emulator.py")]
    subprocess.run([*emulator, "start", "--port", args.port], check=True, capture_output=True)
    work = Path(tempfile.mkdtemp(prefix="jwtpizza-bench-sync-"))
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": f"http://127.0.0.1:{args.port}", "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")}
    try:
        import boto3

        os.environ.update({k: env[k] for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")})  # the emulator's dummies
        s3 = boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1")
        for bucket in ("bench-awscli", "bench-sync"):
            s3.create_bucket(Bucket=bucket)
        aws = awscli()
        rows = []
        build = work / "dist"
        for step in ("a first deploy", "b identical rebuild", "c one asset + index.html"):
            if step.startswith("a"):
                vite_build(build)
            elif step.startswith("b"):
                shutil.rmtree(build)
                vite_build(build)
                touch_all(build)
            else:
                shutil.rmtree(build)
                vite_build(build, variant="// changed\n")
            cli = measured([str(aws), "s3", "sync", str(build), "s3://bench-awscli", "--delete"], env, s3, "bench-awscli")
            ours = measured([str(ROOT / ".venv/bin/ansible"), "localhost", "-c", "local", "-i", "localhost,",
                             "-e", f"ansible_python_interpreter={ROOT / '.venv/bin/python'}",
                             "-m", "jwtpizza.cloud.s3_site_sync", "-a", f"bucket=bench-sync src={build}"], env, s3,
                            "bench-sync")
            rows.append((step, cli, ours))
        files = sum(1 for p in build.rglob("*") if p.is_file())
        print(f"Vite-like build of {files} files; per deploy: S3 writes (PutObject/UploadPart/CopyObject) / bytes written")
        print(f"  {'step':28s} {'aws s3 sync --delete':>24s} {'s3_site_sync':>18s}")
        for step, cli, ours in rows:
            print(f"  {step:28s} {cli[1]:10d} / {cli[2]:9d} B {ours[1]:6d} / {ours[2]:7d} B")
        (_step, cli, ours) = rows[0]
        print(f"wall time of (a): aws s3 sync {cli[0]:.1f} s, s3_site_sync {ours[0]:.1f} s "
              f"(ratio {ours[0] / cli[0]:.2f}; ours includes starting an Ansible module)")
    finally:
        subprocess.run([*emulator, "stop", "--port", args.port], check=False, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
