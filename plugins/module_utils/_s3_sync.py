# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Planning logic of ``s3_site_sync``: what a built site folder needs to become the bucket's content.

This file is private to this collection (the leading underscore says so): its
interface may change without notice and other collections must not import it.

It holds:

- the built-in Content-Type table and the default Cache-Control rules;
- ``scan_build``: the files of a ``dist/`` folder with their MD5, SHA-256, Content-Type and Cache-Control;
- one small function per S3 call (under ``S3Errors``);
- the sync manifest: one JSON object in the bucket caching, per key, the ETag and LastModified the object had
  when this module last saw it and the headers it had then; an entry is trusted only while the listing still
  shows that ETag and LastModified, so any other write to the object makes the module read it again;
- ``plan_sync``: a pure function from the build, the bucket's listing (with what is known of each object) and
  the options to the uploads, metadata updates, deletions and retentions, in the order they must be made.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from dataclasses import field

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import S3Errors

IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
# A content-hashed file name: a name part of 8+ base64url characters (at least one digit or capital, so that
# ordinary words do not count) after a "-" or "." and right before the extension(s): assets/index-BS7pzLvu.js,
# assets/index-BS7pzLvu.js.map.
HASHED_NAME = r"[-.](?=[A-Za-z0-9_-]*[A-Z0-9])[A-Za-z0-9_-]{8,}(\.[A-Za-z0-9]+)+$"
DEFAULT_RULES = ({"pattern": HASHED_NAME, "cache_control": IMMUTABLE},)
DEFAULT_CONTENT_TYPE = "application/octet-stream"
# Extension -> Content-Type, independent of the machine's mimetypes database.
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "htm": "text/html; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "mjs": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "svg": "image/svg+xml",
    "json": "application/json",
    "webmanifest": "application/manifest+json",
    "wasm": "application/wasm",
    "txt": "text/plain; charset=utf-8",
    "map": "application/json",
    "ico": "image/x-icon",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "avif": "image/avif",
    "gif": "image/gif",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "xml": "application/xml",
}
SHA256_META = "sha256"
RETIRED_TAG = "jwtpizza-sync-retired-at"
MANIFEST_VERSION = 1
MIN_PART_SIZE = 5 * 1024 * 1024
MAX_PARTS = 10000
READ_CHUNK = 1024 * 1024


class BuildError(ValueError):
    """The build folder or an option is unusable; the message names the option."""


# ---------------------------------------------------------------- the build


@dataclass
class LocalFile:
    key: str
    path: str
    size: int
    md5: str
    sha256: str
    content_type: str
    cache_control: str

    @property
    def headers(self):
        return {"content_type": self.content_type, "cache_control": self.cache_control, "sha256": self.sha256}


def compile_rules(rules):
    """The cache_control_rules as (compiled pattern, cache control) pairs; BuildError names a bad pattern."""
    compiled = []
    for index, rule in enumerate(rules):
        try:
            compiled.append((re.compile(rule["pattern"]), rule["cache_control"]))
        except re.error as exc:
            raise BuildError(f"cache_control_rules[{index}].pattern {rule['pattern']!r} is not a valid regular expression: {exc}") from exc
    return compiled


def cache_control_for(key, rules):
    """The Cache-Control of the first rule whose pattern matches ``key`` (re.search), else no-cache."""
    for pattern, cache_control in rules:
        if pattern.search(key):
            return cache_control
    return NO_CACHE


def content_type_table(overrides):
    """The built-in table with ``overrides`` (extension -> type; a leading dot and the case do not matter)."""
    table = dict(CONTENT_TYPES)
    for ext, content_type in (overrides or {}).items():
        table[ext.lower().lstrip(".")] = content_type
    return table


def content_type_for(key, table):
    name = key.rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return table.get(ext, DEFAULT_CONTENT_TYPE)


def is_hashed(key):
    return re.search(HASHED_NAME, key) is not None


def is_html(key):
    return key.lower().endswith((".html", ".htm"))


def html_rank(key):
    """0 for a file that is not HTML, 1 for an HTML file, 2 for index.html at the root (written last)."""
    if key == "index.html":
        return 2
    return 1 if is_html(key) else 0


