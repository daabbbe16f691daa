"""Run a small playbook of role tasks on localhost, without AWS, and read back the JSON it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_rendering(tmp_path: Path, playbook_text: str, extra_vars: dict):
    """The run and the JSON the playbook wrote to ``out`` (None when the run failed)."""
    playbook = tmp_path / "render.yml"
    playbook.write_text(playbook_text)
    out = tmp_path / "out.json"
    run = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", "-c", "local", str(playbook),
         "-e", json.dumps({**extra_vars, "out": str(out)})],
        capture_output=True, text=True, cwd=ROOT, check=False,
        env={**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_FORCE_COLOR": "0", "NO_COLOR": "1"},
    )
    return run, (json.loads(out.read_text()) if run.returncode == 0 else None)
