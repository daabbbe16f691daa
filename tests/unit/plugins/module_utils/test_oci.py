# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of module_utils/_oci.py: reading OCI layouts and docker save archives built by tools/oci_image.py."""

from __future__ import annotations

import gzip
import hashlib
import json
import tarfile
from pathlib import Path

import pytest

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _oci
from ansible_collections.jwtpizza.cloud.plugins.module_utils._oci import ImageArchiveError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._oci import open_image


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("tar", [False, True], ids=["folder", "tar"])
def test_oci_layout_keeps_the_manifest_bytes(image_builder, tar):
    built = image_builder("oci", tar=tar)
    with open_image(built.path) as image:
        assert image.manifest == built.manifest
        assert image.digest == built.image.manifest_digest == sha(built.manifest)
        assert image.media_type == _oci.OCI_MANIFEST
        assert image.source_format == "oci-layout"
        assert image.platform == "linux/arm64"
        assert [b.digest for b in image.layers] == [built.image.layer_digest]
        assert image.config.digest == built.image.config_digest
        assert [b.digest for b in image.blobs] == [built.image.layer_digest, built.image.config_digest]
        for blob in image.blobs:
            data = blob.read()
            assert sha(data) == blob.digest and len(data) == blob.size


@pytest.mark.parametrize("tar", [False, True], ids=["folder", "tar"])
def test_docker_archive_becomes_a_schema2_manifest_with_deterministic_gzip_layers(image_builder, tar):
    built = image_builder("docker", fmt="docker-archive", tar=tar)
    files = built.image.files
    config_name = built.image.config_digest.split(":")[1] + ".json"
    raw_layer = files[built.image.diff_id.split(":")[1] + "/layer.tar"]
    with open_image(built.path) as image:
        manifest = json.loads(image.manifest)
        assert image.media_type == manifest["mediaType"] == "application/vnd.docker.distribution.manifest.v2+json"
        assert manifest["schemaVersion"] == 2
        assert manifest["config"] == {"mediaType": "application/vnd.docker.container.image.v1+json",
                                      "digest": built.image.config_digest, "size": len(files[config_name])}
        assert image.config.read() == files[config_name]
        config = json.loads(image.config.read())
        assert config["rootfs"]["diff_ids"] == [built.image.diff_id]
        (layer,) = manifest["layers"]
        assert layer["mediaType"] == "application/vnd.docker.image.rootfs.diff.tar.gzip"
        compressed = image.layers[0].read()
        assert (layer["digest"], layer["size"]) == (sha(compressed), len(compressed))
        assert compressed[:2] == b"\x1f\x8b" and compressed[3] == 0 and compressed[4:8] == b"\0\0\0\0"  # no name, mtime 0
        assert gzip.decompress(compressed) == raw_layer
        assert image.digest == sha(image.manifest)
        assert image.source_format == "docker-archive"
        first = image.manifest
    with open_image(built.path) as again:
        assert again.manifest == first  # the same archive always gives the same digest


def test_docker_archive_folder_and_tar_give_the_same_digest(image_builder):
    folder, tar = image_builder("f", fmt="docker-archive"), image_builder("t.tar", fmt="docker-archive", tar=True)
    with open_image(folder.path) as a, open_image(tar.path) as b:
        assert a.digest == b.digest


def test_docker_save_with_an_oci_layout_inside_is_read_as_the_layout(image_builder):
    built = image_builder("new-docker-save")
    layer = "blobs/sha256/" + built.image.layer_digest.split(":")[1]
    manifest = [{"Config": "blobs/sha256/" + built.image.config_digest.split(":")[1], "RepoTags": ["x:v1"],
                 "Layers": [layer]}]
    Path(built.path, "manifest.json").write_text(json.dumps(manifest))
    with open_image(built.path) as image:
        assert image.source_format == "oci-layout"
        assert image.manifest == built.manifest


