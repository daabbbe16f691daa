# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of the planning logic of s3_site_sync (plugins/module_utils/_s3_sync.py), without AWS."""

from __future__ import annotations

import json

import pytest

from ansible_collections.jwtpizza.cloud.plugins.module_utils import _s3_sync as sync

RULES = sync.compile_rules(sync.DEFAULT_RULES)
TABLE = sync.content_type_table(None)


@pytest.mark.parametrize(
    ("key", "content_type"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("assets/index-BS7pzLvu.js", "text/javascript; charset=utf-8"),
        ("assets/worker-BS7pzLvu.mjs", "text/javascript; charset=utf-8"),
        ("assets/index-sv4TJcTp.css", "text/css; charset=utf-8"),
        ("favicon.svg", "image/svg+xml"),
        ("version.json", "application/json"),
        ("site.webmanifest", "application/manifest+json"),
        ("assets/app-Zk81mQpa.wasm", "application/wasm"),
        ("robots.txt", "text/plain; charset=utf-8"),
        ("assets/index-BS7pzLvu.js.map", "application/json"),
        ("favicon.ico", "image/x-icon"),
        ("images/pizza.PNG", "image/png"),
        ("images/a.jpg", "image/jpeg"),
        ("images/a.webp", "image/webp"),
        ("images/a.avif", "image/avif"),
        ("images/a.gif", "image/gif"),
        ("fonts/a.woff", "font/woff"),
        ("fonts/a.woff2", "font/woff2"),
        ("sitemap.xml", "application/xml"),
        ("LICENSE", "application/octet-stream"),
        ("data.unknownext", "application/octet-stream"),
    ],
)
def test_content_types_do_not_depend_on_the_machine(key, content_type):
    assert sync.content_type_for(key, TABLE) == content_type


def test_content_type_overrides_ignore_dot_and_case():
    table = sync.content_type_table({".XML": "text/xml", "avif": "image/x-avif"})
    assert sync.content_type_for("sitemap.xml", table) == "text/xml"
    assert sync.content_type_for("a.avif", table) == "image/x-avif"
    assert sync.content_type_for("a.png", table) == "image/png"


@pytest.mark.parametrize(
    ("key", "hashed"),
    [
        ("assets/index-BS7pzLvu.js", True),
        ("assets/index-sv4TJcTp.css", True),
        ("assets/pizza-syl9wuBy.svg", True),
        ("assets/index-BS7pzLvu.js.map", True),
        ("assets/chunk.3f9a1c2b.js", True),
        ("assets/vendor-a_b-C9d8e7.js", True),
        ("index.html", False),
        ("version.json", False),
        ("images/pizza.png", False),
        ("assets/my-component.js", False),
        ("assets/notification.js", False),
        ("assets/short-Ab1.js", False),
        ("assets-BS7pzLvu/index.html", False),
    ],
)
def test_default_rules_make_only_hashed_names_immutable(key, hashed):
    assert sync.is_hashed(key) is hashed
    assert sync.cache_control_for(key, RULES) == (sync.IMMUTABLE if hashed else sync.NO_CACHE)


def test_first_matching_rule_wins_and_no_match_is_no_cache():
    rules = sync.compile_rules([{"pattern": r"\.js$", "cache_control": "a"}, {"pattern": r"index", "cache_control": "b"}])
    assert sync.cache_control_for("assets/index-BS7pzLvu.js", rules) == "a"
    assert sync.cache_control_for("index.html", rules) == "b"
    assert sync.cache_control_for("robots.txt", rules) == sync.NO_CACHE


def test_part_size_respects_the_s3_limits():
    assert sync.part_size(10, 1024) == sync.MIN_PART_SIZE
    assert sync.part_size(100 * 2**20, 16 * 2**20) == 16 * 2**20
    assert sync.part_size(100_000 * 2**20, 8 * 2**20) * sync.MAX_PARTS >= 100_000 * 2**20


def test_part_limits_are_those_s3_documents():
    """S3 multipart upload limits: parts of 5 MiB at least (but the last), 10,000 parts at most."""
    assert sync.part_size(10, 1024) == 5 * 2**20
    assert sync.part_size(200_000 * 2**20, 8 * 2**20) == 20 * 2**20  # 200,000 MiB in 10,000 parts


def local(key, body=b"x", cache_control=None):
    import hashlib

    return sync.LocalFile(
        key,
        "/dev/null",
        len(body),
        hashlib.md5(body).hexdigest(),
        hashlib.sha256(body).hexdigest(),
        sync.content_type_for(key, TABLE),
        cache_control or sync.cache_control_for(key, RULES),
    )


def remote(mine, etag=None, **known):
    obj = sync.RemoteObject(mine.key if isinstance(mine, sync.LocalFile) else mine, etag or mine.md5, "2026-01-01T00:00:00+00:00")
    obj.known.update(known)
    return obj


