# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.s3_site_sync against moto's in-process S3, with the API call recorder."""

from __future__ import annotations

import hashlib
import os
import time

import boto3
import pytest

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _s3_sync as sync
from ansible_collections.jwtpizza.cloud.plugins.modules import s3_site_sync

pytestmark = pytest.mark.usefixtures("shared_botocore_models", "moto_aws")
BUCKET = "site-bucket"
MANIFEST = ".jwtpizza-sync.json"
WRITES = {
    "PutObject",
    "CopyObject",
    "DeleteObjects",
    "DeleteObject",
    "CreateMultipartUpload",
    "UploadPart",
    "CompleteMultipartUpload",
    "PutObjectTagging",
    "DeleteObjectTagging",
}
IMMUTABLE = "public, max-age=31536000, immutable"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def write_build(root, js_hash="BS7pzLvu", js="console.log('pizza')", css="body{color:red}", extra=None):
    """A Vite-like build under ``root``: hashed assets, index.html naming them, unhashed images and text files."""
    files = {
        f"assets/index-{js_hash}.js": js.encode(),
        "assets/index-sv4TJcTp.css": css.encode(),
        "index.html": f'<script src="/assets/index-{js_hash}.js"></script>'.encode(),
        "images/pizza.png": PNG,
        "favicon.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        "robots.txt": b"User-agent: *\n",
        "version.json": b'{"version": "1"}',
        **(extra or {}),
    }
    for key, body in files.items():
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    return root


@pytest.fixture
def s3():
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture
def build(tmp_path):
    return write_build(tmp_path / "dist")


@pytest.fixture
def run(module_exit, s3):
    """run(src, check_mode=False, **args) -> result of a successful sync to BUCKET (with --diff)."""

    def run_sync(src, check_mode=False, **args):
        ended = module_exit(s3_site_sync, dict(bucket=BUCKET, src=str(src), _ansible_diff=True, **args), check_mode=check_mode)
        assert not ended.failed, ended.result
        return ended.result

    return run_sync


def writes(api_calls, site_only=True):
    """(operation, key) of every write; with site_only, the manifest's own PutObject is left out."""
    made = [(name, params.get("Key")) for name, params in api_calls if name in WRITES]
    return [(name, key) for name, key in made if not (site_only and key == MANIFEST)]


def keys(s3):
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_first_deploy_uploads_everything_with_its_headers(api_calls, run, build, s3):
    result = run(build)
    assert result["changed"] is True
    site = sorted(str(p.relative_to(build)) for p in build.rglob("*") if p.is_file())
    assert result["uploaded"] == site
    assert keys(s3) == sorted([*site, MANIFEST])
    assert result["bytes_uploaded"] == sum((build / k).stat().st_size for k in site)
    expected = {
        "index.html": ("text/html; charset=utf-8", "no-cache"),
        "assets/index-BS7pzLvu.js": ("text/javascript; charset=utf-8", IMMUTABLE),
        "assets/index-sv4TJcTp.css": ("text/css; charset=utf-8", IMMUTABLE),
        "images/pizza.png": ("image/png", "no-cache"),
        "favicon.svg": ("image/svg+xml", "no-cache"),
        "robots.txt": ("text/plain; charset=utf-8", "no-cache"),
        "version.json": ("application/json", "no-cache"),
    }
    for key, (content_type, cache_control) in expected.items():
        head = s3.head_object(Bucket=BUCKET, Key=key)
        assert (head["ContentType"], head["CacheControl"]) == (content_type, cache_control), key
        assert head["Metadata"]["sha256"] == hashlib.sha256((build / key).read_bytes()).hexdigest()
        assert head["ETag"].strip('"') == hashlib.md5((build / key).read_bytes()).hexdigest()
    # New immutable assets were never cached: nothing to invalidate for them.
    assert "/assets/index-BS7pzLvu.js" not in result["invalidation_paths"]
    assert {"/", "/index.html", "/robots.txt"} <= set(result["invalidation_paths"])
    assert result["changed_paths"] == ["/" + k for k in site]


def test_identical_rebuild_with_new_mtimes_uploads_nothing(api_calls, run, build, tmp_path):
    run(build)
    rebuilt = write_build(tmp_path / "rebuilt")
    for path in rebuilt.rglob("*"):
        os.utime(path, (2_000_000_000, 2_000_000_000))
    api_calls.clear()
    result = run(rebuilt)
    assert result["changed"] is False
    assert (result["uploaded"], result["metadata_updated"], result["deleted"]) == ([], [], [])
    assert result["unchanged"] == 7
    assert result["invalidation_paths"] == [] and result["changed_paths"] == []
    assert writes(api_calls, site_only=False) == []
    # One listing and one read of the manifest: no HeadObject per file.
    assert [name for name, _params in api_calls] == ["ListObjectsV2", "GetObject"]