def digest_file(path):
    md5, sha256, size = hashlib.md5(usedforsecurity=False), hashlib.sha256(), 0
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(READ_CHUNK), b""):
            md5.update(chunk)
            sha256.update(chunk)
            size += len(chunk)
    return size, md5.hexdigest(), sha256.hexdigest()


def build_digest(files):
    """SHA-256 of the build: every key with its content digest, sorted (the same for an identical rebuild)."""
    lines = "".join(f"{key}\0{files[key].sha256}\n" for key in sorted(files))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def check_src(src):
    """Fail (BuildError naming ``src``) unless ``src`` is a folder with files and an index.html at its root."""
    if not os.path.exists(src):
        raise BuildError(f"src {src!r} does not exist")
    if not os.path.isdir(src):
        raise BuildError(f"src {src!r} is not a folder")
    if not any(files for _root, _dirs, files in os.walk(src)):
        raise BuildError(f"src {src!r} is empty")
    if not os.path.isfile(os.path.join(src, "index.html")):
        raise BuildError(f"src {src!r} has no index.html at its root (is it the built dist/ folder?)")


def scan_build(src, rules, content_types):
    """{key: LocalFile} for every file under ``src`` (keys use "/"; hidden files included, symlinks followed)."""
    check_src(src)
    compiled = compile_rules(rules)
    table = content_type_table(content_types)
    files = {}
    for root, dirs, names in os.walk(src, followlinks=True):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(root, name)
            key = os.path.relpath(path, src).replace(os.sep, "/")
            size, md5, sha256 = digest_file(path)
            files[key] = LocalFile(key, path, size, md5, sha256, content_type_for(key, table), cache_control_for(key, compiled))
    return files


# ---------------------------------------------------------------- the bucket


@dataclass
class RemoteObject:
    """An object of the listing and what is known of it: ``known`` holds sha256/content_type/cache_control (all
    three once its headers were read, sha256 None when the object has none) and retired_at (None: live)."""

    key: str
    etag: str
    last_modified: str
    known: dict = field(default_factory=dict)

    @property
    def multipart(self):
        return "-" in self.etag

    def knows(self, *names):
        return all(name in self.known for name in names)


def _last_modified(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@S3Errors.call("list the objects of the bucket")
def list_objects(client, bucket):
    objects = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            key = item["Key"]
            objects[key] = RemoteObject(key, item["ETag"].strip('"'), _last_modified(item["LastModified"]))
    return objects


@S3Errors.lookup("read the sync manifest")
def get_manifest(client, bucket, key):
    body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
    try:
        manifest = json.loads(body)
    except ValueError:
        return {}
    return manifest if isinstance(manifest, dict) and manifest.get("version") == MANIFEST_VERSION else {}


@S3Errors.call("write the sync manifest")
def put_manifest(client, bucket, key, manifest):
    body = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    return client.put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/json", CacheControl=NO_CACHE)


@S3Errors.lookup("read the headers of an object")
def head_object(client, bucket, key):
    return client.head_object(Bucket=bucket, Key=key)


@S3Errors.lookup("read the tags of an object", default=[])
def get_tags(client, bucket, key):
    return client.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]


@S3Errors.call("tag an object")
def put_tags(client, bucket, key, tags):
    return client.put_object_tagging(Bucket=bucket, Key=key, Tagging={"TagSet": tags})


@S3Errors.delete("remove the tags of an object")
def delete_tags(client, bucket, key):
    return client.delete_object_tagging(Bucket=bucket, Key=key)


def _put_args(local):
    return {"ContentType": local.content_type, "CacheControl": local.cache_control, "Metadata": {SHA256_META: local.sha256}}


@S3Errors.call("upload an object")
def put_object(client, bucket, local):
    with open(local.path, "rb") as body:
        return client.put_object(Bucket=bucket, Key=local.key, Body=body, **_put_args(local))


def part_size(size, threshold):
    """Part size of a multipart upload: at least S3's 5 MiB minimum and the threshold, and at most 10,000 parts."""
    return max(MIN_PART_SIZE, threshold, -(-size // MAX_PARTS))


@S3Errors.call("start a multipart upload")
def create_multipart_upload(client, bucket, local):
    return client.create_multipart_upload(Bucket=bucket, Key=local.key, **_put_args(local))["UploadId"]


@S3Errors.call("upload a part")
def upload_part(client, bucket, key, upload_id, number, data):
    return client.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=data)["ETag"]


@S3Errors.call("complete a multipart upload")
def complete_multipart_upload(client, bucket, key, upload_id, parts):
    return client.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})


