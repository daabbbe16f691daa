# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading container image archives for a registry push (Python standard library only).

This file is private to this collection (the leading underscore says so): its
interface may change without notice and other collections must not import it.

``open_image(source, platform)`` reads one image from

- an OCI image layout folder (``oci-layout``, ``index.json``, ``blobs/sha256/...``) or a tar of one
  (``docker buildx build --output type=oci,dest=x.tar``), also the layout that newer ``docker save`` writes
  beside its ``manifest.json``; the manifest is taken from the (possibly nested) index, by platform when the
  index lists several, and its bytes are kept exactly;
- a classic ``docker save`` archive (``manifest.json``, ``<id>.json``, ``<diff id>/layer.tar``), folder or tar:
  converted to a Docker v2 schema 2 manifest whose layers are gzip-compressed deterministically (no name, mtime
  0), the config's ``rootfs.diff_ids`` unchanged.

Every blob used is checked (sha256 and size equal to its descriptor, uncompressed layers equal to the config's
diff ids) before the image is returned; an ``Image`` is a context manager that removes the compressed layers it
wrote to a temporary folder.  Every problem raises ``ImageArchiveError``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
import zlib

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip"
INDEX_TYPES = (OCI_INDEX, DOCKER_LIST)
MANIFEST_TYPES = (OCI_MANIFEST, DOCKER_MANIFEST)
CHUNK = 1024 * 1024
DIGEST = re.compile(r"^sha256:[a-f0-9]{64}$")
PLATFORM = re.compile(r"^[a-z0-9_.-]+/[a-z0-9_.-]+(/[a-z0-9_.-]+)?$")
GZIP_MAGIC = b"\x1f\x8b"


class ImageArchiveError(Exception):
    """The source is not a readable image archive, or its content does not hold together."""


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def parse_platform(value):
    """``os/architecture[/variant]`` as a dict; ImageArchiveError when malformed."""
    if not isinstance(value, str) or not PLATFORM.match(value):
        raise ImageArchiveError(f"platform must be os/architecture[/variant] such as linux/arm64, got {value!r}")
    parts = value.split("/")
    platform = {"os": parts[0], "architecture": parts[1]}
    if len(parts) == 3:
        platform["variant"] = parts[2]
    return platform


def platform_name(platform):
    """``os/architecture[/variant]`` of a descriptor's or a config's platform fields ("unknown" parts when missing)."""
    platform = platform or {}
    parts = [platform.get("os") or "unknown", platform.get("architecture") or "unknown"]
    if platform.get("variant"):
        parts.append(platform["variant"])
    return "/".join(parts)


def _default_variant(platform):
    """The variant a platform means when it names none (arm64 is v8), as Docker and containerd compare them."""
    if platform.get("variant"):
        return platform["variant"]
    return "v8" if platform.get("architecture") == "arm64" else ""


def platform_matches(wanted, offered):
    """Whether the platform ``offered`` (a dict) is ``wanted`` (a dict): same os and architecture, and the same
    variant when ``wanted`` names one (a missing arm64 variant is v8)."""
    if (wanted["os"], wanted["architecture"]) != (offered.get("os"), offered.get("architecture")):
        return False
    return not wanted.get("variant") or _default_variant(wanted) == _default_variant(offered)


class Blob:
    """One blob to push: digest, size, media type, and how to open its bytes."""

    def __init__(self, digest, size, media_type, opener):
        self.digest = digest
        self.size = size
        self.media_type = media_type
        self._opener = opener

    def open(self):
        return self._opener()

    def read(self):
        with self.open() as stream:
            return stream.read()