def in_sync(mine, **extra):
    return remote(mine, content_type=mine.content_type, cache_control=mine.cache_control, sha256=mine.sha256, **extra)


def test_plan_compares_content_then_headers():
    same, changed, ruled, new = local("a.txt"), local("b.txt", b"new"), local("c.txt"), local("d.txt")
    objects = {
        "a.txt": in_sync(same),
        "b.txt": in_sync(local("b.txt", b"old")),
        "c.txt": remote(ruled, content_type=ruled.content_type, cache_control="max-age=1", sha256=None),
        "gone.txt": remote("gone.txt", etag="e" * 32, content_type="text/plain", cache_control="no-cache"),
    }
    files = {f.key: f for f in (same, changed, ruled, new)}
    plan = sync.plan_sync(files, objects)
    assert (plan.uploads, plan.metadata_updates, plan.deletes, plan.unchanged) == (["b.txt", "d.txt"], ["c.txt"], ["gone.txt"], 1)
    assert sync.plan_sync(files, objects, delete=False).deletes == []


def test_multipart_objects_without_sha256_are_uploaded_again():
    mine = local("big.bin")
    assert sync.plan_sync({"big.bin": mine}, {"big.bin": in_sync(mine, etag="abc-3")}).uploads == []
    assert sync.plan_sync({"big.bin": mine}, {"big.bin": remote(mine, etag="abc-3", sha256=None)}).uploads == ["big.bin"]


def test_only_what_nobody_knows_is_read():
    same, changed = local("a.txt"), local("assets/x-Ab12Cd34.js", b"new")
    objects = {"a.txt": remote(same), "assets/x-Ab12Cd34.js": remote(changed, etag="f" * 32), "b.txt": in_sync(local("b.txt"))}
    files = {"a.txt": same, "assets/x-Ab12Cd34.js": changed, "b.txt": local("b.txt")}
    heads, tags = sync.to_inspect(files, objects, delete=True, keep_previous=0)
    # a.txt: same content, headers unknown; the changed immutable asset: its old Cache-Control; b.txt known.
    assert (sorted(heads), tags) == (["a.txt", "assets/x-Ab12Cd34.js"], [])
    unhashed = {"a.txt": local("a.txt", b"other")}
    assert sync.to_inspect(unhashed, {"a.txt": remote(same)}, delete=True, keep_previous=0) == ([], [])


def test_keep_previous_keeps_the_newest_retirement_groups():
    files = {"index.html": local("index.html")}
    objects = {
        "index.html": in_sync(files["index.html"]),
        "assets/a-Aaaaaaa1.js": remote(local("assets/a-Aaaaaaa1.js"), retired_at="2026-01-01T00:00:01Z"),
        "assets/b-Bbbbbbb2.js": remote(local("assets/b-Bbbbbbb2.js"), retired_at="2026-01-01T00:00:02Z"),
        "assets/c-Ccccccc3.js": remote(local("assets/c-Ccccccc3.js"), retired_at=None),
        "old.txt": remote(local("old.txt"), retired_at=None),
    }
    plan = sync.plan_sync(files, objects, keep_previous=2, now="2026-01-01T00:00:03Z", exclude={"manifest"})
    assert plan.retire == ["assets/c-Ccccccc3.js"]
    assert plan.retained == ["assets/b-Bbbbbbb2.js", "assets/c-Ccccccc3.js"]
    assert plan.deletes == ["assets/a-Aaaaaaa1.js", "old.txt"]
    # Run again once the tag is written: the same objects are kept, nothing new is retired.
    objects["assets/c-Ccccccc3.js"].known["retired_at"] = "2026-01-01T00:00:03Z"
    del objects["assets/a-Aaaaaaa1.js"], objects["old.txt"]
    again = sync.plan_sync(files, objects, keep_previous=2, now="2026-01-01T00:00:09Z")
    assert (again.retire, again.deletes, again.writes) == ([], [], False)
    assert again.retained == ["assets/b-Bbbbbbb2.js", "assets/c-Ccccccc3.js"]


def test_phases_put_html_last_and_index_html_at_the_very_end():
    plan = sync.Plan(uploads=["index.html", "a/index.html", "assets/x.js", "b.css"], metadata_updates=["robots.txt", "404.html"])
    assert plan.phases() == [
        ("upload", ["assets/x.js", "b.css"]),
        ("update", ["robots.txt"]),
        ("upload", ["a/index.html"]),
        ("update", ["404.html"]),
        ("upload", ["index.html"]),
        ("update", []),
    ]