@S3Errors.delete("abort a multipart upload")
def abort_multipart_upload(client, bucket, key, upload_id):
    return client.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)


def multipart_upload(client, bucket, local, threshold):
    upload_id = create_multipart_upload(client, bucket, local)
    try:
        parts, chunk = [], part_size(local.size, threshold)
        with open(local.path, "rb") as stream:
            for number, data in enumerate(iter(lambda: stream.read(chunk), b""), start=1):
                parts.append({"PartNumber": number, "ETag": upload_part(client, bucket, local.key, upload_id, number, data)})
        return complete_multipart_upload(client, bucket, local.key, upload_id, parts)
    except BaseException:
        abort_multipart_upload(client, bucket, local.key, upload_id)
        raise


def upload(client, bucket, local, threshold):
    """Upload one file with its headers and sha256 metadata: one PutObject, or a multipart upload from ``threshold``."""
    if local.size >= threshold:
        return multipart_upload(client, bucket, local, threshold)
    return put_object(client, bucket, local)


@S3Errors.call("update the headers of an object")
def replace_headers(client, bucket, local):
    """CopyObject of the object onto itself with the new headers: the body is not uploaded again."""
    return client.copy_object(
        Bucket=bucket, Key=local.key, CopySource={"Bucket": bucket, "Key": local.key}, MetadataDirective="REPLACE", **_put_args(local)
    )


@S3Errors.call("delete objects")
def delete_objects(client, bucket, keys):
    """Delete ``keys`` with DeleteObjects, 1,000 at a time; fail naming the keys S3 refused."""
    errors = []
    for start in range(0, len(keys), 1000):
        batch = [{"Key": key} for key in keys[start : start + 1000]]
        answer = client.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
        errors.extend(answer.get("Errors", []))
    if errors:
        raise JwtPizzaAWSError(message="S3 refused to delete: " + ", ".join(f"{e['Key']} ({e.get('Code')})" for e in errors))
    return True


def read_headers(client, bucket, remote):
    """Fill ``remote.known`` from a HeadObject (sha256 metadata, Content-Type, Cache-Control)."""
    head = head_object(client, bucket, remote.key)
    if head is not None:
        remote.known.update(
            sha256=(head.get("Metadata") or {}).get(SHA256_META),
            content_type=head.get("ContentType"),
            cache_control=head.get("CacheControl"),
        )
    return remote


def read_retired(client, bucket, remote):
    """Fill ``remote.known["retired_at"]`` from the object's tags."""
    tags = {tag["Key"]: tag["Value"] for tag in get_tags(client, bucket, remote.key)}
    remote.known["retired_at"] = tags.get(RETIRED_TAG)
    return remote


def set_retired(client, bucket, key, retired_at):
    """Add (a timestamp) or remove (None) the retirement tag of an object, keeping its other tags."""
    tags = [tag for tag in get_tags(client, bucket, key) if tag["Key"] != RETIRED_TAG]
    if retired_at is not None:
        tags.append({"Key": RETIRED_TAG, "Value": retired_at})
    return put_tags(client, bucket, key, tags) if tags else delete_tags(client, bucket, key)


# ---------------------------------------------------------------- the manifest


def apply_manifest(remote, manifest):
    """Copy the manifest's knowledge into ``remote`` for every object whose ETag and LastModified still match."""
    entries = (manifest or {}).get("objects") or {}
    for key, obj in remote.items():
        entry = entries.get(key)
        if isinstance(entry, dict) and entry.get("etag") == obj.etag and entry.get("last_modified") == obj.last_modified:
            obj.known.update(entry.get("known") or {})


def build_manifest(listing, known):
    """The manifest of a listing: per key its ETag, LastModified and what is known of it (``known``: key -> dict)."""
    objects = {
        key: {"etag": obj.etag, "last_modified": obj.last_modified, "known": known.get(key, obj.known)}
        for key, obj in sorted(listing.items())
    }
    return {"version": MANIFEST_VERSION, "objects": objects}


# ---------------------------------------------------------------- the plan


def same_content(local, remote):
    """Single-part objects: the ETag is the MD5; multipart ones (ETag "...-N"): the sha256 metadata."""
    if remote.multipart:
        return remote.known.get("sha256") == local.sha256
    return remote.etag == local.md5


