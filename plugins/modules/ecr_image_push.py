#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ecr_image_push
short_description: Push an image archive (OCI layout or docker save tar) to an ECR repository, without a container engine
version_added: 0.1.0
description:
  - Reads one image from I(source) and pushes it to the ECR repository I(repository) through the ECR API
    (C(BatchCheckLayerAvailability), C(InitiateLayerUpload), C(UploadLayerPart), C(CompleteLayerUpload),
    C(PutImage)), so no Docker daemon and no registry login are needed.
  - The archive is checked before any call to AWS; every blob must hash to its digest and have its size, and the
    uncompressed layers of a docker save archive must equal the config's C(rootfs.diff_ids).
  - An OCI layout keeps its manifest bytes exactly (the digest is the one the layout gives). A classic docker save
    archive becomes a Docker v2 schema 2 manifest whose layers are gzip-compressed deterministically, so the same
    archive always gives the same digest.
  - The tags are read first (C(DescribeImages)). A tag that already names the image needs nothing; when every tag
    does, nothing is uploaded and nothing is put (C(changed=false)). Otherwise only the blobs that
    C(BatchCheckLayerAvailability) does not report as C(AVAILABLE) are uploaded, then C(PutImage) is called once
    per tag to set, with the exact manifest bytes and their sha256 as C(imageDigest).
author:
  - jwtpizza.cloud developers (@jwtpizza)
notes:
  - Blobs are uploaded in parts of the C(partSize) that C(InitiateLayerUpload) returns, kept within ECR's limits
    (5 MiB to 20 MiB; the last part may be smaller). Empty blobs are refused, as ECR refuses them.
  - A tag that names another image is moved in a C(MUTABLE) repository. In an C(IMMUTABLE) repository (or for a
    tag that C(imageTagMutabilityExclusionFilters) makes immutable) the module fails before any upload, in check
    mode too.
  - From a multi-platform index only the manifest of I(platform) is pushed (not the index). Attestation manifests
    and manifests of platform C(unknown/unknown) are never chosen.
options:
  repository:
    description: Name of the ECR repository; it must exist (see M(jwtpizza.cloud.ecr_repository)).
    type: str
    required: true
  registry_id:
    description: Account ID of the registry that holds the repository; the caller's account when unset.
    type: str
  source:
    description:
      - Path of the image archive on the managed host.
      - An OCI image layout folder, or a tar of one as C(docker buildx build --output type=oci,dest=x.tar) writes.
      - A C(docker save) archive, folder or tar; both the classic format (C(manifest.json), C(<id>.json),
        C(<id>/layer.tar)) and the newer one that carries an OCI layout (which is then read).
      - Without it nothing is pushed - the module checks that every tag of O(tags) is in the repository, on one
        image, and returns that image (a deploy of a tag CI pushed earlier); a missing tag fails, naming it.
    type: path
  tags:
    description:
      - Tags the image gets in the repository, each matching C(^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$).
      - Tags of the repository not listed here are left alone.
    type: list
    elements: str
    required: true
  platform:
    description:
      - Which manifest to take from a multi-platform index, as C(os/architecture[/variant]).
      - An index with a single manifest (and a docker save archive of one image) needs no match.
    type: str
    default: linux/arm64
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
attributes:
  check_mode:
    support: full
    details:
      - C(BatchCheckLayerAvailability) and C(DescribeImages) are reads, so check mode reports exactly which blobs would
        be uploaded and which tags would be put; it uploads and puts nothing.
      - When the repository does not exist yet (the same check run would create it), every blob and tag is reported
        and RV(image_uri) is empty.
  diff_mode:
    support: full
    details:
      - The digest each requested tag names before and after the run (null for a tag that does not exist).
"""

EXAMPLES = r"""
- name: Build the backend image as an OCI layout (no container engine needed)
  ansible.builtin.command:
    cmd: python3 tools/oci_image.py build --context extras/demo-backend --output build/backend-oci --platform linux/arm64
    creates: build/backend-oci/index.json

- name: Push it to the repository with two tags
  jwtpizza.cloud.ecr_image_push:
    repository: jwt-pizza-dev-service
    source: build/backend-oci
    tags:
      - latest
      - "{{ backend_version }}"
  register: pushed

- name: Push the arm64 image of a multi-platform buildx archive
  jwtpizza.cloud.ecr_image_push:
    repository: jwt-pizza-dev-service
    source: build/backend.oci.tar
    platform: linux/arm64
    tags: [latest]

