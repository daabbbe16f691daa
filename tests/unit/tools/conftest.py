"""Fixtures of the tests of tools/: the tools folder is importable (tools are scripts, not a package), and a
patched emulator in this process."""

from __future__ import annotations

import os
import socket
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT / "tools") not in sys.path:
    sys.path.insert(0, str(ROOT / "tools"))

import emulator_patches  # noqa: E402 - needs the path above

# The ports these tests may use: ten per pytest-xdist worker (gw0 5300-5309, gw1 5310-5319, ...), so that two workers
# never pick the same free port at the same moment.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
PORTS = range(5300 + 10 * _WORKER, 5310 + 10 * _WORKER)
ROLLOUT = 0.4  # EMULATOR_ECS_ROLLOUT_SECONDS of the tests


def free_port(exclude=()):
    """A free port of PORTS (the test is skipped when none is)."""
    for port in PORTS:
        if port in exclude:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    pytest.skip(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


@pytest.fixture(scope="module")
def emulator_server():
    """moto's ThreadedMotoServer in this process with the emulator's patches, which are undone afterwards (other
    tests keep plain moto); its URL."""
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    port = free_port()
    with emulator_patches.patched():
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.stop()


@pytest.fixture
def emulator(emulator_server, aws_env, monkeypatch):
    """The patched emulator, emptied, with a short rollout and the other settings at their defaults; its URL.
    The settings are read at request time, so a test changes them with monkeypatch.setenv."""
    monkeypatch.setenv("EMULATOR_ECS_ROLLOUT_SECONDS", str(ROLLOUT))
    for name in ("EMULATOR_ECS_FAIL_IMAGE", "EMULATOR_CLOUDFRONT_INVALIDATION_SECONDS", "MOTO_ECS_SERVICE_RUNNING"):
        monkeypatch.delenv(name, raising=False)
    request = urllib.request.Request(f"{emulator_server}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=10).close()
    return emulator_server
