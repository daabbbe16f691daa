#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: s3_site_sync
short_description: Publish a built single-page app (a dist/ folder) to an S3 bucket, by content
version_added: 0.1.0
description:
  - Makes the bucket O(bucket) serve the files of the built site folder O(src), with a Content-Type per
    extension and a Cache-Control per rule, uploading only what changed.
  - Files are compared by content, never by modification time, so an identical rebuild uploads nothing. A
    single-part object is compared by its ETag (its MD5); every object this module uploads also carries the
    metadata C(sha256) (hex), by which multipart objects (ETag ending in C(-N)) are compared.
  - An object whose content is the same but whose Content-Type or Cache-Control differs from the rules (a changed
    rule) gets its new headers by a C(CopyObject) onto itself with C(MetadataDirective=REPLACE); its body is not
    uploaded again.
  - "Writes are ordered so that a visitor never loads a page whose assets are missing: new and changed non-HTML
    files first (in parallel), then header updates of non-HTML files, then the HTML files, C(index.html) at the
    root last of all, then deletions."
  - Replaces C(community.aws.s3_sync), which sets one Cache-Control for every file and compares by size and
    modification time.
author: jwtpizza.cloud developers (@jwtpizza)
options:
  bucket:
    description: Name of the bucket.
    type: str
    required: true
  src:
    description:
      - The built site folder (for example C(dist/)); it must exist, hold files and have an C(index.html) at
        its root. Keys are the paths relative to it, with C(/).
    type: path
    required: true
  delete:
    description:
      - Delete the objects of the bucket that are no longer in the build (except those kept by O(keep_previous)
        and the manifest O(manifest_key)).
    type: bool
    default: true
  cache_control_rules:
    description:
      - Ordered rules giving the Cache-Control of each key; the first rule whose O(cache_control_rules[].pattern)
        matches the key wins; a key that no rule matches gets C(no-cache).
      - The default gives content-hashed file names (a name part of 8 or more base64url characters, with a digit
        or a capital, after a C(-) or C(.) right before the extension, such as C(assets/index-BS7pzLvu.js))
        C(public, max-age=31536000, immutable), and everything else C(no-cache).
    type: list
    elements: dict
    suboptions:
      pattern:
        description: Python regular expression searched in the key (C(re.search); anchor it with C(^) and C($)).
        type: str
        required: true
      cache_control:
        description: The Cache-Control header of the matching objects.
        type: str
        required: true
  content_types:
    description:
      - Extension (without or with the dot, any case) to Content-Type, overriding the built-in table.
      - "Built in: C(.html) C(text/html; charset=utf-8), C(.js) and C(.mjs) C(text/javascript; charset=utf-8),
        C(.css) C(text/css; charset=utf-8), C(.svg) C(image/svg+xml), C(.json) and C(.map) C(application/json),
        C(.webmanifest) C(application/manifest+json), C(.wasm) C(application/wasm), C(.txt)
        C(text/plain; charset=utf-8), C(.ico) C(image/x-icon), C(.png), C(.jpg), C(.webp), C(.avif), C(.gif),
        C(.woff) and C(.woff2) (C(font/...)), C(.xml) C(application/xml); anything else
        C(application/octet-stream). The machine's C(mimetypes) database is not used."
    type: dict
  keep_previous:
    description:
      - Number of earlier deploys whose content-hashed files (see O(cache_control_rules)) are kept when they
        leave the build, so that a page opened before the deploy can still load its scripts and styles.
      - "When a hashed file leaves the build it is tagged C(jwtpizza-sync-retired-at=<UTC time of the run>)
        (find them with C(aws s3api get-object-tagging)); the files of the O(keep_previous) most recent
        retirement times are kept and reported in RV(retained), older ones are deleted. A run that retires
        nothing counts no deploy, so repeating a run changes nothing. A kept file that comes back into the
        build loses its tag."
      - Only with O(delete=true). V(0) deletes every file that left the build.
    type: int
    default: 0
  max_concurrency:
    description: Uploads, header updates and reads made in parallel (a thread pool).
    type: int
    default: 8
  multipart_threshold:
    description:
      - Files of this size in bytes or more are uploaded in parts (of at least 5 MiB, the S3 minimum).
    type: int
    default: 8388608
  manifest_key:
    description:
      - Key of the JSON object in which the module records, per object, the ETag and LastModified it saw and
        the headers it wrote, so that a run that changes nothing needs one listing and one read instead of a
        C(HeadObject) per file. An entry counts only while the listing still shows that ETag and LastModified,
        so an object written by anyone else is read again (S3 keeps LastModified to the second, so a change made
        in the same second as this module's own write is seen only once the object changes again).
      - The manifest holds only names, hashes and headers that the site serves anyway; it is readable through
        the distribution like any object. An empty string disables it (one C(HeadObject) per file and run).
    type: str
    default: .jwtpizza-sync.json
notes:
  - "Calls of a run that changes nothing: one C(ListObjectsV2) per 1,000 objects and one C(GetObject) of the
    manifest (2 calls for a 20-file build); without the manifest, one C(HeadObject) per object besides
    (21 calls). A run that writes lists the bucket once more and rewrites the manifest."
  - "RV(invalidation_paths) lists the changed or deleted paths whose Cache-Control, new or old, is not
    immutable, and C(/) when C(/index.html) is among them: CloudFront caches the default root object under
    C(/) separately from C(/index.html), and invalidating one does not invalidate the other (Amazon CloudFront
    Developer Guide, I(Invalidate files) - I(Invalidating the default root object),
    U(https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/Invalidation.html))."
  - Buckets encrypted with SSE-KMS give ETags that are not MD5s; their single-part objects are then uploaded on
    every run. This module expects SSE-S3 (AES256, the default of the collection's bucket role).
  - Changing the headers of an object with C(CopyObject) works up to 5 GB per object.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
attributes:
  check_mode:
    support: full
    description: Lists exactly what would be uploaded, updated, retained and deleted, and writes nothing.
  diff_mode:
    support: full
    description: With C(--diff), shows per changed key its headers and SHA-256 before and after (none when absent).
"""

EXAMPLES = r"""
- name: Publish the frontend build, keeping the assets of the two previous deploys
  jwtpizza.cloud.s3_site_sync:
    bucket: jwtpizza-prod-frontend
    src: "{{ playbook_dir }}/../jwt-pizza/dist"
    keep_previous: 2
  register: site_sync

- name: Invalidate what changed
  jwtpizza.cloud.cloudfront_invalidate:
    distribution_name: jwtpizza-prod
    paths: "{{ site_sync.invalidation_paths }}"
    reference_seed: "{{ frontend_version }}"

- name: Cache the service worker for one minute, everything else as by default
  jwtpizza.cloud.s3_site_sync:
    bucket: jwtpizza-prod-frontend
    src: dist
    cache_control_rules:
      - pattern: ^sw\.js$
        cache_control: public, max-age=60
      - pattern: '[-.][A-Za-z0-9_-]{8,}\.(js|css|woff2)$'
        cache_control: public, max-age=31536000, immutable
    content_types:
      webmanifest: application/manifest+json
"""

RETURN = r"""
build_digest:
  description:
    - SHA-256 over every file's key and content digest - the same for an identical rebuild, different for any
      other build. Pass it as C(reference_seed) of C(jwtpizza.cloud.cloudfront_invalidate), so a retried deploy
      reuses its invalidation while the next deploy gets its own.
  type: str
  returned: always
  sample: 3f0a3b5c0d6e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2
uploaded:
  description: Keys uploaded (new or changed content), sorted.
  type: list
  elements: str
  returned: always
  sample: [assets/index-BS7pzLvu.js, index.html]
metadata_updated:
  description: Keys whose Content-Type or Cache-Control was replaced without uploading the body.
  type: list
  elements: str
  returned: always
  sample: [robots.txt]
deleted:
  description: Keys deleted.
  type: list
  elements: str
  returned: always
  sample: [assets/index-VZ3H6UEj.js]
retained:
  description: Keys no longer in the build but kept because of O(keep_previous).
  type: list
  elements: str
  returned: always
  sample: [assets/index-sv4TJcTp.css]
restored:
  description: Kept keys that are in the build again and lost their retirement tag.
  type: list
  elements: str
  returned: always
  sample: []
unchanged:
  description: Number of files of the build already in the bucket with the right content and headers.
  type: int
  returned: always
  sample: 18
bytes_uploaded:
  description: Bytes uploaded.
  type: int
  returned: always
  sample: 148230
changed_paths:
  description: C(/key) of every uploaded, updated or deleted object, sorted.
  type: list
  elements: str
  returned: always
  sample: [/assets/index-BS7pzLvu.js, /assets/index-VZ3H6UEj.js, /index.html]
invalidation_paths:
  description:
    - The paths to invalidate in CloudFront, sorted - the changed or deleted paths whose Cache-Control (new or
      old) is not immutable, and C(/) when C(/index.html) is among them.
  type: list
  elements: str
  returned: always
  sample: [/, /index.html]
"""

import datetime
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _s3_sync as sync
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import DiffTracker
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule


def utc_now():
    """The retirement time of this run (UTC, to the second)."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parallel(func, items, workers):
    """``func(item)`` for every item on a pool of ``workers`` threads; the first error is raised once all ended."""
    if not items:
        return []
    # workers >= 1 (max_concurrency is checked) and items is not empty.
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        futures = [pool.submit(func, item) for item in items]
    return [future.result() for future in futures]


class SiteSyncManager:
    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.bucket = module.params["bucket"]
        self.workers = module.params["max_concurrency"]
        self.manifest_key = module.params["manifest_key"] or ""
        self.client = module.client("s3")

    def scan(self):
        rules = self.params["cache_control_rules"]
        if rules is None:
            rules = list(sync.DEFAULT_RULES)
        try:
            local = sync.scan_build(self.params["src"], rules, self.params["content_types"])
        except sync.BuildError as exc:
            self.module.fail_json(msg=str(exc))
        if self.manifest_key in local:
            self.module.fail_json(msg=f"src holds {self.manifest_key!r}, the key of manifest_key: choose another manifest_key")
        return local

    def read_bucket(self, local):
        """The listing (without the manifest), with what the manifest and the reads the plan needs tell of each object."""
        listing = sync.list_objects(self.client, self.bucket)
        manifest = {}
        if self.manifest_key and listing.pop(self.manifest_key, None) is not None:
            manifest = sync.get_manifest(self.client, self.bucket, self.manifest_key) or {}
        sync.apply_manifest(listing, manifest)
        heads, tags = sync.to_inspect(local, listing, self.params["delete"], self.params["keep_previous"])
        parallel(lambda key: sync.read_headers(self.client, self.bucket, listing[key]), heads, self.workers)
        parallel(lambda key: sync.read_retired(self.client, self.bucket, listing[key]), tags, self.workers)
        return listing, manifest

    def write(self, plan, local, now):
        threshold = self.params["multipart_threshold"]
        actions = {
            "upload": lambda key: sync.upload(self.client, self.bucket, local[key], threshold),
            "update": lambda key: sync.replace_headers(self.client, self.bucket, local[key]),
        }
        for action, keys in plan.phases():
            parallel(actions[action], keys, self.workers)
        parallel(lambda key: sync.set_retired(self.client, self.bucket, key, None), plan.restore, self.workers)
        parallel(lambda key: sync.set_retired(self.client, self.bucket, key, now), plan.retire, self.workers)
        if plan.deletes:
            sync.delete_objects(self.client, self.bucket, plan.deletes)

    def known_after(self, plan, local, remote, now):
        """What is known of every object once the plan is done, for the manifest."""
        known = {key: dict(obj.known) for key, obj in remote.items()}
        for key, mine in local.items():
            known[key] = dict(mine.headers, retired_at=None)
        for key in plan.retire:
            known[key]["retired_at"] = now
        return known

    def update_manifest(self, plan, local, remote, manifest, now):
        """Rewrite the manifest when it no longer describes the bucket; True when it was (or would be) written."""
        if not self.manifest_key:
            return False
        listing = remote
        if plan.writes and not self.module.check_mode:
            listing = sync.list_objects(self.client, self.bucket)
            listing.pop(self.manifest_key, None)
        wanted = sync.build_manifest(listing, self.known_after(plan, local, remote, now))
        if wanted == manifest:
            return False
        if not self.module.check_mode:
            sync.put_manifest(self.client, self.bucket, self.manifest_key, wanted)
        return True

    @staticmethod
    def diff(plan, local, remote):
        tracker = DiffTracker(omit_none=True)
        for key in sorted({*plan.uploads, *plan.metadata_updates, *plan.deletes, *plan.retire, *plan.restore}):
            before = sync.summary(remote.get(key))
            after = sync.summary(local.get(key))
            if key in plan.retire or key in plan.restore:
                before = dict(before or {}, retired=key in plan.restore)
                after = dict(after or before, retired=key in plan.retire)
            tracker.add(key, before, after)
        return tracker

    def ensure_present(self):
        local = self.scan()
        remote, manifest = self.read_bucket(local)
        now = utc_now()
        plan = sync.plan_sync(local, remote, self.params["delete"], self.params["keep_previous"], now)
        if not self.module.check_mode:
            self.write(plan, local, now)
        manifest_changed = self.update_manifest(plan, local, remote, manifest, now)
        changed_paths = sorted("/" + key for key in {*plan.uploads, *plan.metadata_updates, *plan.deletes})
        return {
            "changed": plan.writes or manifest_changed,
            "uploaded": plan.uploads,
            "metadata_updated": plan.metadata_updates,
            "deleted": plan.deletes,
            "retained": plan.retained,
            "restored": plan.restore,
            "unchanged": plan.unchanged,
            "bytes_uploaded": sum(local[key].size for key in plan.uploads),
            "changed_paths": changed_paths,
            "invalidation_paths": sync.invalidation_paths(plan, local, remote),
            "build_digest": sync.build_digest(local),
            "diff": self.diff(plan, local, remote),
        }


def main():
    module = JwtPizzaModule(
        argument_spec=dict(
            bucket=dict(type="str", required=True),
            src=dict(type="path", required=True),
            delete=dict(type="bool", default=True),
            cache_control_rules=dict(
                type="list",
                elements="dict",
                options=dict(pattern=dict(type="str", required=True), cache_control=dict(type="str", required=True)),
            ),
            content_types=dict(type="dict"),
            keep_previous=dict(type="int", default=0),
            max_concurrency=dict(type="int", default=8),
            multipart_threshold=dict(type="int", default=8 * 1024 * 1024),
            manifest_key=dict(type="str", default=".jwtpizza-sync.json", no_log=False),
        ),
        supports_check_mode=True,
    )
    for name, low in (("keep_previous", 0), ("max_concurrency", 1), ("multipart_threshold", 1)):
        if module.params[name] < low:
            module.fail_json(msg=f"{name} must be at least {low}")
    module.run(SiteSyncManager(module).ensure_present)


if __name__ == "__main__":
    main()
