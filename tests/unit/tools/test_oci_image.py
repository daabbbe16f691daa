"""Tests of tools/oci_image.py: reproducible OCI layouts and docker archives whose digests and sizes hold."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

import oci_image

ROOT = Path(__file__).resolve().parents[3]
TOOL = ROOT / "tools" / "oci_image.py"
OPTIONS = ["--cmd", '["node","index.js","80"]', "--env", "NODE_ENV=production", "--env", "A=b=c", "--expose", "80",
           "--user", "1000", "--label", "org.opencontainers.image.source=https://example.invalid/jwt-pizza-service",
           "--tag", "jwt-pizza-service:v1"]


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.fixture
def context(tmp_path):
    app = tmp_path / "app"
    (app / "src" / "routes").mkdir(parents=True)
    (app / "index.js").write_text("console.log('hi')\n")
    (app / "src" / "routes" / "b.js").write_text("b\n")
    (app / "src" / "a.js").write_text("a\n")
    (app / "run.sh").write_text("#!/bin/sh\n")
    (app / "run.sh").chmod(0o775)
    (app / "link.js").symlink_to("index.js")
    return app


def build(context, output, *extra):
    done = subprocess.run([sys.executable, str(TOOL), "build", "--context", str(context), "--output", str(output),
                           *OPTIONS, *extra], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def read_tree(path):
    """{relative name: bytes} of a folder or of a tar file."""
    if path.is_dir():
        return {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()}
    with tarfile.open(path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def check_oci(files):
    """Assert every descriptor of an OCI layout matches its blob; return (index entry, manifest, config, uncompressed layer)."""
    def blob(descriptor):
        data = files["blobs/sha256/" + descriptor["digest"].split(":")[1]]
        assert sha(data) == descriptor["digest"]
        assert len(data) == descriptor["size"]
        return data

    assert json.loads(files["oci-layout"]) == {"imageLayoutVersion": "1.0.0"}
    index = json.loads(files["index.json"])
    assert index["schemaVersion"] == 2 and index["mediaType"] == "application/vnd.oci.image.index.v1+json"
    [entry] = index["manifests"]
    manifest = json.loads(blob(entry))
    assert entry["mediaType"] == manifest["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
    assert manifest["schemaVersion"] == 2
    assert manifest["config"]["mediaType"] == "application/vnd.oci.image.config.v1+json"
    config = json.loads(blob(manifest["config"]))
    [layer_descriptor] = manifest["layers"]
    assert layer_descriptor["mediaType"] == "application/vnd.oci.image.layer.v1.tar+gzip"
    layer = gzip.decompress(blob(layer_descriptor))
    assert config["rootfs"] == {"type": "layers", "diff_ids": [sha(layer)]}
    assert len(files) == 2 + 3  # oci-layout, index.json and exactly the three blobs
    return entry, manifest, config, layer


def test_oci_folder_is_consistent_and_carries_the_config(context, tmp_path):
    summary = build(context, tmp_path / "image")
    entry, manifest, config, _layer = check_oci(read_tree(tmp_path / "image"))
    assert summary["manifest_digest"] == entry["digest"]
    assert summary["config_digest"] == manifest["config"]["digest"]
    assert summary["layers"] == [{"digest": manifest["layers"][0]["digest"], "size": manifest["layers"][0]["size"],
                                  "diff_id": config["rootfs"]["diff_ids"][0]}]
    assert entry["platform"] == {"os": "linux", "architecture": "arm64"}
    assert entry["annotations"] == {"org.opencontainers.image.ref.name": "v1"}
    assert (config["os"], config["architecture"]) == ("linux", "arm64")
    assert config["config"] == {
        "Cmd": ["node", "index.js", "80"], "Env": ["NODE_ENV=production", "A=b=c"], "WorkingDir": "/usr/src/app",
        "ExposedPorts": {"80/tcp": {}}, "User": "1000",
        "Labels": {"org.opencontainers.image.source": "https://example.invalid/jwt-pizza-service"}}
    assert len(config["history"]) == 1


def test_layer_holds_the_context_under_the_workdir_reproducibly(context, tmp_path):
    build(context, tmp_path / "image")
    *_rest, layer = check_oci(read_tree(tmp_path / "image"))
    with tarfile.open(fileobj=io.BytesIO(layer)) as tar:
        members = {m.name: m for m in tar.getmembers()}
        assert list(members) == ["usr", "usr/src", "usr/src/app", "usr/src/app/index.js", "usr/src/app/link.js",
                                 "usr/src/app/run.sh", "usr/src/app/src", "usr/src/app/src/a.js",
                                 "usr/src/app/src/routes", "usr/src/app/src/routes/b.js"]
        assert tar.extractfile(members["usr/src/app/src/a.js"]).read() == b"a\n"
        assert members["usr/src/app/link.js"].issym() and members["usr/src/app/link.js"].linkname == "index.js"
    assert {m.mtime for m in members.values()} == {0}
    assert (members["usr"].uid, members["usr/src"].uid) == (0, 0)  # the parents stay root's
    assert {(m.uid, m.gid) for n, m in members.items() if n.startswith("usr/src/app")} == {(1000, 1000)}
    assert members["usr/src/app/run.sh"].mode == 0o755 and members["usr/src/app/index.js"].mode == 0o644


def test_two_builds_are_byte_identical_whatever_the_mtimes(context, tmp_path):
    build(context, tmp_path / "one.tar", "--tar")
    first_summary = build(context, tmp_path / "one")
    for path in context.rglob("*"):
        if not path.is_symlink():
            path.touch()
    build(context, tmp_path / "two.tar", "--tar")
    assert (tmp_path / "one.tar").read_bytes() == (tmp_path / "two.tar").read_bytes()
    assert build(context, tmp_path / "two") == {**first_summary, "output": str(tmp_path / "two")}
    assert read_tree(tmp_path / "one") == read_tree(tmp_path / "two")
    # and the gzip header carries neither a name nor a time
    layer = read_tree(tmp_path / "one")["blobs/sha256/" + first_summary["layers"][0]["digest"].split(":")[1]]
    assert layer[3] == 0 and layer[4:8] == b"\0\0\0\0"


def test_oci_tar_holds_the_same_files_as_the_folder(context, tmp_path):
    build(context, tmp_path / "image")
    build(context, tmp_path / "image.tar", "--tar")
    assert read_tree(tmp_path / "image.tar") == read_tree(tmp_path / "image")
    with tarfile.open(tmp_path / "image.tar") as tar:
        assert tar.getnames()[:3] == ["blobs", "blobs/sha256", "oci-layout"]


@pytest.mark.parametrize("as_tar", [True, False])
def test_docker_archive_is_what_docker_save_writes(context, tmp_path, as_tar):
    output = tmp_path / ("image.tar" if as_tar else "image")
    summary = build(context, output, "--format", "docker-archive", *(["--tar"] if as_tar else []))
    files = read_tree(output)
    [entry] = json.loads(files["manifest.json"])
    assert set(entry) == {"Config", "RepoTags", "Layers"} and entry["RepoTags"] == ["jwt-pizza-service:v1"]
    config = files[entry["Config"]]
    assert entry["Config"] == hashlib.sha256(config).hexdigest() + ".json"
    [layer_name] = entry["Layers"]
    layer = files[layer_name]
    assert layer_name == hashlib.sha256(layer).hexdigest() + "/layer.tar"
    assert json.loads(config)["rootfs"]["diff_ids"] == [sha(layer)]
    assert set(files) == {"manifest.json", entry["Config"], layer_name}
    assert summary["config_digest"] == sha(config) and summary["manifest_digest"] is None
    # the same layer and config as the OCI image of the same input
    build(context, tmp_path / "oci")
    _index, manifest, oci_config, oci_layer = check_oci(read_tree(tmp_path / "oci"))
    assert oci_layer == layer and manifest["config"]["digest"] == sha(config) and json.loads(config) == oci_config


def test_defaults_tag_from_the_context_and_options_from_the_command_line(context, tmp_path):
    image = oci_image.build(context, platform="linux/arm64/v8")
    files = image.files
    index = json.loads(files["index.json"])
    assert index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] == "latest"
    assert index["manifests"][0]["platform"] == {"os": "linux", "architecture": "arm64", "variant": "v8"}
    config = json.loads(files["blobs/sha256/" + image.config_digest.split(":")[1]])
    assert config["config"] == {"WorkingDir": "/usr/src/app"} and config["variant"] == "v8"
    docker = oci_image.build(context, fmt="docker-archive")
    assert json.loads(docker.files["manifest.json"])[0]["RepoTags"] == ["app:latest"]


def test_root_workdir_puts_the_files_at_the_top(context, tmp_path):
    image = oci_image.build(context, fmt="docker-archive", workdir="/")
    with tarfile.open(fileobj=io.BytesIO(image.files[image.diff_id.split(":")[1] + "/layer.tar"])) as tar:
        assert tar.getnames()[:2] == ["index.js", "link.js"]


@pytest.mark.parametrize("args, message", [
    (["--cmd", "node index.js"], "JSON list"),
    (["--env", "NOVALUE"], "KEY=VALUE"),
    (["--platform", "arm64"], "os/architecture"),
    (["--workdir", "/usr/../etc"], "without '..'"),
])
def test_bad_options_fail_with_the_cause(context, tmp_path, args, message):
    done = subprocess.run([sys.executable, str(TOOL), "build", "--context", str(context), "--output",
                           str(tmp_path / "out"), *args], capture_output=True, text=True, check=False)
    assert done.returncode != 0 and message in done.stderr


def test_an_unrelated_folder_is_never_replaced(context, tmp_path):
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "precious.txt").write_text("x")
    with pytest.raises(oci_image.ImageError, match="refusing"):
        oci_image.write(oci_image.build(context), keep, as_tar=False)
    assert (keep / "precious.txt").exists()
    build(context, tmp_path / "image")
    build(context, tmp_path / "image", "--tag", "other:v2")  # its own earlier output is replaced, no stale blob
    check_oci(read_tree(tmp_path / "image"))


def test_missing_context_fails(tmp_path):
    with pytest.raises(oci_image.ImageError, match="not a directory"):
        oci_image.build(tmp_path / "nothing")


def test_builds_the_demo_backend(tmp_path):
    build(ROOT / "extras" / "demo-backend", tmp_path / "demo")
    *_rest, layer = check_oci(read_tree(tmp_path / "demo"))
    with tarfile.open(fileobj=io.BytesIO(layer)) as tar:
        assert "usr/src/app/index.js" in tar.getnames()
