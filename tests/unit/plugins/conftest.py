"""Image archives for the tests of the ECR push: built with tools/oci_image.py (OCI layouts, docker save archives,
folders and tars) and merged into multi-platform indexes."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import random
import shutil
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "extras" / "demo-backend"


def _load_tool():
    spec = importlib.util.spec_from_file_location("jwtpizza_oci_image_tool", ROOT / "tools" / "oci_image.py")
    tool = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = tool  # dataclasses look their module up there
    spec.loader.exec_module(tool)
    return tool


oci_image = _load_tool()


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Built:
    """An archive written by build(): its path, and the image (tools/oci_image.Image) it holds."""

    def __init__(self, path, image):
        self.path = str(path)
        self.image = image

    @property
    def manifest(self):
        """The manifest bytes of an OCI build (the blob index.json points to)."""
        return self.image.files["blobs/sha256/" + self.image.manifest_digest.split(":")[1]]


def build(output, fmt="oci", tar=False, context=DEMO, platform="linux/arm64", **options):
    image = oci_image.build(Path(context), fmt=fmt, platform=platform, tag="jwt-pizza-service:v1",
                            cmd=["node", "index.js", "80"], **options)
    oci_image.write(image, Path(output), tar)
    return Built(output, image)


def big_context(directory, size=11 * 1024 * 1024, seed=8):
    """A context of one file of ``size`` random bytes (they do not compress: the layer blob is about as big)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "blob.bin").write_bytes(random.Random(seed).randbytes(size))
    return directory


def multi_platform(output, parts, nested=True, attestation=True):
    """An OCI layout whose index lists the manifests of ``parts`` (Built OCI folders), as buildx writes it: with
    ``nested``, index.json points to one image index that lists them (plus an attestation manifest)."""
    output = Path(output)
    (output / "blobs" / "sha256").mkdir(parents=True)
    descriptors = []
    for part in parts:
        for name in Path(part.path, "blobs", "sha256").iterdir():
            shutil.copy(name, output / "blobs" / "sha256" / name.name)
        descriptors.append(json.loads(Path(part.path, "index.json").read_bytes())["manifests"][0])
    if attestation:
        statement = b'{"_type":"https://in-toto.io/Statement/v0.1"}'
        blob(output, statement)
        config = b"{}"
        blob(output, config)
        manifest = json.dumps({"schemaVersion": 2, "mediaType": oci_image.OCI_MANIFEST,
                               "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha(config),
                                          "size": len(config)},
                               "layers": [{"mediaType": "application/vnd.in-toto+json", "digest": sha(statement),
                                           "size": len(statement)}]}).encode()
        blob(output, manifest)
        descriptors.append({"mediaType": oci_image.OCI_MANIFEST, "digest": sha(manifest), "size": len(manifest),
                            "platform": {"os": "unknown", "architecture": "unknown"},
                            "annotations": {"vnd.docker.reference.type": "attestation-manifest",
                                            "vnd.docker.reference.digest": descriptors[0]["digest"]}})
    index = {"schemaVersion": 2, "mediaType": oci_image.OCI_INDEX, "manifests": descriptors}
    if nested:
        data = json.dumps(index).encode()
        blob(output, data)
        index = {"schemaVersion": 2, "mediaType": oci_image.OCI_INDEX,
                 "manifests": [{"mediaType": oci_image.OCI_INDEX, "digest": sha(data), "size": len(data)}]}
    (output / "index.json").write_text(json.dumps(index))
    (output / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
    return str(output)


def blob(layout, data):
    Path(layout, "blobs", "sha256", sha(data).split(":")[1]).write_bytes(data)


@pytest.fixture(scope="session")
def archives():
    """This file's helpers (build, multi_platform, big_context, sha, oci_image), for the tests that build images.

    A namespace, not this module: several conftest modules of the suite share the name ``conftest``."""
    return types.SimpleNamespace(build=build, multi_platform=multi_platform, big_context=big_context, sha=sha,
                                 oci_image=oci_image)


@pytest.fixture
def image_builder(tmp_path):
    """image_builder(name, fmt="oci", tar=False, **options) -> Built, under tmp_path."""

    def make(name, fmt="oci", tar=False, **options):
        return build(tmp_path / name, fmt=fmt, tar=tar, **options)

    return make


@pytest.fixture(scope="session")
def big_oci(tmp_path_factory):
    """An OCI layout folder whose one layer is a gzip blob of about 11 MiB (built once): more than one part."""
    base = tmp_path_factory.mktemp("big")
    return build(base / "oci", context=big_context(base / "context"))
