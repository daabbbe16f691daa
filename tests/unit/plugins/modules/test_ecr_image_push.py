# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of jwtpizza.cloud.ecr_image_push: pushes to moto's in-process ECR, read back, and what is *sent*
checked request by request (moto accepts wrong layerDigests, a wrong or missing imageDigest and manifests whose blobs
were never uploaded; real ECR does not)."""

from __future__ import annotations

import gzip
import hashlib
import io
import json

import boto3
import botocore.loaders
import botocore.session
import pytest
from botocore.stub import ANY

from ansible_collections.jwtpizza.cloud.plugins.modules import ecr_image_push

REPO = "jwt-pizza-dev-service"
MIB = 1024 * 1024
WRITES = {"InitiateLayerUpload", "UploadLayerPart", "CompleteLayerUpload", "PutImage"}


@pytest.fixture(autouse=True, scope="module")
def shared_botocore_loader():
    """Every botocore session of these tests shares one data loader, so that the module's fresh session does not parse
    endpoints.json and the ECR model again in each test (about 0.6 s a run); what is loaded stays the same."""
    loader = botocore.loaders.create_loader()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.session, "create_loader", lambda *_args, **_kwargs: loader)
        yield


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def ecr():
    return boto3.client("ecr")


def writes(api_calls):
    return [name for name, _params in api_calls if name in WRITES]


def calls(api_calls, name):
    return [params for op, params in api_calls if op == name]


def uploads(api_calls):
    """{upload id: (bytes sent, [(first, last, size)], layerDigests completed)} from the recorded calls."""
    sent = {}
    for op, params in api_calls:
        if op == "UploadLayerPart":
            data, parts, _digests = sent.setdefault(params["uploadId"], (bytearray(), [], None))
            data += params["layerPartBlob"]
            parts.append((params["partFirstByte"], params["partLastByte"], len(params["layerPartBlob"])))
        elif op == "CompleteLayerUpload":
            data, parts, _digests = sent.get(params["uploadId"], (bytearray(), [], None))
            sent[params["uploadId"]] = (bytes(data), parts, params["layerDigests"])
    return sent


def assert_sent_like_real_ecr(api_calls, manifest_bytes):
    """What real ECR checks and moto does not: parts, digests, every blob present before PutImage, imageDigest."""
    ops = [op for op, _params in api_calls]
    manifest = json.loads(manifest_bytes)
    wanted = [layer["digest"] for layer in manifest["layers"]] + [manifest["config"]["digest"]]
    for params in calls(api_calls, "BatchCheckLayerAvailability"):
        assert len(params["layerDigests"]) <= 100
        assert set(params["layerDigests"]) <= set(wanted)
    completed = []
    for data, parts, digests in uploads(api_calls).values():
        assert data, "an empty blob was uploaded (EmptyUploadException on ECR)"
        assert digests == [sha(data)], "layerDigests must be the sha256 of the bytes sent"
        offset = 0
        for index, (first, last, size) in enumerate(parts):
            assert first == offset and last == first + size - 1, "parts must be contiguous from byte 0"
            assert 0 < size <= 20 * MIB
            if index < len(parts) - 1:
                assert size >= 5 * MIB
            offset += size
        completed.extend(digests)
    puts = calls(api_calls, "PutImage")
    assert puts
    first_put = ops.index("PutImage")
    assert "CompleteLayerUpload" not in ops[first_put:], "every blob must be uploaded before the first PutImage"
    answer = ecr().batch_check_layer_availability(repositoryName=REPO, layerDigests=wanted)  # what PutImage needs
    assert [layer["layerAvailability"] for layer in answer["layers"]] == ["AVAILABLE"] * len(wanted)
    for params in puts:
        assert params["imageManifest"].encode() == manifest_bytes
        assert params["imageDigest"] == sha(manifest_bytes)
        assert params["imageManifestMediaType"] == manifest["mediaType"]
    return completed


@pytest.fixture
def repository(moto_aws):
    def create(mutability="MUTABLE", name=REPO):
        return ecr().create_repository(repositoryName=name, imageTagMutability=mutability)["repository"]

    return create


def push(run_module, source, tags=("latest",), _check=False, **extra):
    return run_module(ecr_image_push, {"repository": REPO, "source": source, "tags": list(tags), **extra}, check_mode=_check)


def read_back(tag):
    image = ecr().batch_get_image(repositoryName=REPO, imageIds=[{"imageTag": tag}])["images"][0]
    described = ecr().describe_images(repositoryName=REPO, imageIds=[{"imageTag": tag}])["imageDetails"][0]
    return image, described


@pytest.mark.parametrize("fmt,tar", [("oci", False), ("oci", True), ("docker-archive", False), ("docker-archive", True)],
                         ids=["oci-folder", "oci-tar", "docker-folder", "docker-tar"])
def test_push_reads_back_the_same_manifest_and_sends_what_real_ecr_accepts(
        repository, image_builder, run_module, api_calls, fmt, tar):
    repo = repository()
    built = image_builder("image.tar" if tar else "image", fmt=fmt, tar=tar)
    result, failed = push(run_module, built.path, tags=["latest", "v1"])
    assert not failed, result
    image, described = read_back("v1")
    manifest = image["imageManifest"].encode()
    assert result["changed"] is True
    assert result["digest"] == image["imageId"]["imageDigest"] == described["imageDigest"] == sha(manifest)
    assert sorted(described["imageTags"]) == ["latest", "v1"]
    assert result["tags"] == result["tags_changed"] == ["latest", "v1"]
    assert result["image_uri"] == f"{repo['repositoryUri']}@{result['digest']}"
    assert result["platform"] == "linux/arm64"
    completed = assert_sent_like_real_ecr(api_calls, manifest)
    assert sorted(completed) == sorted(result["layers_uploaded"]) and result["layers_skipped"] == []
    parsed = json.loads(manifest)
    assert parsed["config"]["digest"] in completed
    if fmt == "oci":
        assert manifest == built.manifest and result["digest"] == built.image.manifest_digest
        assert result["manifest_media_type"] == "application/vnd.oci.image.manifest.v1+json"
    else:
        assert result["manifest_media_type"] == parsed["mediaType"] == "application/vnd.docker.distribution.manifest.v2+json"
        assert parsed["config"]["mediaType"] == "application/vnd.docker.container.image.v1+json"
        assert [layer["mediaType"] for layer in parsed["layers"]] == ["application/vnd.docker.image.rootfs.diff.tar.gzip"]
        sent = {digests[0]: data for data, _parts, digests in uploads(api_calls).values()}
        config = json.loads(sent[parsed["config"]["digest"]])
        assert config["rootfs"]["diff_ids"] == [built.image.diff_id]  # unchanged
        assert sha(gzip.decompress(sent[parsed["layers"][0]["digest"]])) == built.image.diff_id
    assert result["bytes_uploaded"] == sum(len(data) for data, _p, _d in uploads(api_calls).values())


def test_second_push_changes_nothing_and_writes_nothing(repository, image_builder, run_module, api_calls):
    repository()
    built = image_builder("docker.tar", fmt="docker-archive", tar=True)  # the gzip conversion must be deterministic
    first, _failed = push(run_module, built.path, tags=["latest", "v1"])
    api_calls.clear()
    second, failed = push(run_module, built.path, tags=["v1", "latest"])
    assert not failed, second
    assert second["changed"] is False and second["tags_changed"] == []
    assert second["digest"] == first["digest"] and second["layers_uploaded"] == [] and second["bytes_uploaded"] == 0
    assert writes(api_calls) == []


def test_a_new_tag_on_a_pushed_image_uploads_nothing(repository, image_builder, run_module, api_calls):
    repository()
    built = image_builder("oci")
    push(run_module, built.path)
    api_calls.clear()
    result, failed = push(run_module, built.path, tags=["latest", "v2"])
    assert not failed, result
    assert result["changed"] is True and result["tags_changed"] == ["v2"]
    assert writes(api_calls) == ["PutImage"]
    assert calls(api_calls, "PutImage")[0]["imageTag"] == "v2"
    assert len(result["layers_skipped"]) == 2
    assert sorted(read_back("latest")[1]["imageTags"]) == ["latest", "v2"]


def test_large_layer_goes_in_contiguous_parts_within_ecr_limits(repository, big_oci, run_module, api_calls):
    repository()
    result, failed = push(run_module, big_oci.path)
    assert not failed, result
    assert_sent_like_real_ecr(api_calls, big_oci.manifest)
    (layer_upload,) = [parts for _data, parts, digests in uploads(api_calls).values() if digests == [big_oci.image.layer_digest]]
    assert [size // MIB for _f, _l, size in layer_upload] == [10, 1]  # moto offers 10 MiB parts: 10 + the rest
    answer = ecr().batch_check_layer_availability(repositoryName=REPO, layerDigests=[big_oci.image.layer_digest])
    assert answer["layers"][0]["layerAvailability"] == "AVAILABLE"
    assert answer["layers"][0]["layerSize"] == big_oci.image.layer_size


def test_part_size_offered_below_5_mib_is_raised_to_5_mib(repository, big_oci, run_module, api_calls, monkeypatch):
    import moto.ecr.models

    monkeypatch.setattr(moto.ecr.models, "DEFAULT_LAYER_PART_SIZE", 1 * MIB)
    repository()
    result, failed = push(run_module, big_oci.path)
    assert not failed, result
    assert_sent_like_real_ecr(api_calls, big_oci.manifest)
    (parts,) = [parts for _d, parts, digests in uploads(api_calls).values() if digests == [big_oci.image.layer_digest]]
    assert [size // MIB for _f, _l, size in parts] == [5, 5, 1]
    assert sum(size for _f, _l, size in parts) == big_oci.image.layer_size


class PartRecorder:
    """A stand-in ECR client for upload(): offers a part size, records the parts, completes with their sha256."""

    def __init__(self, offered):
        self.offered, self.parts, self.data = offered, [], bytearray()

    def initiate_layer_upload(self, **ids):
        return {"uploadId": "u1", "partSize": self.offered}

    def upload_layer_part(self, uploadId, partFirstByte, partLastByte, layerPartBlob, **ids):
        self.parts.append((partFirstByte, partLastByte, len(layerPartBlob)))
        self.data += layerPartBlob

    def complete_layer_upload(self, uploadId, layerDigests, **ids):
        return {"layerDigest": sha(bytes(self.data))}


def test_part_size_offered_above_20_mib_is_cut_to_20_mib():
    from ansible_collections.jwtpizza.cloud.plugins.module_utils._oci import Blob

    data = bytes(45 * MIB + 3)
    pusher = ecr_image_push.EcrImagePush.__new__(ecr_image_push.EcrImagePush)
    pusher.client, pusher.ids, pusher.source = PartRecorder(64 * MIB), {"repositoryName": REPO}, "x"
    pusher.upload(Blob(sha(data), len(data), "", lambda: io.BytesIO(data)))
    assert pusher.client.parts == [(0, 20 * MIB - 1, 20 * MIB), (20 * MIB, 40 * MIB - 1, 20 * MIB),
                                   (40 * MIB, 45 * MIB + 2, 5 * MIB + 3)]
    assert bytes(pusher.client.data) == data


def stub_reads(stub, mutability="MUTABLE", digest=None, registry="123456789012"):
    stub.add_response("describe_repositories", {"repositories": [{
        "repositoryName": REPO, "registryId": registry, "imageTagMutability": mutability,
        "repositoryArn": f"arn:aws:ecr:us-east-1:{registry}:repository/{REPO}",
        "repositoryUri": f"{registry}.dkr.ecr.us-east-1.amazonaws.com/{REPO}"}]}, {"repositoryNames": [REPO]})
    if digest:
        stub.add_response("describe_images", {"imageDetails": [{"imageDigest": digest, "imageTags": ["latest"]}]},
                          {"repositoryName": REPO, "imageIds": [{"imageTag": "latest"}]})
    else:
        stub.add_client_error("describe_images", "ImageNotFoundException", "no such tag",
                              expected_params={"repositoryName": REPO, "imageIds": [{"imageTag": "latest"}]})


def test_blobs_reported_available_are_not_uploaded(stubbed_clients, image_builder, run_module, api_calls):
    built = image_builder("oci")
    stub = stubbed_clients("ecr")["ecr"]
    layer, config = built.image.layer_digest, built.image.config_digest
    stub_reads(stub)
    stub.add_response("batch_check_layer_availability", {
        "layers": [{"layerDigest": layer, "layerAvailability": "AVAILABLE"}],
        "failures": [{"layerDigest": config, "failureCode": "MissingLayerDigest"}]},
        {"repositoryName": REPO, "layerDigests": [layer, config]})
    stub.add_response("initiate_layer_upload", {"uploadId": "u1", "partSize": 10 * MIB}, {"repositoryName": REPO})
    config_bytes = built.image.files["blobs/sha256/" + config.split(":")[1]]
    stub.add_response("upload_layer_part", {"lastByteReceived": len(config_bytes) - 1},
                      {"repositoryName": REPO, "uploadId": "u1", "partFirstByte": 0, "partLastByte": len(config_bytes) - 1,
                       "layerPartBlob": config_bytes})
    stub.add_client_error("complete_layer_upload", "LayerAlreadyExistsException", "already there",
                          expected_params={"repositoryName": REPO, "uploadId": "u1", "layerDigests": [config]})
    stub.add_response("put_image", {"image": {}}, {
        "repositoryName": REPO, "imageManifest": built.manifest.decode(), "imageDigest": built.image.manifest_digest,
        "imageManifestMediaType": "application/vnd.oci.image.manifest.v1+json", "imageTag": "latest"})
    result, failed = push(run_module, built.path)
    assert not failed, result
    stub.assert_no_pending_responses()
    assert result["layers_uploaded"] == [config] and result["layers_skipped"] == [layer]
    assert result["bytes_uploaded"] == len(config_bytes)


@pytest.mark.parametrize("code", ["ImageTagAlreadyExistsException", "ImageAlreadyExistsException"])
def test_immutable_conflict_at_put_fails_for_both_exception_names(stubbed_clients, image_builder, run_module, code):
    built = image_builder("oci")
    stub = stubbed_clients("ecr")["ecr"]
    stub_reads(stub, mutability="IMMUTABLE")
    stub.add_response("batch_check_layer_availability", {"layers": [
        {"layerDigest": d, "layerAvailability": "AVAILABLE"} for d in (built.image.layer_digest, built.image.config_digest)]})
    stub.add_client_error("put_image", code, "tag exists")
    other = "sha256:" + "b" * 64
    stub.add_response("describe_images", {"imageDetails": [{"imageDigest": other, "imageTags": ["latest", "x"]}]})
    result, failed = push(run_module, built.path)
    assert failed
    assert "immutable" in result["msg"] and "latest" in result["msg"] and other in result["msg"]
    stub.assert_no_pending_responses()


def test_image_already_exists_for_this_very_image_is_no_change(stubbed_clients, image_builder, run_module):
    built = image_builder("oci")
    stub = stubbed_clients("ecr")["ecr"]
    stub_reads(stub)
    stub.add_response("batch_check_layer_availability", {"layers": [
        {"layerDigest": d, "layerAvailability": "AVAILABLE"} for d in (built.image.layer_digest, built.image.config_digest)]})
    stub.add_client_error("put_image", "ImageAlreadyExistsException", "already pushed")
    stub.add_response("describe_images", {"imageDetails": [
        {"imageDigest": built.image.manifest_digest, "imageTags": ["x", "latest"]}]})
    result, failed = push(run_module, built.path)
    assert not failed, result
    assert result["changed"] is False and result["tags_changed"] == []


def test_mutable_repository_moves_the_tag(repository, image_builder, run_module):
    repository()
    one, two = image_builder("one"), image_builder("two", env=["VERSION=2"])
    push(run_module, one.path)
    result, failed = push(run_module, two.path)
    assert not failed, result
    assert result["changed"] is True and result["tags_changed"] == ["latest"]
    assert read_back("latest")[1]["imageDigest"] == two.image.manifest_digest


@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check"])
def test_immutable_repository_refuses_to_move_a_tag_before_any_write(repository, image_builder, run_module, api_calls,
                                                                     check_mode):
    repository("IMMUTABLE")
    one, two = image_builder("one"), image_builder("two", env=["VERSION=2"])
    push(run_module, one.path)
    api_calls.clear()
    result, failed = push(run_module, two.path, _check=check_mode)
    assert failed
    assert f"tag latest (on {one.image.manifest_digest})" in result["msg"] and "IMMUTABLE" in result["msg"]
    assert writes(api_calls) == []
    assert read_back("latest")[1]["imageDigest"] == one.image.manifest_digest


@pytest.mark.parametrize("tag", ["-leading-dash", ".dot", "has space", "a" * 129, "ünicode", "a:b", ""])
def test_bad_tag_fails_before_any_call(image_builder, run_module, api_calls, aws_env, tag):
    result, failed = push(run_module, image_builder("oci").path, tags=["latest", tag])
    assert failed
    assert result["msg"].startswith("tags: ") and repr(tag) in result["msg"]
    assert api_calls == []


def test_no_tag_fails(image_builder, run_module, api_calls, aws_env):
    result, failed = push(run_module, image_builder("oci").path, tags=[])
    assert failed and result["msg"].startswith("tags: ") and api_calls == []


@pytest.mark.parametrize("kind", ["text", "missing", "corrupt-blob"])
def test_a_source_that_is_not_an_image_fails_before_any_call(tmp_path, image_builder, run_module, api_calls, aws_env, kind):
    if kind == "text":
        source = tmp_path / "notes.txt"
        source.write_text("not an image\n")
    elif kind == "missing":
        source = tmp_path / "nowhere.tar"
    else:
        built = image_builder("oci")
        source = tmp_path / "oci" / "blobs" / "sha256" / built.image.layer_digest.split(":")[1]
        source.write_bytes(source.read_bytes() + b"x")
        source = tmp_path / "oci"
    result, failed = push(run_module, str(source))
    assert failed
    assert result["msg"].startswith(f"source {source}: ")
    assert api_calls == []


def test_check_mode_reports_the_uploads_and_tags_and_writes_nothing(repository, image_builder, run_module, api_calls):
    repository()
    built = image_builder("oci")
    result, failed = push(run_module, built.path, tags=["latest", "v1"], _check=True)
    assert not failed, result
    assert result["changed"] is True and result["tags_changed"] == ["latest", "v1"]
    assert sorted(result["layers_uploaded"]) == sorted([built.image.layer_digest, built.image.config_digest])
    assert result["digest"] == built.image.manifest_digest
    assert "BatchCheckLayerAvailability" in [op for op, _params in api_calls]
    assert writes(api_calls) == []
    assert ecr().describe_images(repositoryName=REPO)["imageDetails"] == []


def test_check_mode_with_a_repository_still_to_be_created(moto_aws, image_builder, run_module, api_calls):
    built = image_builder("oci")
    result, failed = push(run_module, built.path, _check=True)
    assert not failed, result
    assert result["changed"] is True and result["image_uri"] == "" and len(result["layers_uploaded"]) == 2
    assert writes(api_calls) == []


def test_missing_repository_fails(moto_aws, image_builder, run_module, api_calls):
    result, failed = push(run_module, image_builder("oci").path)
    assert failed and f"ECR repository {REPO} does not exist" in result["msg"]
    assert writes(api_calls) == []


def test_multi_platform_index_pushes_the_manifest_of_the_platform(repository, tmp_path, archives, image_builder,
                                                                  run_module, api_calls):
    repository()
    arm, amd = image_builder("arm"), image_builder("amd", platform="linux/amd64")
    layout = archives.multi_platform(tmp_path / "multi", [amd, arm])
    result, failed = push(run_module, layout, tags=["arm"])
    assert not failed, result
    assert (result["digest"], result["platform"]) == (arm.image.manifest_digest, "linux/arm64")
    result, failed = push(run_module, layout, tags=["amd"], platform="linux/amd64")
    assert (result["digest"], result["platform"]) == (amd.image.manifest_digest, "linux/amd64")
    assert read_back("amd")[0]["imageManifest"].encode() == amd.manifest
    api_calls.clear()
    result, failed = push(run_module, layout, platform="windows/amd64")
    assert failed and "no image for platform windows/amd64; the archive holds linux/amd64, linux/arm64" in result["msg"]
    assert api_calls == []


def test_diff_shows_the_digest_of_each_tag(repository, image_builder, run_module):
    repository()
    one, two = image_builder("one"), image_builder("two", env=["VERSION=2"])
    push(run_module, one.path, tags=["latest", "v1"])
    result, _failed = run_module(ecr_image_push, {"repository": REPO, "source": two.path, "tags": ["latest", "v2"]},
                                 diff=True)
    assert result["diff"] == {"before": {"latest": one.image.manifest_digest, "v2": None},
                              "after": {"latest": two.image.manifest_digest, "v2": two.image.manifest_digest}}


def test_registry_id_is_sent_with_every_call(repository, image_builder, run_module, api_calls):
    repo = repository()
    api_calls.clear()
    result, failed = push(run_module, image_builder("oci").path, registry_id=repo["registryId"])
    assert not failed, result
    assert api_calls and all(params.get("registryId") == repo["registryId"] for _op, params in api_calls)


def test_part_size_and_tag_rules():
    assert ecr_image_push.part_size(None) == 10 * MIB
    assert ecr_image_push.part_size(1) == 5 * MIB
    assert ecr_image_push.part_size(100 * MIB) == 20 * MIB
    repo = {"imageTagMutability": "IMMUTABLE_WITH_EXCLUSION", "imageTagMutabilityExclusionFilters": [{"filter": "dev-*"}]}
    assert not ecr_image_push.tag_is_immutable(repo, "dev-1") and ecr_image_push.tag_is_immutable(repo, "v1")
    repo = {"imageTagMutability": "MUTABLE_WITH_EXCLUSION", "imageTagMutabilityExclusionFilters": [{"filter": "v*"}]}
    assert ecr_image_push.tag_is_immutable(repo, "v1") and not ecr_image_push.tag_is_immutable(repo, "latest")
    assert ecr_image_push.bad_tags(["ok", "_ok.1-2", "-no"]) == ["-no"]


def test_stubbed_put_is_given_the_digest(stubbed_clients, image_builder, run_module):
    """imageDigest must be sent: without it moto (and the check above) would make up another digest."""
    built = image_builder("oci")
    stub = stubbed_clients("ecr")["ecr"]
    stub_reads(stub)
    stub.add_response("batch_check_layer_availability", {"layers": [
        {"layerDigest": d, "layerAvailability": "AVAILABLE"} for d in (built.image.layer_digest, built.image.config_digest)]})
    stub.add_response("put_image", {"image": {}}, {"repositoryName": REPO, "imageManifest": ANY, "imageTag": "latest",
                                                   "imageManifestMediaType": ANY, "imageDigest": sha(built.manifest)})
    result, failed = push(run_module, built.path)
    assert not failed, result
    stub.assert_no_pending_responses()


def test_without_source_a_tag_in_the_repository_is_found_and_nothing_written(
        repository, image_builder, run_module, api_calls):
    repository()
    one = image_builder("one")
    push(run_module, one.path, tags=["build-1"])
    api_calls.clear()
    result, failed = run_module(ecr_image_push, {"repository": REPO, "tags": ["build-1"]})
    assert not failed, result
    assert result["changed"] is False and result["digest"] == one.image.manifest_digest
    assert result["image_uri"].endswith(f"/{REPO}@{one.image.manifest_digest}")
    assert writes(api_calls) == []


def test_without_source_a_missing_tag_fails_naming_it(repository, run_module):
    repository()
    result, failed = run_module(ecr_image_push, {"repository": REPO, "tags": ["never-pushed"]})
    assert failed
    assert result["msg"].startswith(f"tag never-pushed is not in the ECR repository {REPO}")


def test_an_image_of_many_layers_is_checked_in_batches_of_at_most_100_digests():
    """BatchCheckLayerAvailability takes at most 100 digests (ECR API reference): 250 go as 100, 100 and 50."""

    class Client:
        def __init__(self):
            self.batches = []

        def batch_check_layer_availability(self, layerDigests, **ids):
            self.batches.append((layerDigests, ids))
            return {"layers": [{"layerDigest": d, "layerAvailability": "AVAILABLE" if int(d[-3:]) % 2 else "UNAVAILABLE"}
                               for d in layerDigests], "failures": []}

    class Blob:
        def __init__(self, number):
            self.digest = f"sha256:{number:064d}"

    class Image:
        blobs = [Blob(n) for n in range(250)]

    pusher = object.__new__(ecr_image_push.EcrImagePush)
    pusher.client, pusher.ids = Client(), {"repositoryName": REPO}
    missing = pusher.missing_blobs(Image())
    assert [len(digests) for digests, _ids in pusher.client.batches] == [100, 100, 50]
    assert all(ids == {"repositoryName": REPO} for _digests, ids in pusher.client.batches)
    assert [blob.digest for blob in missing] == [f"sha256:{n:064d}" for n in range(0, 250, 2)]