def test_invalidation_paths_skip_immutable_on_both_sides_and_add_root():
    new_asset, index = local("assets/n-Nnnnnnn1.js"), local("index.html", b"new")
    immutable_old = remote("assets/o-Ooooooo1.js", etag="1" * 32, content_type="x", cache_control=sync.IMMUTABLE, sha256=None)
    unknown_old = remote("assets/u-Uuuuuuu1.js", etag="2" * 32)
    files = {f.key: f for f in (new_asset, index)}
    objects = {
        "index.html": remote("index.html", etag="3" * 32, content_type="x", cache_control="no-cache"),
        "assets/o-Ooooooo1.js": immutable_old,
    }
    objects["assets/u-Uuuuuuu1.js"] = unknown_old
    plan = sync.Plan(uploads=["assets/n-Nnnnnnn1.js", "index.html"], deletes=["assets/o-Ooooooo1.js", "assets/u-Uuuuuuu1.js"])
    assert sync.invalidation_paths(plan, files, objects) == ["/", "/assets/u-Uuuuuuu1.js", "/index.html"]
    # A rule that makes an asset immutable: its old no-cache copy must go.
    ruled = local("assets/r-Rrrrrrr1.js")
    was = {"assets/r-Rrrrrrr1.js": remote(ruled, content_type=ruled.content_type, cache_control="no-cache", sha256=None)}
    assert sync.invalidation_paths(sync.Plan(metadata_updates=[ruled.key]), {ruled.key: ruled}, was) == ["/assets/r-Rrrrrrr1.js"]


def test_manifest_entries_count_only_while_etag_and_last_modified_match():
    mine = local("a.txt")
    manifest = sync.build_manifest({"a.txt": in_sync(mine), "b.txt": in_sync(local("b.txt"))}, {})
    listing = {"a.txt": remote(mine), "b.txt": remote(local("b.txt"))}
    listing["b.txt"].last_modified = "2026-02-02T00:00:00+00:00"
    sync.apply_manifest(listing, manifest)
    assert listing["a.txt"].knows("content_type", "cache_control", "sha256")
    assert listing["b.txt"].known == {}


def test_scan_build_fails_naming_src(tmp_path):
    with pytest.raises(sync.BuildError, match=r"^src .* does not exist"):
        sync.scan_build(str(tmp_path / "nope"), sync.DEFAULT_RULES, None)
    (tmp_path / "index.html").write_text("<p>")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "index-BS7pzLvu.js").write_text("1")
    files = sync.scan_build(str(tmp_path), sync.DEFAULT_RULES, None)
    assert sorted(files) == ["assets/index-BS7pzLvu.js", "index.html"]
    assert files["assets/index-BS7pzLvu.js"].cache_control == sync.IMMUTABLE


def test_build_digest_depends_on_content_and_names_only(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for root in (first, second):
        (root / "assets").mkdir(parents=True)
        (root / "index.html").write_text("<html></html>")
        (root / "assets" / "index-BS7pzLvu.js").write_text("x")
    same = [sync.build_digest(sync.scan_build(str(root), sync.DEFAULT_RULES, {})) for root in (first, second)]
    assert same[0] == same[1]
    (second / "index.html").write_text("<html>2</html>")
    assert sync.build_digest(sync.scan_build(str(second), sync.DEFAULT_RULES, {})) != same[0]


class _Body:
    def __init__(self, data):
        self.data = data

    def read(self):
        return self.data


class _ManifestClient:
    """get_object answers with the given bytes, as S3 returns the manifest object."""

    def __init__(self, data):
        self.data = data

    def get_object(self, Bucket, Key):
        return {"Body": _Body(self.data)}


def test_a_manifest_is_used_only_in_the_version_this_code_writes():
    current = {"version": sync.MANIFEST_VERSION, "objects": {"a.txt": {"sha256": "x"}}}
    assert sync.get_manifest(_ManifestClient(json.dumps(current).encode()), "b", "k") == current
    for other in ({"version": sync.MANIFEST_VERSION + 1, "objects": {}}, {"objects": {}}, [1], "x"):
        assert sync.get_manifest(_ManifestClient(json.dumps(other).encode()), "b", "k") == {}
    assert sync.get_manifest(_ManifestClient(b"not json"), "b", "k") == {}


def test_the_diff_of_an_object_shows_what_is_known_of_it_else_its_etag():
    """--diff shows a bucket object's headers and SHA-256 once they were read, and only its ETag before."""
    read = sync.RemoteObject("index.html", '"e1"', "2026-12-07", {"content_type": "text/html", "sha256": "ab", "retired_at": None})
    assert sync.summary(read) == {"content_type": "text/html", "sha256": "ab"}
    assert sync.summary(sync.RemoteObject("app.js", '"e2"', "2026-12-07")) == {"etag": '"e2"'}
    assert sync.summary(None) is None