- name: Show the image to deploy, by digest
  ansible.builtin.debug:
    msg: "{{ pushed.image_uri }} ({{ pushed.bytes_uploaded }} bytes uploaded, {{ pushed.tags_changed }} set)"
"""

RETURN = r"""
digest:
  description: Digest of the pushed manifest (sha256 of its exact bytes).
  returned: always
  type: str
  sample: sha256:3b8f9d0c5e2a47f1b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d
tags:
  description: Every requested tag (each names RV(digest) after the run).
  returned: always
  type: list
  elements: str
  sample: [latest, "1.4.2"]
tags_changed:
  description: The tags this run set or moved (or would, in check mode).
  returned: always
  type: list
  elements: str
  sample: ["1.4.2"]
image_uri:
  description: URI of the image by digest, for a task definition; empty when the repository does not exist (check mode).
  returned: always
  type: str
  sample: >-
    123456789012.dkr.ecr.us-west-2.amazonaws.com/jwt-pizza-dev-service@sha256:3b8f9d0c5e2a47f1b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d
bytes_uploaded:
  description: Bytes of the blobs uploaded (or that would be, in check mode).
  returned: always
  type: int
  sample: 18765432
layers_uploaded:
  description: Digests of the blobs (layers and the config) uploaded, or that would be in check mode.
  returned: always
  type: list
  elements: str
  sample: [sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08]
layers_skipped:
  description: Digests of the blobs (layers and the config) the repository already held, so not uploaded.
  returned: always
  type: list
  elements: str
  sample: [sha256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752]
manifest_media_type:
  description: Media type of the pushed manifest.
  returned: always
  type: str
  sample: application/vnd.oci.image.manifest.v1+json
platform:
  description: Platform of the pushed image, from its config (C(os/architecture[/variant])).
  returned: always
  type: str
  sample: linux/arm64