class Image:
    """One image read from an archive: the exact manifest bytes to put, their digest, the config and layer blobs."""

    def __init__(self, manifest, media_type, config, layers, platform, source_format):
        self.manifest = manifest
        self.media_type = media_type
        self.digest = "sha256:" + sha256_hex(manifest)
        self.config = config
        self.layers = layers
        self.platform = platform
        self.source_format = source_format
        self.closers = []  # what close() releases: the open archive, the folder of compressed layers

    @property
    def blobs(self):
        """The layers, then the config: every blob the manifest refers to, each once."""
        seen, blobs = set(), []
        for blob in [*self.layers, self.config]:
            if blob.digest not in seen:
                seen.add(blob.digest)
                blobs.append(blob)
        return blobs

    def close(self):
        while self.closers:
            self.closers.pop()()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _Folder:
    """The files of an archive unpacked in a folder."""

    def __init__(self, path):
        self.path = path

    def has(self, name):
        return os.path.isfile(os.path.join(self.path, name))

    def open(self, name):
        if not self.has(name):
            raise ImageArchiveError(f"{name} is missing")
        return open(os.path.join(self.path, name), "rb")

    def close(self):
        pass


class _Tar:
    """The files of an archive in a tar file (plain or compressed); member names without a leading ``./``."""

    def __init__(self, path):
        try:
            self.tar = tarfile.open(path, "r:*")  # noqa: SIM115 - closed by close()
        except (tarfile.TarError, EOFError, zlib.error) as exc:
            raise ImageArchiveError(f"not an image archive (neither a folder nor a readable tar file: {exc})") from exc
        self.members = {}
        for member in self.tar.getmembers():
            name = os.path.normpath(member.name.lstrip("/")).replace(os.sep, "/")
            if member.isfile() or member.issym() or member.islnk():
                self.members[name] = member

    def has(self, name):
        return name in self.members

    def open(self, name):
        if name not in self.members:
            raise ImageArchiveError(f"{name} is missing")
        try:
            stream = self.tar.extractfile(self.members[name])
        except (KeyError, tarfile.TarError) as exc:
            raise ImageArchiveError(f"{name} cannot be read: {exc}") from exc
        if stream is None:
            raise ImageArchiveError(f"{name} is not a file")
        return stream

    def close(self):
        self.tar.close()


def _read_json(files, name):
    with files.open(name) as stream:
        data = stream.read()
    try:
        return data, json.loads(data)
    except ValueError as exc:
        raise ImageArchiveError(f"{name} is not valid JSON: {exc}") from exc


def _hash_stream(stream):
    """(sha256 hex, size) of a stream, read in chunks."""
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