def test_a_lost_manifest_alone_is_written_again_and_reported(api_calls, run, build, s3):
    run(build)
    s3.delete_object(Bucket=BUCKET, Key=MANIFEST)
    api_calls.clear()
    result = run(build)
    # The objects are compared one HeadObject each, found unchanged; the manifest is the one write.
    assert result["changed"] is True
    assert (result["uploaded"], result["metadata_updated"], result["deleted"]) == ([], [], [])
    assert writes(api_calls, site_only=False) == [("PutObject", MANIFEST)]
    assert run(build)["changed"] is False


def test_noop_of_a_20_file_build_costs_two_calls(api_calls, run, tmp_path):
    extra = {f"images/topping-{n:02}.png": PNG + bytes([n]) for n in range(13)}
    src = write_build(tmp_path / "dist", extra=extra)
    assert len([p for p in src.rglob("*") if p.is_file()]) == 20
    run(src)
    api_calls.clear()
    assert run(src)["changed"] is False
    assert len(api_calls) == 2
    # Without the manifest: one HeadObject per object.
    run(src, manifest_key="")
    api_calls.clear()
    assert run(src, manifest_key="")["changed"] is False
    names = [name for name, _params in api_calls]
    assert names.count("HeadObject") == 20 and names.count("ListObjectsV2") == 1 and len(names) == 21


def test_changed_asset_and_index_upload_exactly_those(api_calls, run, build, tmp_path, s3):
    run(build)
    new = write_build(tmp_path / "new", js_hash="Qx7Hn2Kd", js="console.log('new')")
    api_calls.clear()
    result = run(new)
    assert result["uploaded"] == ["assets/index-Qx7Hn2Kd.js", "index.html"]
    assert result["deleted"] == ["assets/index-BS7pzLvu.js"]
    assert result["metadata_updated"] == [] and result["retained"] == []
    assert result["invalidation_paths"] == ["/", "/index.html"]
    assert result["changed_paths"] == ["/assets/index-BS7pzLvu.js", "/assets/index-Qx7Hn2Kd.js", "/index.html"]
    assert "assets/index-BS7pzLvu.js" not in keys(s3)
    # The new asset first, index.html after it, the deletion last; then the manifest.
    assert writes(api_calls) == [
        ("PutObject", "assets/index-Qx7Hn2Kd.js"),
        ("PutObject", "index.html"),
        ("DeleteObjects", None),
    ]
    deleted = next(p for n, p in api_calls if n == "DeleteObjects")["Delete"]["Objects"]
    assert deleted == [{"Key": "assets/index-BS7pzLvu.js"}]
    assert writes(api_calls, site_only=False)[-1] == ("PutObject", MANIFEST)
    diff = result["diff"]
    assert set(diff["after"]) == {"assets/index-Qx7Hn2Kd.js", "index.html"}
    assert set(diff["before"]) == {"assets/index-BS7pzLvu.js", "index.html"}


def test_html_goes_after_other_files_and_index_last(api_calls, run, tmp_path):
    src = write_build(tmp_path / "dist", extra={"about/index.html": b"<p>about</p>", "zz.webmanifest": b"{}"})
    run(src)
    order = [key for name, key in writes(api_calls) if name == "PutObject"]
    html = [k for k in order if k.endswith(".html")]
    assert order[-1] == "index.html"
    assert order[-len(html) :] == ["about/index.html", "index.html"]
    assert all(not k.endswith(".html") for k in order[: -len(html)])


def test_changed_rule_updates_headers_without_uploading(api_calls, run, build, s3):
    run(build)
    etag = s3.head_object(Bucket=BUCKET, Key="robots.txt")["ETag"]
    rules = [{"pattern": r"^robots\.txt$", "cache_control": "public, max-age=300"}, *sync.DEFAULT_RULES]
    api_calls.clear()
    result = run(build, cache_control_rules=rules, content_types={".TXT": "text/plain"})
    assert result["metadata_updated"] == ["robots.txt"]
    assert result["uploaded"] == [] and result["deleted"] == []
    assert writes(api_calls) == [("CopyObject", "robots.txt")]
    copy = next(p for n, p in api_calls if n == "CopyObject")
    assert copy["MetadataDirective"] == "REPLACE"
    head = s3.head_object(Bucket=BUCKET, Key="robots.txt")
    assert (head["ContentType"], head["CacheControl"], head["ETag"]) == ("text/plain", "public, max-age=300", etag)
    assert head["Metadata"]["sha256"] == hashlib.sha256(b"User-agent: *\n").hexdigest()
    assert result["invalidation_paths"] == ["/robots.txt"]
    api_calls.clear()
    assert run(build, cache_control_rules=rules, content_types={".TXT": "text/plain"})["changed"] is False