def to_inspect(local, remote, delete, keep_previous):
    """(keys whose headers must be read, keys whose tags must be read): only what the plan needs and nobody knows."""
    heads, tags = [], []
    for key, obj in remote.items():
        mine = local.get(key)
        if mine is not None:
            # Same content: its headers decide; changed content: the old Cache-Control decides the invalidation.
            if not obj.knows("content_type") and (obj.multipart or same_content(mine, obj) or "immutable" in mine.cache_control):
                heads.append(key)
            if not obj.knows("retired_at") and keep_previous and is_hashed(key):
                tags.append(key)
        elif delete:
            if not obj.knows("content_type"):
                heads.append(key)
            if not obj.knows("retired_at") and keep_previous and is_hashed(key):
                tags.append(key)
    return heads, tags


@dataclass
class Plan:
    uploads: list = field(default_factory=list)
    metadata_updates: list = field(default_factory=list)
    deletes: list = field(default_factory=list)
    retire: list = field(default_factory=list)
    restore: list = field(default_factory=list)
    retained: list = field(default_factory=list)
    unchanged: int = 0

    @property
    def writes(self):
        return bool(self.uploads or self.metadata_updates or self.deletes or self.retire or self.restore)

    def phases(self):
        """The writes in the order that never breaks a visitor: (name, keys) pairs, each phase done before the next.

        Non-HTML uploads, then header updates of non-HTML files, then HTML files other than index.html, then
        index.html at the root; deletions (and retirement tags) come after.
        """
        phases = []
        for rank in (0, 1, 2):
            phases.append(("upload", [key for key in self.uploads if html_rank(key) == rank]))
            phases.append(("update", [key for key in self.metadata_updates if html_rank(key) == rank]))
        return phases


def plan_sync(local, remote, delete=True, keep_previous=0, now="", exclude=()):
    """What to do so that the bucket serves ``local``; ``remote`` must hold what ``to_inspect`` asked for.

    ``now`` is the retirement timestamp of this run; ``exclude`` keys (the manifest) are never touched.
    """
    plan = Plan()
    for key, mine in sorted(local.items()):
        obj = remote.get(key)
        if obj is None or not same_content(mine, obj):
            plan.uploads.append(key)
        elif (obj.known.get("content_type"), obj.known.get("cache_control")) != (mine.content_type, mine.cache_control):
            plan.metadata_updates.append(key)
        else:
            plan.unchanged += 1
        if obj is not None and obj.known.get("retired_at") and key not in plan.uploads:
            plan.restore.append(key)
    if not delete:
        return plan
    candidates = {}
    for key, obj in sorted(remote.items()):
        if key in local or key in exclude:
            continue
        if keep_previous and is_hashed(key):
            retired_at = obj.known.get("retired_at")
            if not retired_at:
                plan.retire.append(key)
                retired_at = now
            candidates[key] = retired_at
        else:
            plan.deletes.append(key)
    kept = set(sorted(set(candidates.values()), reverse=True)[:keep_previous])
    plan.retained = [key for key in sorted(candidates) if candidates[key] in kept]
    plan.deletes = sorted(plan.deletes + [key for key in candidates if candidates[key] not in kept])
    plan.retire = [key for key in plan.retire if key in plan.retained]
    return plan


def invalidation_paths(plan, local, remote):
    """Paths of the changed or deleted objects whose Cache-Control, new or old, is not immutable (an unknown old
    one counts as not immutable), and "/" with "/index.html"; sorted."""
    paths = set()
    for key in [*plan.uploads, *plan.metadata_updates, *plan.deletes]:
        controls = [local[key].cache_control] if key in local else []
        if key in remote:
            controls.append(remote[key].known.get("cache_control") if remote[key].knows("content_type") else None)
        if not all(control and "immutable" in control for control in controls):
            paths.add("/" + key)
    if "/index.html" in paths:
        paths.add("/")
    return sorted(paths)


def summary(obj):
    """What --diff shows of an object: its headers and SHA-256 (None when it does not exist)."""
    if obj is None:
        return None
    if isinstance(obj, LocalFile):
        return obj.headers
    return {name: obj.known.get(name) for name in ("content_type", "cache_control", "sha256") if name in obj.known} or {"etag": obj.etag}