class _Layout:
    """An OCI image layout: descriptors resolved to verified blobs under ``blobs/sha256/``."""

    def __init__(self, files):
        self.files = files

    def blob_name(self, descriptor):
        digest = descriptor.get("digest") if isinstance(descriptor, dict) else None
        if not isinstance(digest, str) or not DIGEST.match(digest):
            raise ImageArchiveError(f"descriptor {descriptor!r} has no sha256 digest (ECR stores sha256 blobs only)")
        if not isinstance(descriptor.get("size"), int):
            raise ImageArchiveError(f"descriptor of {digest} has no size")
        return "blobs/sha256/" + digest.split(":", 1)[1]

    def verify(self, descriptor):
        """The Blob of a descriptor, after checking that its bytes hash to its digest and have its size."""
        name = self.blob_name(descriptor)
        with self.files.open(name) as stream:
            actual, size = _hash_stream(stream)
        digest = descriptor["digest"]
        if "sha256:" + actual != digest:
            raise ImageArchiveError(f"blob {name} does not match its digest {digest} (its sha256 is {actual})")
        if size != descriptor["size"]:
            raise ImageArchiveError(f"blob {digest} is {size} bytes, its descriptor says {descriptor['size']}")
        if size == 0:
            raise ImageArchiveError(f"blob {digest} is empty; ECR does not accept empty blobs")
        return Blob(digest, size, descriptor.get("mediaType", ""), lambda: self.files.open(name))

    def read_verified(self, descriptor):
        return self.verify(descriptor).read()

    def candidates(self, index, seen=()):
        """The image manifests an index lists, nested indexes followed; attestations and unknown platforms left out."""
        manifests = index.get("manifests") if isinstance(index, dict) else None
        if not isinstance(manifests, list):
            raise ImageArchiveError("the index has no manifests list")
        found = []
        for descriptor in manifests:
            if not isinstance(descriptor, dict):
                raise ImageArchiveError(f"the index lists {descriptor!r}, not a descriptor")
            media_type = descriptor.get("mediaType")
            if media_type in INDEX_TYPES:
                if descriptor.get("digest") in seen:
                    raise ImageArchiveError(f"index {descriptor.get('digest')} refers to itself")
                nested = self._parse(self.read_verified(descriptor), descriptor["digest"])
                found.extend(self.candidates(nested, (*seen, descriptor["digest"])))
            elif media_type in MANIFEST_TYPES:
                annotations = descriptor.get("annotations") or {}
                if annotations.get("vnd.docker.reference.type") == "attestation-manifest":
                    continue
                if (descriptor.get("platform") or {}).get("os") == "unknown":
                    continue
                found.append(descriptor)
        return found

    @staticmethod
    def _parse(data, what):
        try:
            return json.loads(data)
        except ValueError as exc:
            raise ImageArchiveError(f"{what} is not valid JSON: {exc}") from exc

    def platform_of(self, descriptor):
        """The platform of a manifest descriptor: its own field, else its config's os/architecture/variant."""
        if (descriptor.get("platform") or {}).get("os"):
            return descriptor["platform"]
        manifest = self._parse(self.read_verified(descriptor), descriptor["digest"])
        return _config_platform(self._parse(self.read_verified(manifest.get("config") or {}), "the config"))

    def image(self, wanted):
        _data, index = _read_json(self.files, "index.json")
        candidates = self.candidates(index)
        if not candidates:
            raise ImageArchiveError("index.json lists no image manifest")
        descriptor = _select(candidates, wanted, self.platform_of)
        data = self.read_verified(descriptor)
        manifest = self._parse(data, f"manifest {descriptor['digest']}")
        media_type = manifest.get("mediaType") or descriptor.get("mediaType")
        if media_type not in MANIFEST_TYPES or not isinstance(manifest.get("layers"), list):
            raise ImageArchiveError(f"manifest {descriptor['digest']} is not an image manifest (media type {media_type})")
        config = self.verify(manifest.get("config") or {})
        layers = [self.verify(layer) for layer in manifest["layers"]]
        platform = platform_name(_config_platform(self._parse(config.read(), "the config")))
        return Image(data, media_type, config, layers, platform, "oci-layout")


def _config_platform(config):
    if not isinstance(config, dict):
        raise ImageArchiveError("the image config is not a JSON object")
    return {key: config[key] for key in ("os", "architecture", "variant") if config.get(key)}


def _select(candidates, wanted, platform_of):
    """The one candidate, else the first whose platform matches ``wanted``; the error lists the platforms offered."""
    if len(candidates) == 1:
        return candidates[0]
    offered = []
    for candidate in candidates:
        platform = platform_of(candidate)
        if platform_matches(wanted, platform):
            return candidate
        offered.append(platform_name(platform))
    raise ImageArchiveError(f"no image for platform {platform_name(wanted)}; the archive holds {', '.join(offered)}")


