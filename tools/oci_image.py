"""Build a container image from a directory without a container engine: an OCI image layout or a `docker save` tar.

The image has exactly one layer: the files of --context placed under --workdir (FROM scratch, no base
image).  It is meant for pushing and deploying in tests (ECR push, ECS task definitions), and for any
registry tool that reads OCI layouts (skopeo, crane, oras); it runs only if the context carries its own
runtime.  Python standard library only.

  python tools/oci_image.py build --context DIR --output PATH [--format oci|docker-archive] [--tar]
      [--cmd '["node","index.js","80"]'] [--entrypoint JSON] [--env K=V ...] [--workdir /usr/src/app]
      [--expose 80 ...] [--user 1000[:1000]] [--platform linux/arm64] [--label k=v ...] [--tag NAME:TAG]

--format oci (default) writes an OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/...`: the
gzip layer, the config and an `application/vnd.oci.image.manifest.v1+json` manifest).  --format
docker-archive writes what `docker save` writes: `manifest.json` ([{Config, RepoTags, Layers}]), the
config `<sha256>.json` and the uncompressed layer `<diff id>/layer.tar`.  Either goes into the folder
PATH, or with --tar into the tar file PATH (the same entries).  The folder must be new, empty or an image
this tool wrote before (then it is replaced).

Reproducible: entries sorted, every mtime 0, owner 0:0 (the workdir and the files: the numeric --user),
modes 0755 for directories and executables and 0644 for other files, gzip header without name or time,
JSON with sorted keys.  The same context and options give byte-identical output and the same digests.
On success one JSON line is printed: output, format, manifest digest (oci), config digest, layers.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import io
import json
import os
import shutil
import stat
import sys
import tarfile
from pathlib import Path, PurePosixPath

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
EPOCH = "1970-01-01T00:00:00Z"
TOOL = "tools/oci_image.py"


class ImageError(Exception):
    """A failure to report in one line, without a traceback."""


@dataclasses.dataclass
class Image:
    """A built image: its files (relative path -> bytes) in the chosen format, and its digests."""

    format: str
    files: dict[str, bytes]
    config_digest: str
    diff_id: str
    layer_digest: str
    layer_size: int
    manifest_digest: str = ""

    def summary(self) -> dict:
        return {"format": self.format, "manifest_digest": self.manifest_digest or None,
                "config_digest": self.config_digest, "layers": [{"digest": self.layer_digest, "size": self.layer_size,
                                                                 "diff_id": self.diff_id}]}


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def canonical_json(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _owner(user: str | None) -> tuple[int, int]:
    """uid and gid for the workdir and its files: the numeric --user (uid[:gid]), else root."""
    if not user:
        return 0, 0
    uid, _sep, gid = user.partition(":")
    if not uid.isdigit() or (gid and not gid.isdigit()):
        return 0, 0  # a user name: its ids are only known inside the image; files stay root's (readable by all)
    return int(uid), int(gid or uid)


def _tar_entry(name: str, kind: bytes, mode: int, uid: int = 0, gid: int = 0, size: int = 0, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.uid, info.gid, info.size, info.linkname = kind, mode, uid, gid, size, link
    info.mtime, info.uname, info.gname = 0, "", ""
    return info


def layer_tar(context: Path, workdir: str, owner: tuple[int, int] = (0, 0)) -> bytes:
    """The uncompressed layer: the parents of workdir (root's), workdir and the context's files (owner's), sorted."""
    if not context.is_dir():
        raise ImageError(f"context {context} is not a directory")
    target = PurePosixPath("/", workdir)
    if ".." in target.parts:
        raise ImageError(f"workdir {workdir!r} must be an absolute path without '..'")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        parts = target.parts[1:]
        for depth in range(1, len(parts)):
            tar.addfile(_tar_entry("/".join(parts[:depth]) + "/", tarfile.DIRTYPE, 0o755))
        base = "/".join(parts)
        if base:
            tar.addfile(_tar_entry(base + "/", tarfile.DIRTYPE, 0o755, *owner))
        for path in _walk(context):
            relative = path.relative_to(context).as_posix()
            name = f"{base}/{relative}" if base else relative
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode):
                tar.addfile(_tar_entry(name, tarfile.SYMTYPE, 0o777, *owner, link=os.readlink(path)))
            elif stat.S_ISDIR(st.st_mode):
                tar.addfile(_tar_entry(name + "/", tarfile.DIRTYPE, 0o755, *owner))
            elif stat.S_ISREG(st.st_mode):
                data = path.read_bytes()
                mode = 0o755 if st.st_mode & 0o111 else 0o644
                tar.addfile(_tar_entry(name, tarfile.REGTYPE, mode, *owner, size=len(data)), io.BytesIO(data))
            else:
                raise ImageError(f"{path} is neither a file, a directory nor a symbolic link")
    return buffer.getvalue()


def _walk(directory: Path):
    """Every entry under directory, depth first, sorted by name (symbolic links to directories are not followed)."""
    for path in sorted(directory.iterdir(), key=lambda p: p.name):
        yield path
        if path.is_dir() and not path.is_symlink():
            yield from _walk(path)


def gzip_bytes(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    return buffer.getvalue()


def parse_platform(value: str) -> dict:
    parts = value.split("/")
    if len(parts) not in (2, 3) or not all(parts):
        raise ImageError(f"platform must be os/architecture[/variant], got {value!r}")
    platform = {"os": parts[0], "architecture": parts[1]}
    if len(parts) == 3:
        platform["variant"] = parts[2]
    return platform


def image_config(diff_id: str, platform: dict, *, cmd=None, entrypoint=None, env=(), workdir="", expose=(), user=None,
                 labels=None) -> dict:
    config = {}
    if cmd is not None:
        config["Cmd"] = list(cmd)
    if entrypoint is not None:
        config["Entrypoint"] = list(entrypoint)
    if env:
        config["Env"] = list(env)
    if workdir:
        config["WorkingDir"] = workdir
    if expose:
        config["ExposedPorts"] = {(p if "/" in p else f"{p}/tcp"): {} for p in expose}
    if user:
        config["User"] = user
    if labels:
        config["Labels"] = dict(labels)
    return {
        **platform,
        "created": EPOCH,
        "config": config,
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": EPOCH, "created_by": f"{TOOL}: COPY . {workdir or '/'}"}],
    }


def build(context: Path, *, fmt: str = "oci", workdir: str = "/usr/src/app", platform: str = "linux/arm64",
          tag: str | None = None, cmd=None, entrypoint=None, env=(), expose=(), user=None, labels=None) -> Image:
    """Build the image of context in memory; fmt is "oci" or "docker-archive"."""
    context = Path(context)
    raw = layer_tar(context, workdir, _owner(user))
    layer = gzip_bytes(raw)
    diff_id = sha256(raw)
    config = canonical_json(image_config(diff_id, parse_platform(platform), cmd=cmd, entrypoint=entrypoint, env=env,
                                         workdir=workdir, expose=expose, user=user, labels=labels))
    config_digest = sha256(config)
    name, _sep, version = (tag or f"{context.resolve().name.lower() or 'image'}:latest").rpartition(":")
    if not name or "/" in version:
        name, version = tag or "image", "latest"
    if fmt == "docker-archive":
        config_name = config_digest.split(":")[1] + ".json"
        layer_name = diff_id.split(":")[1] + "/layer.tar"
        manifest = [{"Config": config_name, "RepoTags": [f"{name}:{version}"], "Layers": [layer_name]}]
        files = {"manifest.json": canonical_json(manifest), config_name: config, layer_name: raw}
        return Image(fmt, files, config_digest, diff_id, diff_id, len(raw))
    if fmt != "oci":
        raise ImageError(f"format must be oci or docker-archive, got {fmt!r}")
    manifest = canonical_json({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": config_digest, "size": len(config)},
        "layers": [{"mediaType": OCI_LAYER_GZIP, "digest": sha256(layer), "size": len(layer)}],
    })
    manifest_digest = sha256(manifest)
    index = canonical_json({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [{"mediaType": OCI_MANIFEST, "digest": manifest_digest, "size": len(manifest),
                       "platform": parse_platform(platform),
                       "annotations": {"org.opencontainers.image.ref.name": version}}],
    })
    files = {"oci-layout": canonical_json({"imageLayoutVersion": "1.0.0"}), "index.json": index}
    for blob in (config, layer, manifest):
        files["blobs/sha256/" + hashlib.sha256(blob).hexdigest()] = blob
    return Image(fmt, files, config_digest, diff_id, sha256(layer), len(layer), manifest_digest)


def tar_of(files: dict[str, bytes]) -> bytes:
    """A reproducible tar of files: their directories, then the layout markers (as tools expect), then the rest."""
    first = [n for n in ("oci-layout", "index.json", "manifest.json") if n in files]
    names = first + sorted(n for n in files if n not in first)
    directories = sorted({"/".join(n.split("/")[:i]) for n in names for i in range(1, n.count("/") + 1)})
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for directory in directories:
            tar.addfile(_tar_entry(directory + "/", tarfile.DIRTYPE, 0o755))
        for name in names:
            tar.addfile(_tar_entry(name, tarfile.REGTYPE, 0o644, size=len(files[name])), io.BytesIO(files[name]))
    return buffer.getvalue()


def _is_ours(folder: Path) -> bool:
    return (folder / "oci-layout").is_file() or (folder / "manifest.json").is_file()


def write(image: Image, output: Path, as_tar: bool) -> None:
    output = Path(output)
    if as_tar:
        if output.is_dir():
            raise ImageError(f"{output} is a directory; --tar writes a file")
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(tar_of(image.files))
        return
    if output.exists():
        if not output.is_dir():
            raise ImageError(f"{output} exists and is not a directory")
        if any(output.iterdir()):
            if not _is_ours(output):
                raise ImageError(f"{output} is neither empty nor an image layout; refusing to replace it")
            shutil.rmtree(output)
    for name, data in image.files.items():
        path = output / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _pair(value: str) -> tuple[str, str]:
    key, sep, val = value.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {value!r}")
    return key, val


def _json_list(value: str) -> list[str]:
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, list) or not all(isinstance(v, str) for v in parsed):
        raise argparse.ArgumentTypeError(f'expected a JSON list of strings such as \'["node","index.js"]\', got {value!r}')
    return parsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    b = commands.add_parser("build", help="build an image from a directory")
    b.add_argument("--context", required=True, type=Path, help="directory whose files become the layer")
    b.add_argument("--output", required=True, type=Path, help="folder (or, with --tar, tar file) to write")
    b.add_argument("--format", choices=["oci", "docker-archive"], default="oci")
    b.add_argument("--tar", action="store_true", help="write one tar file instead of a folder")
    b.add_argument("--cmd", type=_json_list, help="JSON list, the image's Cmd")
    b.add_argument("--entrypoint", type=_json_list, help="JSON list, the image's Entrypoint")
    b.add_argument("--env", type=_pair, action="append", default=[], metavar="K=V")
    b.add_argument("--workdir", default="/usr/src/app", help="where the files go and the WorkingDir (default %(default)s)")
    b.add_argument("--expose", action="append", default=[], metavar="PORT[/PROTO]")
    b.add_argument("--user", help="User of the image; a numeric uid[:gid] also owns the files")
    b.add_argument("--platform", default="linux/arm64", help="os/architecture[/variant] (default %(default)s)")
    b.add_argument("--label", type=_pair, action="append", default=[], metavar="K=V")
    b.add_argument("--tag", help="NAME:TAG: docker RepoTags and the OCI ref name (TAG); default <context name>:latest")
    args = parser.parse_args(argv)
    try:
        image = build(args.context, fmt=args.format, workdir=args.workdir, platform=args.platform, tag=args.tag,
                      cmd=args.cmd, entrypoint=args.entrypoint, env=[f"{k}={v}" for k, v in args.env],
                      expose=args.expose, user=args.user, labels=dict(args.label))
        write(image, args.output, args.tar)
    except (ImageError, OSError) as exc:
        print(f"oci_image: {exc}", file=sys.stderr)
        return 1
    print(json.dumps({"output": str(args.output), **image.summary()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
