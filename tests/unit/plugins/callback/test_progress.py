"""The progress callback: one phase per role and stack when site.yml builds the two stacks side by side."""

from __future__ import annotations

import json
import uuid

import pytest
from collections import defaultdict

from ansible.executor.stats import AggregateStats

from ansible.plugins.callback.default import CallbackModule as DefaultCallback

from ansible_collections.jwtpizza.cloud.plugins.callback.progress import CallbackModule


class Named:
    def __init__(self, name):
        self.name = name

    def get_name(self):
        return self.name


class Task(Named):
    def __init__(self, name, role):
        super().__init__(name)
        self._uuid = str(uuid.uuid4())
        self._role = Named(f"jwtpizza.cloud.{role}") if role else None
        self.action = "jwtpizza.cloud.some_module"


class Result:
    def __init__(self, host, task, changed=False):
        self._host, self._task, self._result = host, task, {"changed": changed}


@pytest.fixture
def clock(monkeypatch):
    """The callback's clock, moved by the test."""
    now = [0.0]
    monkeypatch.setattr(CallbackModule.__module__ + ".time.monotonic", lambda: now[0])
    return now


@pytest.fixture
def callback(tmp_path, clock, monkeypatch):
    # The default callback's recap needs a whole run's context; only ours is under test.
    monkeypatch.setattr(DefaultCallback, "v2_playbook_on_stats", lambda self, stats: None)
    plugin = CallbackModule()
    # The options ansible would load from the plugin's documentation (the default callback's ones unset).
    plugin._plugin_options = defaultdict(lambda: None, report_dir=str(tmp_path), slowest=5)
    return plugin


def run(callback, host, role, name, changed=False, clock=None, seconds=1.0):
    task = Task(name, role)
    callback.v2_runner_on_start(host, task)
    if clock is not None:
        clock[0] += seconds
    callback.v2_runner_on_ok(Result(host, task, changed))


def test_each_stack_has_its_own_phases_and_changes_name_their_stack(callback, tmp_path, capsys):
    local, frontend, backend = Named("localhost"), Named("jwt-pizza-dev-frontend"), Named("jwt-pizza-dev-backend")
    run(callback, local, "dns", "Find the zone")
    # The two stacks interleave: each keeps its own current phase.
    run(callback, frontend, "bucket", "Create the bucket", changed=True)
    run(callback, backend, "network", "Create the VPC")
    run(callback, frontend, "bucket", "Publish the bucket")
    run(callback, backend, "network", "Create the groups", changed=True)
    run(callback, frontend, "cdn", "Create the distribution")
    callback.v2_playbook_on_stats(AggregateStats())

    out = capsys.readouterr().out
    assert [line.split("> ", 1)[1] for line in out.splitlines() if "> " in line] == [
        "dns", "frontend: bucket", "backend: network", "frontend: cdn"]
    assert "changed: frontend: Create the bucket" in out
    assert "changed: backend: Create the groups" in out
    record = json.loads((tmp_path / "playbook.run.json").read_text())
    assert [p["name"] for p in record["phases"]] == ["dns", "frontend: bucket", "backend: network", "frontend: cdn"]
    assert [(t["host"], t["task"]) for t in record["changed"]] == [
        ("jwt-pizza-dev-frontend", "Create the bucket"), ("jwt-pizza-dev-backend", "Create the groups")]
    assert record["tasks"] == 6


def test_a_phase_ends_with_its_last_task_not_with_the_next_play(callback, tmp_path, clock):
    local = Named("localhost")
    run(callback, local, "dns", "Find the zone", clock=clock, seconds=2.0)
    run(callback, local, "dns", "Publish the zone", clock=clock, seconds=1.0)
    # Tasks without a role afterwards (add_host, a skipped include of the next play) are not the zone's time.
    for _turn in range(5):
        run(callback, local, None, "Something else", clock=clock, seconds=10.0)
    callback.v2_playbook_on_stats(AggregateStats())
    record = json.loads((tmp_path / "playbook.run.json").read_text())
    assert record["phases"] == [{"name": "dns", "seconds": 3.0}]
    assert record["seconds"] == 53.0