def test_headers_changed_by_someone_else_are_seen_despite_the_manifest(api_calls, run, build, s3):
    run(build)
    time.sleep(1.05)  # S3 keeps LastModified to the second: a later change shows in the listing
    s3.copy_object(
        Bucket=BUCKET,
        Key="version.json",
        CopySource={"Bucket": BUCKET, "Key": "version.json"},
        MetadataDirective="REPLACE",
        ContentType="text/plain",
        CacheControl="max-age=9999",
    )
    api_calls.clear()
    result = run(build)
    assert result["metadata_updated"] == ["version.json"]
    assert [p["Key"] for n, p in api_calls if n == "HeadObject"] == ["version.json"]
    head = s3.head_object(Bucket=BUCKET, Key="version.json")
    assert (head["ContentType"], head["CacheControl"]) == ("application/json", "no-cache")


def test_multipart_objects_are_compared_by_sha256(api_calls, run, tmp_path, s3):
    big = bytes(range(256)) * 40
    src = write_build(tmp_path / "dist", extra={"assets/big-Zk81mQpa.wasm": big})
    run(src, multipart_threshold=4096)
    assert ("CreateMultipartUpload", "assets/big-Zk81mQpa.wasm") in writes(api_calls)
    head = s3.head_object(Bucket=BUCKET, Key="assets/big-Zk81mQpa.wasm")
    assert head["ETag"].strip('"').endswith("-1")
    assert head["ContentType"] == "application/wasm" and head["Metadata"]["sha256"] == hashlib.sha256(big).hexdigest()
    # The ETag is no MD5 of the body: the sha256 metadata decides, from the manifest or from a HeadObject.
    api_calls.clear()
    assert run(src, multipart_threshold=4096)["changed"] is False
    assert writes(api_calls, site_only=False) == []
    # Without a manifest (the old one is no longer special and goes), from a HeadObject.
    assert run(src, multipart_threshold=4096, manifest_key="")["deleted"] == [MANIFEST]
    api_calls.clear()
    assert run(src, multipart_threshold=4096, manifest_key="")["changed"] is False
    assert writes(api_calls, site_only=False) == []
    assert ("HeadObject", "assets/big-Zk81mQpa.wasm") in [(n, p.get("Key")) for n, p in api_calls]
    (src / "assets/big-Zk81mQpa.wasm").write_bytes(big[::-1])
    api_calls.clear()
    assert run(src, multipart_threshold=4096, manifest_key="")["uploaded"] == ["assets/big-Zk81mQpa.wasm"]


def test_check_mode_writes_nothing_and_lists_the_keys(api_calls, run, build, tmp_path, s3):
    first = run(build, check_mode=True)
    assert first["changed"] is True and len(first["uploaded"]) == 7
    assert set(first["diff"]["after"]) == set(first["uploaded"]) and first["diff"]["before"] == {}
    assert writes(api_calls, site_only=False) == [] and keys(s3) == []
    run(build)
    new = write_build(tmp_path / "new", js_hash="Qx7Hn2Kd", js="console.log('new')")
    api_calls.clear()
    result = run(new, check_mode=True)
    assert writes(api_calls, site_only=False) == []
    assert result["uploaded"] == ["assets/index-Qx7Hn2Kd.js", "index.html"]
    assert result["deleted"] == ["assets/index-BS7pzLvu.js"]
    assert result["invalidation_paths"] == ["/", "/index.html"]
    assert set(result["diff"]["before"]) | set(result["diff"]["after"]) == {
        "assets/index-Qx7Hn2Kd.js",
        "assets/index-BS7pzLvu.js",
        "index.html",
    }
    assert "assets/index-BS7pzLvu.js" in keys(s3)


def retired_tag(s3, key):
    tags = {t["Key"]: t["Value"] for t in s3.get_object_tagging(Bucket=BUCKET, Key=key)["TagSet"]}
    return tags.get(sync.RETIRED_TAG)