def test_gzip_layers_of_a_docker_archive_are_kept_and_checked_against_the_diff_id(archives, image_builder):
    built = image_builder("docker", fmt="docker-archive")
    layer_path = Path(built.path, built.image.diff_id.split(":")[1], "layer.tar")
    compressed = archives.oci_image.gzip_bytes(layer_path.read_bytes())
    layer_path.write_bytes(compressed)
    with open_image(built.path) as image:
        assert image.layers[0].read() == compressed
    layer_path.write_bytes(archives.oci_image.gzip_bytes(b"other bytes"))
    with pytest.raises(ImageArchiveError, match="does not match the config's diff id"):
        open_image(built.path)


def test_docker_archive_layer_that_is_not_the_diff_id_is_refused(image_builder):
    built = image_builder("docker", fmt="docker-archive")
    layer_path = Path(built.path, built.image.diff_id.split(":")[1], "layer.tar")
    layer_path.write_bytes(layer_path.read_bytes() + b"\0" * 512)
    with pytest.raises(ImageArchiveError, match=f"diff id {built.image.diff_id}"):
        open_image(built.path)


def test_docker_archive_config_that_does_not_match_its_name_is_refused(image_builder):
    built = image_builder("docker", fmt="docker-archive")
    config = Path(built.path, built.image.config_digest.split(":")[1] + ".json")
    config.write_bytes(config.read_bytes().replace(b"arm64", b"amd64"))
    with pytest.raises(ImageArchiveError, match="does not match its name"):
        open_image(built.path)


def test_blob_that_does_not_match_its_digest_is_refused(image_builder):
    built = image_builder("oci")
    blob = Path(built.path, "blobs", "sha256", built.image.layer_digest.split(":")[1])
    data = bytearray(blob.read_bytes())
    data[-1] ^= 1
    blob.write_bytes(bytes(data))
    with pytest.raises(ImageArchiveError, match=f"does not match its digest {built.image.layer_digest}"):
        open_image(built.path)


def test_blob_whose_size_differs_from_its_descriptor_is_refused(tmp_path, image_builder):
    built = image_builder("oci")
    index = json.loads(Path(built.path, "index.json").read_text())
    index["manifests"][0]["size"] += 1
    Path(built.path, "index.json").write_text(json.dumps(index))
    with pytest.raises(ImageArchiveError, match="bytes, its descriptor says"):
        open_image(built.path)


def test_missing_blob_is_named(image_builder):
    built = image_builder("oci")
    Path(built.path, "blobs", "sha256", built.image.config_digest.split(":")[1]).unlink()
    with pytest.raises(ImageArchiveError, match=built.image.config_digest.split(":")[1] + " is missing"):
        open_image(built.path)


