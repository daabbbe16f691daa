"""Tests of the demo files in extras/: the frontend build has Vite's shape and honest hashes; the backend answers."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import free_port

ROOT = Path(__file__).resolve().parents[3]
DIST = ROOT / "extras" / "demo-frontend" / "dist"
HASHED = re.compile(r"^(?P<stem>[\w-]+?)-(?P<hash>[A-Za-z0-9_-]{8})\.(?P<ext>js|css|svg|woff2|png)$")


def content_hash(path):
    return base64.urlsafe_b64encode(hashlib.sha256(path.read_bytes()).digest()).decode()[:8]


def test_frontend_build_has_the_files_of_a_vite_build():
    names = {p.relative_to(DIST).as_posix() for p in DIST.rglob("*") if p.is_file()}
    assert {"index.html", "favicon.svg", "robots.txt", "version.json", "images/pizza.png"} <= names
    assets = [n for n in names if n.startswith("assets/")]
    assert any(re.fullmatch(r"assets/index-[\w-]{8}\.js", n) for n in assets)
    assert any(re.fullmatch(r"assets/index-[\w-]{8}\.css", n) for n in assets)
    assert sum(p.stat().st_size for p in DIST.rglob("*") if p.is_file()) < 8192
    assert "version" in json.loads((DIST / "version.json").read_text())
    assert (DIST / "images" / "pizza.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_asset_name_carries_its_content_hash():
    assets = sorted((DIST / "assets").iterdir())
    assert assets
    for path in assets:
        match = HASHED.match(path.name)
        assert match, f"{path.name} has no Vite-style hash"
        assert match["hash"] == content_hash(path), f"{path.name}: content hash is {content_hash(path)}"


def test_every_reference_resolves_to_a_file_of_the_build():
    html = (DIST / "index.html").read_text()
    references = re.findall(r'(?:src|href)="/([^"]+)"', html)
    assert {r.split("/")[0] for r in references} >= {"assets", "favicon.svg"}
    for css in (DIST / "assets").glob("*.css"):
        references += re.findall(r"url\(/([^)]+)\)", css.read_text())
    for js in (DIST / "assets").glob("*.js"):
        references += re.findall(r'"/([\w./-]+\.(?:json|png|svg))"', js.read_text())
    assert len(references) >= 5
    for reference in references:
        assert (DIST / reference).is_file(), reference


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_demo_backend_answers_like_the_service_without_a_database():
    port = free_port()
    proc = subprocess.Popen(["node", str(ROOT / "extras" / "demo-backend" / "index.js"), str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as answer:
                    welcome = json.load(answer)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert welcome["message"] == "welcome to JWT Pizza" and welcome["version"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/docs", timeout=1) as answer:
            assert answer.status == 200 and json.load(answer)["endpoints"]
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nothing", timeout=1)
        assert missing.value.code == 404
    finally:
        proc.terminate()
        proc.wait(timeout=5)
