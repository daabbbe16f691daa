import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "shared"))

from stack import ROOT


@contextmanager
def _emulator(offset: int, settings: dict | None = None):
    """A second, empty emulator beside the scenario's own, with these emulator settings."""
    port = str(int(os.environ["EMULATOR_PORT"]) + offset)
    emulator = [sys.executable, str(ROOT / "tools/emulator.py")]
    subprocess.run([*emulator, "start", "--port", port], check=True, capture_output=True,
                   env={**os.environ, **(settings or {})})
    previous = os.environ["EMULATOR_PORT"]
    os.environ["EMULATOR_PORT"] = port
    try:
        yield port
    finally:
        os.environ["EMULATOR_PORT"] = previous
        subprocess.run([*emulator, "stop", "--port", port], check=True, capture_output=True)


@pytest.fixture
def empty_emulator():
    with _emulator(50) as port:
        yield port


@pytest.fixture
def validating_emulator():
    """An empty emulator whose certificates stay pending (issued an hour after they are requested)."""
    with _emulator(55, {"MOTO_ACM_VALIDATION_WAIT": "3600"}) as port:
        yield port