def test_empty_blob_is_refused(tmp_path):
    layout = Path(tmp_path, "empty")
    (layout / "blobs" / "sha256").mkdir(parents=True)
    manifest = json.dumps({"schemaVersion": 2, "mediaType": _oci.OCI_MANIFEST,
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha(b""), "size": 0},
                           "layers": []}).encode()
    for data in (b"", manifest):
        (layout / "blobs" / "sha256" / sha(data).split(":")[1]).write_bytes(data)
    (layout / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": _oci.OCI_MANIFEST, "digest": sha(manifest), "size": len(manifest)}]}))
    (layout / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
    with pytest.raises(ImageArchiveError, match="empty; ECR does not accept empty blobs"):
        open_image(str(layout))


@pytest.mark.parametrize("content", [b"just some text\n", b"", b"\x1f\x8bnot really gzip"], ids=["text", "empty", "bad-gzip"])
def test_a_file_that_is_not_an_archive_is_refused(tmp_path, content):
    path = tmp_path / "not-an-image"
    path.write_bytes(content)
    with pytest.raises(ImageArchiveError, match="not an image archive"):
        open_image(str(path))


def test_a_tar_without_an_image_is_refused(tmp_path):
    path = tmp_path / "other.tar"
    with tarfile.open(path, "w") as tar:
        info = tarfile.TarInfo("README")
        tar.addfile(info)
    with pytest.raises(ImageArchiveError, match=r"neither an OCI image layout \(index.json\) nor a docker save"):
        open_image(str(path))


def test_missing_source_is_refused(tmp_path):
    with pytest.raises(ImageArchiveError, match="does not exist"):
        open_image(str(tmp_path / "nowhere"))


@pytest.fixture
def two_platforms(image_builder):
    arm = image_builder("arm", platform="linux/arm64")
    amd = image_builder("amd", platform="linux/amd64")
    return arm, amd


@pytest.mark.parametrize("nested", [True, False], ids=["nested-index", "flat-index"])
def test_multi_platform_index_selects_the_platform(tmp_path, archives, two_platforms, nested):
    arm, amd = two_platforms
    layout = archives.multi_platform(tmp_path / "multi", [amd, arm], nested=nested)
    with open_image(layout) as image:
        assert (image.digest, image.platform) == (arm.image.manifest_digest, "linux/arm64")
        assert image.manifest == arm.manifest
    with open_image(layout, "linux/arm64/v8") as image:
        assert image.digest == arm.image.manifest_digest
    with open_image(layout, "linux/amd64") as image:
        assert (image.digest, image.platform) == (amd.image.manifest_digest, "linux/amd64")
    with pytest.raises(ImageArchiveError, match="no image for platform linux/s390x; the archive holds linux/amd64, linux/arm64"):
        open_image(layout, "linux/s390x")


def test_an_index_with_one_manifest_needs_no_platform_match(tmp_path, archives, two_platforms):
    _arm, amd = two_platforms
    layout = archives.multi_platform(tmp_path / "one", [amd])  # and an attestation, which never counts
    with open_image(layout, "linux/arm64") as image:
        assert (image.digest, image.platform) == (amd.image.manifest_digest, "linux/amd64")


def test_malformed_platform_is_refused(image_builder):
    with pytest.raises(ImageArchiveError, match="platform must be os/architecture"):
        open_image(image_builder("oci").path, "arm64")


def test_platform_matching_rules():
    arm64 = _oci.parse_platform("linux/arm64")
    assert _oci.platform_matches(arm64, {"os": "linux", "architecture": "arm64", "variant": "v8"})
    assert _oci.platform_matches(_oci.parse_platform("linux/arm64/v8"), {"os": "linux", "architecture": "arm64"})
    assert not _oci.platform_matches(_oci.parse_platform("linux/arm/v7"), {"os": "linux", "architecture": "arm", "variant": "v6"})
    assert not _oci.platform_matches(arm64, {"os": "windows", "architecture": "arm64"})


def test_a_docker_save_of_two_images_gives_the_one_of_the_wanted_platform(tmp_path, image_builder):
    arm = image_builder("arm", fmt="docker-archive", platform="linux/arm64")
    amd = image_builder("amd", fmt="docker-archive", platform="linux/amd64")
    both = tmp_path / "both"
    entries = []
    for built in (amd, arm):
        for name, data in built.image.files.items():
            if name != "manifest.json":
                (both / name).parent.mkdir(parents=True, exist_ok=True)
                (both / name).write_bytes(data)
        entries += json.loads(built.image.files["manifest.json"])
    (both / "manifest.json").write_text(json.dumps(entries))
    for wanted, built in (("linux/arm64", arm), ("linux/amd64", amd)):
        with open_image(str(both), wanted) as image, open_image(built.path) as alone:
            assert (image.platform, image.digest, image.config.digest) == (wanted, alone.digest, built.image.config_digest)
    with pytest.raises(ImageArchiveError, match="no image for platform linux/s390x; the archive holds linux/amd64, linux/arm64"):
        open_image(str(both), "linux/s390x")


def test_a_converted_manifest_is_written_as_docker_writes_it(image_builder):
    # Docker's distribution code marshals a schema 2 manifest with three-space indentation; the same text gives the
    # same digest as the manifest `docker push` would send for the image.
    built = image_builder("docker", fmt="docker-archive")
    with open_image(built.path) as image:
        assert image.manifest.decode().startswith('{\n   "schemaVersion": 2,\n   "mediaType": ')
