import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "shared"))

from stack import ROOT


@pytest.fixture
def empty_emulator():
    """A second, empty emulator beside the scenario's own."""
    port = str(int(os.environ["EMULATOR_PORT"]) + 50)
    emulator = [sys.executable, str(ROOT / "tools/emulator.py")]
    subprocess.run([*emulator, "start", "--port", port], check=True, capture_output=True)
    previous = os.environ["EMULATOR_PORT"]
    os.environ["EMULATOR_PORT"] = port
    try:
        yield port
    finally:
        os.environ["EMULATOR_PORT"] = previous
        subprocess.run([*emulator, "stop", "--port", port], check=True, capture_output=True)