def test_keep_previous_retains_the_assets_of_earlier_deploys(api_calls, run, tmp_path, s3, monkeypatch):
    times = iter(f"2026-01-01T00:00:0{n}Z" for n in range(1, 10))
    monkeypatch.setattr(s3_site_sync, "utc_now", lambda: next(times))
    builds = [write_build(tmp_path / h, js_hash=h, js=h) for h in ("Aaaaaaa1", "Bbbbbbb2", "Ccccccc3")]
    run(builds[0], keep_previous=1)
    second = run(builds[1], keep_previous=1)
    assert second["retained"] == ["assets/index-Aaaaaaa1.js"] and second["deleted"] == []
    assert retired_tag(s3, "assets/index-Aaaaaaa1.js") == "2026-01-01T00:00:02Z"
    third = run(builds[2], keep_previous=1)
    assert third["retained"] == ["assets/index-Bbbbbbb2.js"]
    assert third["deleted"] == ["assets/index-Aaaaaaa1.js"]
    assert third["invalidation_paths"] == ["/", "/index.html"]
    # Repeating the deploy counts no new one: nothing deleted, nothing written.
    api_calls.clear()
    again = run(builds[2], keep_previous=1)
    assert again["changed"] is False and again["retained"] == ["assets/index-Bbbbbbb2.js"]
    assert writes(api_calls, site_only=False) == []
    # Rolling back to the kept build restores its asset (no upload) and retires the current one.
    back = run(builds[1], keep_previous=1)
    assert back["uploaded"] == ["index.html"] and back["restored"] == ["assets/index-Bbbbbbb2.js"]
    assert back["retained"] == ["assets/index-Ccccccc3.js"]
    assert retired_tag(s3, "assets/index-Bbbbbbb2.js") is None
    # --diff shows the restored asset going from retired to live, and the current one from live to retired.
    assert back["diff"]["before"]["assets/index-Bbbbbbb2.js"]["retired"] is True
    assert back["diff"]["after"]["assets/index-Bbbbbbb2.js"]["retired"] is False
    assert back["diff"]["before"]["assets/index-Ccccccc3.js"]["retired"] is False
    assert back["diff"]["after"]["assets/index-Ccccccc3.js"]["retired"] is True
    # Unhashed files that left the build are not kept.
    (builds[1] / "robots.txt").unlink()
    assert run(builds[1], keep_previous=1)["deleted"] == ["robots.txt"]


def test_keep_previous_reads_tags_when_the_manifest_is_gone(run, tmp_path, s3, monkeypatch):
    times = iter(f"2026-01-01T00:00:0{n}Z" for n in range(1, 10))
    monkeypatch.setattr(s3_site_sync, "utc_now", lambda: next(times))
    builds = [write_build(tmp_path / h, js_hash=h, js=h) for h in ("Aaaaaaa1", "Bbbbbbb2", "Ccccccc3")]
    run(builds[0], keep_previous=1)
    run(builds[1], keep_previous=1)
    s3.delete_object(Bucket=BUCKET, Key=MANIFEST)
    third = run(builds[2], keep_previous=1)
    assert third["retained"] == ["assets/index-Bbbbbbb2.js"] and third["deleted"] == ["assets/index-Aaaaaaa1.js"]


def test_delete_false_keeps_objects_that_left_the_build(run, build, tmp_path, s3):
    run(build)
    new = write_build(tmp_path / "new", js_hash="Qx7Hn2Kd", js="console.log('new')")
    result = run(new, delete=False)
    assert result["deleted"] == [] and "assets/index-BS7pzLvu.js" in keys(s3)
    assert run(new, delete=False)["changed"] is False


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing", "does not exist"),
        (lambda p: (p / "file").write_text("x") and p / "file", "is not a folder"),
        (lambda p: (p / "empty" / "sub").mkdir(parents=True) or p / "empty", "is empty"),
        (lambda p: (p / "noindex").mkdir() or ((p / "noindex" / "a.js").write_text("x") and p / "noindex"), "no index.html"),
    ],
)
def test_bad_src_fails_naming_the_option_before_any_call(api_calls, module_exit, s3, tmp_path, make, message):
    api_calls.clear()
    ended = module_exit(s3_site_sync, {"bucket": BUCKET, "src": str(make(tmp_path))})
    assert ended.failed
    assert ended.result["msg"].startswith("src ") and message in ended.result["msg"]
    assert api_calls == []


def test_bad_rule_fails_naming_the_option(module_exit, s3, build):
    ended = module_exit(
        s3_site_sync, {"bucket": BUCKET, "src": str(build), "cache_control_rules": [{"pattern": "(", "cache_control": "x"}]}
    )
    assert ended.failed and "cache_control_rules[0].pattern" in ended.result["msg"]


@pytest.mark.parametrize(("option", "low"), [("keep_previous", 0), ("max_concurrency", 1), ("multipart_threshold", 1)])
def test_counts_below_their_floor_fail_naming_the_option_and_the_floor_itself_works(
    api_calls, module_exit, run, s3, build, option, low
):
    api_calls.clear()
    ended = module_exit(s3_site_sync, {"bucket": BUCKET, "src": str(build), option: low - 1})
    assert ended.failed and ended.result["msg"] == f"{option} must be at least {low}"
    assert api_calls == []
    assert run(build, **{option: low})["changed"] is True
