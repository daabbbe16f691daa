# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: progress
type: stdout
short_description: One line per step of a jwtpizza.cloud playbook, with its time; details only with -v
version_added: 0.1.0
description:
  - Prints what is being built as it happens - one line when a role starts, one line for every task that changed
    something or failed (with the error), and at the end the time of each phase and the slowest tasks - instead of
    every task, every skipped task and every loop item of the input checks.
  - With C(--diff) the diff of a changed task comes right after that task's line, never under another task's
    line (the default callback prints it before the task's banner, so with the free strategy of C(site.yml) a diff
    may appear under the other stack's task).
  - With C(-v) or more it prints what the default callback prints.
  - With I(report_dir) set, it also writes the run's timings and changes as C(<report_dir>/<playbook>.run.json),
    which C(tools/report.py) puts into the deploy report.
author:
  - jwtpizza.cloud developers (@jwtpizza)
extends_documentation_fragment:
  - ansible.builtin.default_callback
  - ansible.builtin.result_format_callback
options:
  report_dir:
    description:
      - Folder for the run's JSON record; empty writes none. C({environment}) in it stands for the play's
        C(jwtpizza_environment), so that each environment has its own folder (C(reports/{environment})).
    type: str
    default: ""
    env:
      - name: JWTPIZZA_REPORT_DIR
    ini:
      - section: jwtpizza_progress
        key: report_dir
  slowest:
    description: How many of the slowest tasks the summary names.
    type: int
    default: 5
    env:
      - name: JWTPIZZA_PROGRESS_SLOWEST
"""

import json
import os
import time

from ansible.plugins.callback.default import CallbackModule as DefaultCallback


class CallbackModule(DefaultCallback):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "jwtpizza.cloud.progress"

    def __init__(self):
        super().__init__()
        self._start = time.monotonic()
        self._task_start = {}
        self._tasks = []
        self._phase = {}
        self._phases = []
        self._playbook = "playbook"
        self._environment = "default"
        self._diffs = {}

    # -- helpers ---------------------------------------------------------------------------------------------------
    def _verbose(self):
        return self._display.verbosity > 0

    @staticmethod
    def _role(task):
        return task._role.get_name() if task._role else ""

    def _line(self, text):
        self._display.display(f"{time.monotonic() - self._start:6.1f}s  {text}")

    @staticmethod
    def _stack(host):
        """The stack a host builds: site.yml gives each stack a host named ``<prefix>-<stack>``; localhost has none."""
        name = host.get_name() if host is not None else "localhost"
        return "" if name in ("localhost", "127.0.0.1") else name.rsplit("-", 1)[-1]

    def _enter_phase(self, host, role):
        """One phase per role and host: the frontend and the backend build side by side on hosts of their own."""
        stack = self._stack(host)
        name = f"{stack}: {role}" if stack else role
        if name == self._phase.get(stack):
            return
        now = time.monotonic()
        self._phases.append({"name": name, "stack": stack, "role": role, "started": now, "ended": now})
        self._phase[stack] = name
        self._line(f"> {name}")

    def _diff_text(self, result):
        """The diff of a changed result, as lines to print under the task's line (one display call, so that the
        other stack's lines cannot come in between); empty without one."""
        if result is None or not result._result.get("changed") or not result._result.get("diff"):
            return ""
        text = self._get_diff(result._result["diff"]).rstrip("\n")
        return "\n" + text if text else ""

    def _where(self, result):
        stack = self._stack(result._host)
        return f"{stack}: " if stack else ""

    def _finish(self, result, status):
        task = result._task
        started = self._task_start.pop((task._uuid, result._host.get_name()), time.monotonic())
        # A phase lasts from its first task's start to its last task's end, on the host of its stack.
        for phase in reversed(self._phases):
            if phase["stack"] == self._stack(result._host):
                if phase["role"] == self._role(task).split(".")[-1]:
                    phase["ended"] = time.monotonic()
                break
        self._tasks.append({
            "task": task.get_name(),
            "role": self._role(task),
            "host": result._host.get_name(),
            "status": status,
            "seconds": round(time.monotonic() - started, 2),
        })

    # -- playbook events -------------------------------------------------------------------------------------------
    def v2_playbook_on_start(self, playbook):
        self._playbook = os.path.splitext(os.path.basename(playbook._file_name))[0]
        super().v2_playbook_on_start(playbook)

    def v2_playbook_on_play_start(self, play):
        self._phase = {}
        manager = play.get_variable_manager()
        hosts = manager._inventory.get_hosts(play.hosts) if manager else []
        if hosts:
            environment = manager.get_vars(play=play, host=hosts[0]).get("jwtpizza_environment")
            if isinstance(environment, str) and environment and "{" not in environment:
                self._environment = environment
        if self._verbose():
            return super().v2_playbook_on_play_start(play)
        self._line(f"{play.get_name()}")
        return None

    def v2_playbook_on_task_start(self, task, is_conditional):
        if self._verbose():
            return super().v2_playbook_on_task_start(task, is_conditional)
        return None

    def v2_runner_on_start(self, host, task):
        self._task_start[(task._uuid, host.get_name())] = time.monotonic()
        role = self._role(task)
        if not self._verbose() and role and role.split(".")[-1] not in ("jwtpizza", "frontend", "backend"):
            self._enter_phase(host, role.split(".")[-1])

    def v2_playbook_on_handler_task_start(self, task):
        self.v2_playbook_on_task_start(task, False)

    def v2_on_file_diff(self, result):
        # Ansible sends the diff just before the result itself: keep it for the task's line (v2_runner_on_ok).
        if self._verbose():
            return super().v2_on_file_diff(result)
        self._diffs[(result._task._uuid, result._host.get_name())] = result
        return None

    def v2_runner_on_ok(self, result):
        self._finish(result, "changed" if result._result.get("changed") else "ok")
        diff = self._diffs.pop((result._task._uuid, result._host.get_name()), None)
        if self._verbose():
            return super().v2_runner_on_ok(result)
        if result._result.get("changed"):
            self._line(f"  changed: {self._where(result)}{result._task.get_name()}{self._diff_text(diff)}")
        elif result._task.action in ("debug", "ansible.builtin.debug") and "msg" in result._result:
            self._line(f"  {result._result['msg']}")
        return None

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._finish(result, "ignored" if ignore_errors else "failed")
        if self._verbose() or not ignore_errors:
            return super().v2_runner_on_failed(result, ignore_errors)
        return None

    def v2_runner_on_skipped(self, result):
        self._finish(result, "skipped")
        if self._verbose():
            return super().v2_runner_on_skipped(result)
        return None

    def v2_runner_on_unreachable(self, result):
        self._finish(result, "unreachable")
        return super().v2_runner_on_unreachable(result)

    def v2_runner_item_on_ok(self, result):
        # A loop sends each item's diff just before the item's result.
        diff = self._diffs.pop((result._task._uuid, result._host.get_name()), None)
        if self._verbose():
            return super().v2_runner_item_on_ok(result)
        if result._result.get("changed"):
            label = self._get_item_label(result._result)
            self._line(f"  changed: {self._where(result)}{result._task.get_name()} ({label}){self._diff_text(diff)}")
        return None

    def v2_runner_item_on_skipped(self, result):
        if self._verbose():
            return super().v2_runner_item_on_skipped(result)
        return None

    def v2_playbook_on_include(self, included_file):
        if self._verbose():
            return super().v2_playbook_on_include(included_file)
        return None

    def v2_playbook_on_stats(self, stats):
        now = time.monotonic()
        for phase in self._phases:
            phase["seconds"] = round(phase["ended"] - phase["started"], 2)
        total = round(now - self._start, 2)
        if not self._verbose():
            slowest = sorted(self._tasks, key=lambda t: -t["seconds"])[: self.get_option("slowest")]
            phases = ", ".join(f"{p['name']} {p['seconds']:.1f}s" for p in self._phases)
            self._line(f"done in {total:.1f}s; by phase: {phases or '-'}")
            self._line("slowest tasks: " + "; ".join(f"{t['task']} {t['seconds']:.1f}s" for t in slowest))
        super().v2_playbook_on_stats(stats)
        report_dir = self.get_option("report_dir").replace("{environment}", self._environment)
        if report_dir:
            os.makedirs(report_dir, exist_ok=True)
            record = {
                "playbook": self._playbook,
                "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "seconds": total,
                "phases": [{"name": p["name"], "seconds": p.get("seconds", 0.0)} for p in self._phases],
                "changed": [t for t in self._tasks if t["status"] == "changed"],
                "failed": [t for t in self._tasks if t["status"] == "failed"],
                "slowest": sorted(self._tasks, key=lambda t: -t["seconds"])[:10],
                "tasks": len(self._tasks),
                "skipped": sum(1 for t in self._tasks if t["status"] == "skipped"),
            }
            with open(os.path.join(report_dir, f"{self._playbook}.run.json"), "w", encoding="utf-8") as out:
                json.dump(record, out, indent=2)