class _DockerArchive:
    """A classic ``docker save`` archive, converted to a Docker v2 schema 2 manifest with gzip layers."""

    def __init__(self, files):
        self.files = files

    def config_of(self, entry):
        if not isinstance(entry, dict) or not isinstance(entry.get("Config"), str):
            raise ImageArchiveError("manifest.json lists an entry without Config")
        data, config = _read_json(self.files, entry["Config"])
        base = os.path.basename(entry["Config"])
        expected = base[: -len(".json")] if base.endswith(".json") else base
        if re.match(r"^[a-f0-9]{64}$", expected) and sha256_hex(data) != expected:
            raise ImageArchiveError(f"config {entry['Config']} does not match its name (its sha256 is {sha256_hex(data)})")
        _config_platform(config)
        return data, config

    def image(self, wanted, tmpdir):
        _data, entries = _read_json(self.files, "manifest.json")
        if not isinstance(entries, list) or not entries:
            raise ImageArchiveError("manifest.json lists no image")
        entry = _select(entries, wanted, lambda e: _config_platform(self.config_of(e)[1]))
        config_data, config = self.config_of(entry)
        diff_ids = (config.get("rootfs") or {}).get("diff_ids")
        paths = entry.get("Layers")
        if not isinstance(paths, list) or not isinstance(diff_ids, list) or len(paths) != len(diff_ids):
            raise ImageArchiveError(f"manifest.json lists {paths!r} as layers, the config has diff ids {diff_ids!r}")
        layers = [self.layer(path, diff_id, tmpdir) for path, diff_id in zip(paths, diff_ids, strict=True)]
        config_blob = Blob("sha256:" + sha256_hex(config_data), len(config_data), DOCKER_CONFIG, lambda: io.BytesIO(config_data))
        manifest = {
            "schemaVersion": 2,
            "mediaType": DOCKER_MANIFEST,
            "config": {"mediaType": DOCKER_CONFIG, "size": config_blob.size, "digest": config_blob.digest},
            "layers": [{"mediaType": DOCKER_LAYER_GZIP, "size": layer.size, "digest": layer.digest} for layer in layers],
        }
        data = json.dumps(manifest, indent=3).encode()
        return Image(data, DOCKER_MANIFEST, config_blob, layers, platform_name(_config_platform(config)), "docker-archive")

    def layer(self, path, diff_id, tmpdir):
        """The gzip blob of one layer (written to tmpdir), after checking the uncompressed bytes against diff_id."""
        if not isinstance(path, str):
            raise ImageArchiveError(f"manifest.json lists {path!r} as a layer")
        target = os.path.join(tmpdir, f"layer-{len(os.listdir(tmpdir))}.tar.gz")
        uncompressed = hashlib.sha256()
        with self.files.open(path) as stream:
            head = stream.read(2)
        with self.files.open(path) as stream, open(target, "wb") as out:
            if head == GZIP_MAGIC:  # already compressed: kept as it is
                shutil.copyfileobj(stream, out, CHUNK)
            else:
                with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=6, mtime=0) as gz:
                    for chunk in iter(lambda: stream.read(CHUNK), b""):
                        uncompressed.update(chunk)
                        gz.write(chunk)
        if head == GZIP_MAGIC:
            try:
                with gzip.open(target, "rb") as gz:
                    for chunk in iter(lambda: gz.read(CHUNK), b""):
                        uncompressed.update(chunk)
            except (OSError, EOFError, zlib.error) as exc:
                raise ImageArchiveError(f"layer {path} is not a valid gzip stream: {exc}") from exc
        if "sha256:" + uncompressed.hexdigest() != diff_id:
            raise ImageArchiveError(f"layer {path} does not match the config's diff id {diff_id} "
                                    f"(its sha256 is {uncompressed.hexdigest()})")
        with open(target, "rb") as stream:
            digest, size = _hash_stream(stream)
        return Blob("sha256:" + digest, size, DOCKER_LAYER_GZIP, lambda: open(target, "rb"))


def open_image(source, platform="linux/arm64"):
    """The Image of an archive folder or tar file at ``source`` for ``platform`` (os/architecture[/variant]).

    Use it as a context manager.  Raises ImageArchiveError naming the problem (the caller names ``source``).
    """
    wanted = parse_platform(platform)
    if not os.path.exists(source):
        raise ImageArchiveError("does not exist")
    files = _Folder(source) if os.path.isdir(source) else _Tar(source)
    tmpdir = tempfile.mkdtemp(prefix="jwtpizza-image-")
    try:
        if files.has("index.json") and (files.has("oci-layout") or not files.has("manifest.json")):
            image = _Layout(files).image(wanted)
        elif files.has("manifest.json"):
            image = _DockerArchive(files).image(wanted, tmpdir)
        else:
            raise ImageArchiveError("not an image archive: neither an OCI image layout (index.json) nor a docker save "
                                    "archive (manifest.json)")
    except BaseException:
        files.close()
        shutil.rmtree(tmpdir, ignore_errors=True)
        raise
    image.closers = [lambda: shutil.rmtree(tmpdir, ignore_errors=True), files.close]
    return image
