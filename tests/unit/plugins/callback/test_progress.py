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
        self.loop = None


class Result:
    """The parts of a CallbackTaskResult the callbacks read, under both names ansible-core gives them."""

    def __init__(self, host, task, changed=False):
        self._host, self._task, self._result = host, task, {"changed": changed}
        self.host, self.task, self.result = self._host, self._task, self._result


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


def test_a_diff_follows_the_line_of_its_own_task_when_the_stacks_interleave(callback, capsys):
    """Ansible sends a task's diff just before its result; with the free strategy the other stack's lines come in
    between. The diff is printed right after its own task's line, never before another task's."""
    callback._display.verbosity = 0
    frontend, backend = Named("jwt-pizza-dev-frontend"), Named("jwt-pizza-dev-backend")
    distribution, log_group = Task("Create the distribution", "cdn"), Task("Create the log group", "service")
    callback.v2_runner_on_start(frontend, distribution)
    changed = Result(frontend, distribution, changed=True)
    changed._result["diff"] = {"before": "price_class: PriceClass_100\n", "after": "price_class: PriceClass_All\n"}
    callback.v2_on_file_diff(changed)
    callback.v2_runner_on_start(backend, log_group)
    callback.v2_runner_on_ok(Result(backend, log_group, changed=True))
    callback.v2_runner_on_ok(changed)

    lines = capsys.readouterr().out.splitlines()
    mine = next(i for i, line in enumerate(lines) if "changed: frontend: Create the distribution" in line)
    other = next(i for i, line in enumerate(lines) if "changed: backend: Create the log group" in line)
    diff_at = [i for i, line in enumerate(lines) if "PriceClass_All" in line]
    assert other < mine and diff_at and all(i > mine for i in diff_at), lines


def test_the_task_line_and_its_diff_are_one_display_call(callback, monkeypatch):
    """Item results of the other stack arrive on another thread: nothing may come between a line and its diff."""
    calls = []
    monkeypatch.setattr(callback._display, "display", lambda text, *args, **kwargs: calls.append(text))
    frontend, distribution = Named("jwt-pizza-dev-frontend"), Task("Create the distribution", "cdn")
    changed = Result(frontend, distribution, changed=True)
    changed._result["diff"] = {"before": "price_class: PriceClass_100\n", "after": "price_class: PriceClass_All\n"}
    callback.v2_on_file_diff(changed)
    callback.v2_runner_on_ok(changed)
    mine = [text for text in calls if "changed: frontend: Create the distribution" in text]
    assert len(mine) == 1 and "+price_class: PriceClass_All" in mine[0], calls
    # A result without a diff (or unchanged) prints no diff of an earlier task.
    unchanged = Result(frontend, Task("Read the zone", "dns"))
    callback.v2_runner_on_ok(unchanged)
    assert not [text for text in calls if "PriceClass" in text and text not in mine]


def test_a_loop_items_diff_follows_that_items_line(callback, capsys):
    callback._display.verbosity = 0
    backend = Named("jwt-pizza-dev-backend")
    roles = Task("Create the roles", "iam")
    item = Result(backend, roles, changed=True)
    item._result.update(diff={"before": "max_session: 3600\n", "after": "max_session: 7200\n"}, item="exec", ansible_loop_var="item")
    callback.v2_on_file_diff(item)
    callback.v2_runner_item_on_ok(item)
    lines = capsys.readouterr().out.splitlines()
    mine = next(i for i, line in enumerate(lines) if "changed: backend: Create the roles (exec)" in line)
    assert [i for i, line in enumerate(lines) if "7200" in line] and all(
        i > mine for i, line in enumerate(lines) if "7200" in line), lines