"""

import re

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import DiffTracker
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import ECRErrors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import error_code
from ansible_collections.jwtpizza.cloud.plugins.module_utils._oci import ImageArchiveError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._oci import open_image
from ansible_collections.jwtpizza.cloud.plugins.module_utils._oci import parse_platform

TAG = re.compile(r"^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$")
MIB = 1024 * 1024
MIN_PART = 5 * MIB  # ECR: smallest part but the last
MAX_PART = 20 * MIB  # ECR: largest part
BATCH = 100  # most digests one BatchCheckLayerAvailability takes
TAG_EXISTS = ("ImageTagAlreadyExistsException", "ImageAlreadyExistsException")


@ECRErrors.lookup("describe repository")
def describe_repository(client, **ids):
    return next(iter(client.describe_repositories(**ids).get("repositories", [])), None)


@ECRErrors.lookup("describe image by tag")
def describe_image_digest(client, tag, **ids):
    """The digest the tag names, None when no image has it (DescribeImages answers ImageNotFoundException)."""
    details = client.describe_images(imageIds=[{"imageTag": tag}], **ids).get("imageDetails", [])
    return next((item.get("imageDigest") for item in details if tag in (item.get("imageTags") or [])), None)


@ECRErrors.call("check layer availability")
def batch_check_layer_availability(client, digests, **ids):
    answer = client.batch_check_layer_availability(layerDigests=digests, **ids)
    return {layer["layerDigest"] for layer in answer.get("layers", []) if layer.get("layerAvailability") == "AVAILABLE"}


@ECRErrors.call("initiate layer upload")
def initiate_layer_upload(client, **ids):
    answer = client.initiate_layer_upload(**ids)
    return answer["uploadId"], answer.get("partSize")


@ECRErrors.call("upload layer part")
def upload_layer_part(client, upload_id, first, data, **ids):
    client.upload_layer_part(uploadId=upload_id, partFirstByte=first, partLastByte=first + len(data) - 1,
                             layerPartBlob=data, **ids)


@ECRErrors.call("complete layer upload", retries=1)
def complete_layer_upload(client, upload_id, digest, **ids):
    return client.complete_layer_upload(uploadId=upload_id, layerDigests=[digest], **ids).get("layerDigest")


@ECRErrors.call("put image", retries=1)
def put_image(client, manifest, media_type, digest, tag, **ids):
    client.put_image(imageManifest=manifest, imageManifestMediaType=media_type, imageDigest=digest, imageTag=tag, **ids)


def bad_tags(tags):
    return [tag for tag in tags if not isinstance(tag, str) or not TAG.match(tag)]


def part_size(offered):
    """The part size to upload with: the one ECR offers, within 5-20 MiB (10 MiB when it offers none)."""
    return min(MAX_PART, max(MIN_PART, offered or 10 * MIB))


def tag_is_immutable(repository, tag):
    """Whether the repository forbids moving ``tag``: its mutability, with the exclusion filters (``*`` wildcards)."""
    mutability = repository.get("imageTagMutability") or "MUTABLE"
    filters = [item.get("filter", "") for item in repository.get("imageTagMutabilityExclusionFilters") or []]
    excluded = any(re.fullmatch(".*".join(map(re.escape, f.split("*"))), tag) for f in filters if f)
    if mutability == "IMMUTABLE_WITH_EXCLUSION":
        return not excluded
    if mutability == "MUTABLE_WITH_EXCLUSION":
        return excluded
    return mutability == "IMMUTABLE"


def read_exactly(stream, size):
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class EcrImagePush:
    def __init__(self, module):
        self.module = module
        params = module.params
        self.name = params["repository"]
        self.ids = {"repositoryName": self.name}
        if params["registry_id"]:
            self.ids["registryId"] = params["registry_id"]
        self.source = params["source"]
        self.platform = params["platform"]
        self.tags = list(dict.fromkeys(params["tags"]))
        self.client = module.client("ecr")

    def ensure_present(self):
        if not self.source:
            return self.find_tags()
        try:
            image = open_image(self.source, self.platform)
        except (ImageArchiveError, OSError) as exc:
            raise JwtPizzaAWSError(message=f"source {self.source}: {exc}") from exc
        with image:
            return self.push(image)

    def find_tags(self):
        """No archive: every tag must already be in the repository, on one image."""
        repository = describe_repository(self.client, repositoryNames=[self.name], **self.registry())
        if repository is None:
            raise JwtPizzaAWSError(message=f"ECR repository {self.name} does not exist; create it first "
                                   "(jwtpizza.cloud.ecr_repository)")
        current = self.current_digests()
        missing = [tag for tag in self.tags if tag not in current]
        if missing:
            raise JwtPizzaAWSError(message=f"tag {', '.join(missing)} is not in the ECR repository {self.name}: push "
                                   "the image first (give source), or deploy a tag that is there")
        digests = sorted(set(current.values()))
        if len(digests) > 1:
            raise JwtPizzaAWSError(message=f"the tags {', '.join(self.tags)} of {self.name} name different images: "
                                   f"{', '.join(digests)}")
        return {
            "changed": False,
            "digest": digests[0],
            "tags": self.tags,
            "tags_changed": [],
            "image_uri": f"{repository['repositoryUri']}@{digests[0]}",
            "bytes_uploaded": 0,
            "layers_uploaded": [],
            "layers_skipped": [],
            "manifest_media_type": "",
            "platform": "",
        }

    def current_digests(self, tags=None):
        """{tag: digest} of the requested tags (or of ``tags``) that exist in the repository.

        One DescribeImages per tag: its imageTags lists every tag of the image, where BatchGetImage's imageId carries
        only one of them.
        """
        found = {tag: describe_image_digest(self.client, tag, **self.ids) for tag in (tags or self.tags)}
        return {tag: digest for tag, digest in found.items() if digest}

    def missing_blobs(self, image):
        digests = [blob.digest for blob in image.blobs]
        available = set()
        for start in range(0, len(digests), BATCH):
            available |= batch_check_layer_availability(self.client, digests[start:start + BATCH], **self.ids)
        return [blob for blob in image.blobs if blob.digest not in available]

    def result(self, image, repository, tags_changed, uploaded, current):
        tracker = DiffTracker()
        for tag in self.tags:
            tracker.add(tag, current.get(tag), image.digest)
        uploaded_digests = {blob.digest for blob in uploaded}
        uri = (repository or {}).get("repositoryUri")
        return {
            "changed": bool(tags_changed),
            "digest": image.digest,
            "tags": self.tags,
            "tags_changed": tags_changed,
            "image_uri": f"{uri}@{image.digest}" if uri else "",
            "bytes_uploaded": sum(blob.size for blob in uploaded),
            "layers_uploaded": [blob.digest for blob in uploaded],
            "layers_skipped": [blob.digest for blob in image.blobs if blob.digest not in uploaded_digests],
            "manifest_media_type": image.media_type,
            "platform": image.platform,
            "diff": tracker,
        }

    def push(self, image):
        repository = describe_repository(self.client, repositoryNames=[self.name], **self.registry())
        if repository is None:
            if not self.module.check_mode:
                raise JwtPizzaAWSError(message=f"ECR repository {self.name} does not exist; create it first "
                                       "(jwtpizza.cloud.ecr_repository)")
            return self.result(image, None, list(self.tags), image.blobs, {})
        current = self.current_digests()
        to_put = [tag for tag in self.tags if current.get(tag) != image.digest]
        self.refuse_immutable(repository, {tag: current[tag] for tag in to_put if tag in current}, image.digest)
        if not to_put:
            return self.result(image, repository, [], [], current)
        missing = self.missing_blobs(image)
        if self.module.check_mode:
            return self.result(image, repository, to_put, missing, current)
        for blob in missing:  # the layers, then the config: all of them before the first PutImage
            self.upload(blob)
        changed = [tag for tag in to_put if self.put(image, repository, tag)]
        return self.result(image, repository, changed, missing, current)

    def registry(self):
        return {"registryId": self.ids["registryId"]} if "registryId" in self.ids else {}

    def refuse_immutable(self, repository, moved, digest):
        """Fail when a tag to move (``moved``: {tag: its current digest}) is immutable in the repository."""
        refused = [f"{tag} (on {moved[tag]})" for tag in moved if tag_is_immutable(repository, tag)]
        if refused:
            raise JwtPizzaAWSError(
                message=f"ECR repository {self.name} has immutable tags (imageTagMutability "
                f"{repository.get('imageTagMutability')}): tag {', '.join(refused)} cannot move to {digest}; "
                "push with a new tag"
            )

    def upload(self, blob):
        upload_id, offered = initiate_layer_upload(self.client, **self.ids)
        size, offset = part_size(offered), 0
        with blob.open() as stream:
            while offset < blob.size:
                data = read_exactly(stream, min(size, blob.size - offset))
                if not data:
                    raise JwtPizzaAWSError(message=f"source {self.source}: blob {blob.digest} ended after {offset} "
                                           f"of {blob.size} bytes")
                upload_layer_part(self.client, upload_id, offset, data, **self.ids)
                offset += len(data)
        try:
            stored = complete_layer_upload(self.client, upload_id, blob.digest, **self.ids)
        except JwtPizzaAWSError as exc:
            if error_code(exc) != "LayerAlreadyExistsException":
                raise
            return
        if stored and stored != blob.digest:
            raise JwtPizzaAWSError(message=f"ECR stored blob {blob.digest} as {stored}")

    def put(self, image, repository, tag):
        """PutImage for one tag; False when ECR says the tag already names this image."""
        try:
            put_image(self.client, image.manifest.decode("utf-8"), image.media_type, image.digest, tag, **self.ids)
        except JwtPizzaAWSError as exc:
            if error_code(exc) not in TAG_EXISTS:
                raise
            # ImageAlreadyExistsException also means "this very image already has the tag": read which it is.
            now = self.current_digests([tag]).get(tag)
            if now == image.digest:
                return False
            if now is None:
                raise
            self.refuse_immutable(dict(repository, imageTagMutability="IMMUTABLE"), {tag: now}, image.digest)
        return True


def main():
    module = JwtPizzaModule(
        argument_spec=dict(
            repository=dict(type="str", required=True),
            registry_id=dict(type="str"),
            source=dict(type="path"),
            tags=dict(type="list", elements="str", required=True),
            platform=dict(type="str", default="linux/arm64"),
        ),
        supports_check_mode=True,
    )
    if not module.params["tags"]:
        module.fail_json(msg="tags: give at least one tag")
    invalid = bad_tags(module.params["tags"])
    if invalid:
        module.fail_json(msg=f"tags: {', '.join(map(repr, invalid))} does not match ^[a-zA-Z0-9_][a-zA-Z0-9._-]{{0,127}}$ "
                         "(ECR's tag rule)")
    try:
        parse_platform(module.params["platform"])
    except ImageArchiveError as exc:
        module.fail_json(msg=str(exc))
    module.run(EcrImagePush(module).ensure_present)


if __name__ == "__main__":
    main()
