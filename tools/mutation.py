"""Mutation figures for the unit tests: do they notice a deliberate breakage?  Not a gate: prints figures, asserts nothing.

    .venv/bin/python tools/mutation.py                      # the listed breakages of tools/mutations.yml
    .venv/bin/python tools/mutation.py --seeded 5 --seed 1  # 5 generic mutants per module / module_utils file, seed 1
    .venv/bin/python tools/mutation.py --only _ecs.py       # only the mutants of files whose path contains this text
    .venv/bin/python tools/mutation.py --jobs 2             # run two mutants at a time

Each mutant is one textual replacement in one file of plugins/.  It is applied in a scratch copy of the collection
(one per job, under a temporary directory): the checkout itself is never modified, and the scratch file is restored
after each mutant (in a ``finally``, so also on Ctrl-C or a failing test run).  The unit tests relevant to the file
(TESTS below) run with ``pytest -q -x``; a mutant is *caught* when they fail, a *survivor* when they pass.

Listed breakages (tools/mutations.yml): file, exact original snippet (it must occur exactly once), replacement,
description.  Seeded mode: a generic mutator finds every site of these kinds in a file's code (docstrings and the
DOCUMENTATION/EXAMPLES/RETURN strings are not code), and picks N per file with the seed:

- comparison flips: ``==``/``!=``, ``<``/``>=``, ``>``/``<=``, ``in``/``not in``, ``is``/``is not``;
- boolean constants ``True``/``False``;
- a dropped ``changed = True`` or ``changed |= ...`` (any name ending in ``changed``);
- ``return X`` -> ``return None``;
- integer constants +1 / -1 (alternately); a subscript index moves away from the nearer end (``[0]`` -> ``[1]``,
  ``[-1]`` -> ``[-2]``).

Equivalent-mutant rules (sites excluded before the pick, by rule, never by hand):

1. ``if __name__ == "__main__":`` and everything under it (the unit tests import modules, they do not run them).
2. Timing only: integer constants assigned to names ending in ``_DELAY``/``_TIMEOUT`` (any case), or passed as
   the ``delay``/``max_delay``/``poll_delay``/``timeout``/``lifetime`` of a wait, a backoff or a DNS query; the unit
   tests fake the clock or never wait,
   so a changed duration is not observable behaviour.
3. No ``return None`` mutant where the value already is ``None`` (or a bare ``return``): it would change nothing.
   A function whose result callers discard is NOT excluded: a test that cannot see it is a gap, not an equivalent.
4. Read buffer sizes: integer constants assigned to names ending in ``CHUNK`` (any case).  Such a name may only be
   the size of a ``read()``/``copyfileobj`` buffer (the bytes read, hashed or copied are the same whatever the
   size); a size that AWS sees (a part size, a page size) must be named otherwise.
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).with_name("mutations.yml")
UNIT = "tests/unit/plugins"

# The unit tests of the network resources of ec2_public_network (one module_utils file each).
EC2_NETWORK_TESTS = [f"{UNIT}/modules/test_ec2_public_network.py", f"{UNIT}/modules/test_ec2_public_network_retries.py",
                     f"{UNIT}/module_utils/test_pagination.py"]
# The unit tests that cover each file, fastest first (pytest -x stops at the first failure).
TESTS = {
    "plugins/module_utils/_aws.py": [f"{UNIT}/module_utils/test_aws.py", f"{UNIT}/modules/test_route53.py",
                                     f"{UNIT}/modules/test_ecs_fargate_service.py"],
    "plugins/module_utils/_acm.py": [f"{UNIT}/module_utils/test_acm.py", f"{UNIT}/modules/test_acm_certificate.py",
                                     f"{UNIT}/module_utils/test_pagination.py"],
    "plugins/module_utils/_acm_validation.py": [f"{UNIT}/modules/test_acm_certificate.py"],
    "plugins/module_utils/_route53.py": [f"{UNIT}/module_utils/test_route53_helpers.py", f"{UNIT}/modules/test_route53.py",
                                         f"{UNIT}/modules/test_acm_certificate.py"],
    "plugins/module_utils/_cloudfront.py": [f"{UNIT}/modules/test_cloudfront_origin_access_control.py",
                                            f"{UNIT}/modules/test_cloudfront_site_distribution.py",
                                            f"{UNIT}/module_utils/test_pagination.py"],
    "plugins/module_utils/_ecs.py": [f"{UNIT}/module_utils/test_ecs.py", f"{UNIT}/modules/test_ecs_fargate_service.py",
                                     f"{UNIT}/modules/test_ecs_rollout.py", f"{UNIT}/modules/test_ecs_cluster.py"],
    "plugins/module_utils/_ecs_rollout.py": [f"{UNIT}/module_utils/test_ecs.py", f"{UNIT}/modules/test_ecs_fargate_service.py",
                                             f"{UNIT}/modules/test_ecs_rollout.py"],
    "plugins/module_utils/_ecs_service.py": [f"{UNIT}/module_utils/test_ecs.py", f"{UNIT}/modules/test_ecs_fargate_service.py"],
    "plugins/module_utils/_ecs_task_definition.py": [f"{UNIT}/module_utils/test_ecs_task_definition.py",
                                                     f"{UNIT}/modules/test_ecs_fargate_service.py",
                                                     f"{UNIT}/modules/test_ecs_rollout.py"],
    "plugins/module_utils/_ec2_network.py": EC2_NETWORK_TESTS,
    "plugins/module_utils/_ec2_vpc.py": EC2_NETWORK_TESTS,
    "plugins/module_utils/_ec2_subnets.py": EC2_NETWORK_TESTS,
    "plugins/module_utils/_ec2_internet_gateway.py": EC2_NETWORK_TESTS,
    "plugins/module_utils/_ec2_route_table.py": EC2_NETWORK_TESTS,
    "plugins/module_utils/_ec2_enis.py": [f"{UNIT}/modules/test_ec2_public_network.py"],
    "roles/network/tasks/fargate_zones.yml": ["tests/unit/roles/test_network_fargate_zones.py"],
    "plugins/module_utils/_sweep.py": [f"{UNIT}/modules/test_environment_resources_info.py", f"{UNIT}/module_utils/test_pagination.py"],
    "plugins/modules/route53_alias.py": [f"{UNIT}/modules/test_route53.py"],
    "plugins/modules/route53_hosted_zone.py": [f"{UNIT}/modules/test_route53.py"],
    "plugins/module_utils/_rds.py": [f"{UNIT}/modules/test_rds_mysql_instance.py"],
    "tests/faults/fault_proxy.py": ["tests/unit/faults/test_fault_proxy.py"],
}
SEEDED_FILES = sorted(
    [str(p.relative_to(ROOT)) for p in (ROOT / "plugins/module_utils").glob("*.py")]
    + [str(p.relative_to(ROOT)) for p in (ROOT / "plugins/modules").glob("*.py")]
)
RUN_TIMEOUT = 600


def _default_tests(path):
    """A module's own test file; for a module_utils file, its own test file (when there is one) and those of the
    modules that import it."""
    stem = Path(path).stem
    if not path.startswith("plugins/module_utils/"):
        return [f"{UNIT}/modules/test_{stem}.py"]
    own = [f"{UNIT}/module_utils/test_{stem.lstrip('_')}.py"]
    # Both import styles: `from ...module_utils._x import y` and `from ...module_utils import _x as y`.
    imports = re.compile(rf"module_utils(\.{stem} import | import {stem}\b)")
    users = [f"{UNIT}/modules/test_{module.stem}.py" for module in sorted((ROOT / "plugins/modules").glob("*.py"))
             if imports.search(module.read_text(encoding="utf-8"))]
    return [test for test in own + users if (ROOT / test).is_file()]


def tests_for(path):
    """The tests of a file; a module's also include test_documentation.py (its argument_spec against its docs)."""
    tests = TESTS.get(path) or _default_tests(path)
    if path.startswith("plugins/modules/"):
        tests = [f"{UNIT}/modules/test_documentation.py", *tests]
    return tests


@dataclass
class Mutant:
    file: str
    original: str
    replacement: str
    description: str
    line: int = 0


# ---------------------------------------------------------------- listed breakages


def listed_mutants():
    mutants = []
    for item in yaml.safe_load(DATA.read_text(encoding="utf-8")):
        text = (ROOT / item["file"]).read_text(encoding="utf-8")
        count = text.count(item["original"])
        if count != 1:
            raise SystemExit(f"{DATA.name}: the original snippet of {item['description']!r} occurs {count} times in {item['file']}")
        line = text[: text.index(item["original"])].count("\n") + 1
        mutants.append(Mutant(item["file"], item["original"], item["replacement"], item["description"], line))
    return mutants


# ---------------------------------------------------------------- seeded (generic) mutants

FLIPS = {
    ast.Eq: "!=",
    ast.NotEq: "==",
    ast.Lt: ">=",
    ast.GtE: "<",
    ast.Gt: "<=",
    ast.LtE: ">",
    ast.In: "not in",
    ast.NotIn: "in",
    ast.Is: "is not",
    ast.IsNot: "is",
}
TIMING_NAMES = ("_DELAY", "_TIMEOUT")
BUFFER_NAMES = ("CHUNK",)
TIMING_KEYWORDS = ("delay", "max_delay", "poll_delay", "lifetime", "timeout")


class Sites(ast.NodeVisitor):
    """Every mutable site of a file as (line, column, end line, end column, replacement, description)."""

    def __init__(self, source):
        self.source = source
        self.lines = source.splitlines(keepends=True)
        self.sites = []
        self.excluded = set()  # ids of nodes under an excluded parent

    def segment(self, node):
        return ast.get_source_segment(self.source, node)

    def add(self, node, replacement, description):
        if id(node) in self.excluded:
            return
        self.sites.append((node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, replacement, description))

    def exclude(self, node):
        for child in ast.walk(node):
            self.excluded.add(id(child))

    def visit_If(self, node):
        test = node.test
        if isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__":
            self.exclude(node)  # rule 1
        self.generic_visit(node)

    def visit_Assign(self, node):
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id.upper().endswith(TIMING_NAMES):
                self.exclude(node.value)  # rule 2
            if isinstance(target, ast.Name) and target.id.upper().endswith(BUFFER_NAMES):
                self.exclude(node.value)  # rule 4
            if isinstance(target, ast.Name) and target.id in ("DOCUMENTATION", "EXAMPLES", "RETURN"):
                self.exclude(node)
        value = node.value
        if (len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and node.targets[0].id.endswith("changed")
                and isinstance(value, ast.Constant) and value.value is True):
            self.add(node, "pass", f"drop `{self.segment(node)}`")
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        if isinstance(node.target, ast.Name) and node.target.id.endswith("changed"):
            self.add(node, "pass", f"drop `{self.segment(node)}`")
        self.generic_visit(node)

    def visit_keyword(self, node):
        if node.arg in TIMING_KEYWORDS:
            self.exclude(node.value)  # rule 2
        self.generic_visit(node)

    def visit_FunctionDef(self, node):
        # A docstring is not code.
        if node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant):
            self.exclude(node.body[0])
        positional = node.args.args[len(node.args.args) - len(node.args.defaults):]
        pairs = [*zip(positional, node.args.defaults, strict=True), *zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True)]
        for arg, default in pairs:
            if default is not None and arg.arg in TIMING_KEYWORDS:
                self.exclude(default)  # rule 2
        self.generic_visit(node)

    def visit_Return(self, node):
        if node.value is not None and not (isinstance(node.value, ast.Constant) and node.value.value is None):
            self.add(node, "return None", f"`{self.segment(node)[:60]}` -> `return None`")
        self.generic_visit(node)

    def visit_Compare(self, node):
        if len(node.ops) == 1 and type(node.ops[0]) in FLIPS:
            left, right = self.segment(node.left), self.segment(node.comparators[0])
            flipped = f"{left} {FLIPS[type(node.ops[0])]} {right}"
            if left is not None and right is not None and "\n" not in left + right:
                self.add(node, flipped, f"`{self.segment(node)[:60]}` -> `{flipped[:60]}`")
        self.generic_visit(node)

    def visit_Subscript(self, node):
        # An index moves away from the nearer end (0 -> 1, -1 -> -2): 0 -> -1 would still name the only item of a
        # one-item list, a mutant no test can tell apart.
        index = node.slice
        if isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub):
            index = index.operand
        if isinstance(index, ast.Constant) and isinstance(index.value, int) and not isinstance(index.value, bool):
            self.add(index, str(index.value + 1), f"index `{index.value}` -> `{index.value + 1}` (from the nearer end)")
            self.excluded.add(id(index))
        self.generic_visit(node)

    def visit_Constant(self, node):
        if node.value is True or node.value is False:
            self.add(node, str(not node.value), f"`{node.value}` -> `{not node.value}`")
        elif isinstance(node.value, int) and not isinstance(node.value, bool):
            step = 1 if (node.lineno + node.col_offset) % 2 == 0 else -1
            self.add(node, str(node.value + step), f"`{node.value}` -> `{node.value + step}`")


def seeded_mutants(per_file, seed, files=SEEDED_FILES):
    rng = random.Random(seed)  # noqa: S311 - reproducible picks, not secrets
    mutants = []
    for path in files:
        source = (ROOT / path).read_text(encoding="utf-8")
        tree = ast.parse(source)
        finder = Sites(source)
        # Module-level strings (the module's docstring, DOCUMENTATION, ...) are not code.
        for node in tree.body:
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                finder.exclude(node)
        finder.visit(tree)
        sites = sorted(set(finder.sites))
        rng.shuffle(sites)
        picked = 0
        for line, col, end_line, end_col, replacement, description in sites:
            if picked == per_file:
                break
            lines = source.splitlines(keepends=True)
            start = sum(len(x) for x in lines[: line - 1]) + col
            end = sum(len(x) for x in lines[: end_line - 1]) + end_col
            # Widen to the whole line(s) so that the snippet is unique in the file.
            line_start = source.rfind("\n", 0, start) + 1
            line_end = source.find("\n", end)
            line_end = len(source) if line_end < 0 else line_end
            snippet = source[line_start:line_end]
            mutated = source[line_start:start] + replacement + source[end:line_end]
            if source.count(snippet) != 1:
                continue  # the next site instead: a snippet must name one place
            picked += 1
            mutants.append(Mutant(path, snippet, mutated, description, line))
    return mutants


# ---------------------------------------------------------------- running


class Workspace:
    """A scratch copy of the collection where mutants are applied, importable as ansible_collections.jwtpizza.cloud."""

    def __init__(self, base):
        self.root = Path(base)
        self.tree = self.root / "ansible_collections" / "jwtpizza" / "cloud"
        self.tree.mkdir(parents=True)
        for part in ("plugins", "tests", "meta", "roles", "tools", "extras"):
            shutil.copytree(ROOT / part, self.tree / part, ignore=shutil.ignore_patterns("__pycache__", "output"))
        (self.tree / "pytest.ini").write_text(
            f"[pytest]\npythonpath = {self.root}\ntestpaths = tests/unit\naddopts = -p no:cacheprovider\n", encoding="utf-8"
        )

    def run(self, mutant):
        """True when the tests catch the mutant (fail), False when they pass; the file is restored in any case."""
        target = self.tree / mutant.file
        original = target.read_text(encoding="utf-8")
        try:
            target.write_text(original.replace(mutant.original, mutant.replacement, 1), encoding="utf-8")
            command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:randomly", *tests_for(mutant.file)]
            env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
            try:
                done = subprocess.run(command, cwd=self.tree, env=env, capture_output=True, timeout=RUN_TIMEOUT, check=False)
            except subprocess.TimeoutExpired:
                return True  # a mutant that makes the tests hang is noticed too
            # 1: a test failed; 2-4: collection error (the mutant broke an import), interrupted, internal error.
            return done.returncode != 0
        finally:
            target.write_text(original, encoding="utf-8")


def check_baseline(workspace, files):
    """The relevant tests must pass on the unmutated code, or no figure means anything."""
    tests = sorted({t for f in files for t in tests_for(f)})
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:randomly", *tests]
    done = subprocess.run(command, cwd=workspace.tree, capture_output=True, check=False)
    if done.returncode != 0:
        sys.stdout.write((done.stdout + done.stderr).decode(errors="replace")[-2000:])
        raise SystemExit("the unit tests fail without any mutant: fix them first")


def interrupt(*_ignored):
    raise KeyboardInterrupt


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--seeded", type=int, metavar="N", help="N generic mutants per file instead of the listed ones")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", help="only files whose path contains this text")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--no-baseline", action="store_true", help="skip the run of the unmutated tests")
    parser.add_argument("--list", action="store_true", help="print the mutants without running them")
    args = parser.parse_args()

    mutants = seeded_mutants(args.seeded, args.seed) if args.seeded else listed_mutants()
    if args.only:
        mutants = [m for m in mutants if args.only in m.file]
    label = f"seeded (N={args.seeded}, seed={args.seed})" if args.seeded else f"listed ({DATA.name})"
    if args.list:
        for m in mutants:
            print(f"{m.file}:{m.line}: {m.description}")
        print(f"{len(mutants)} mutants, {label}")
        return

    # SIGTERM ends the run like Ctrl-C: through the finally clauses that restore the scratch files.
    signal.signal(signal.SIGTERM, interrupt)
    base = Path(tempfile.mkdtemp(prefix="jwtpizza-mutation-"))
    started = time.monotonic()
    results = []
    try:
        workspaces = [Workspace(base / f"job{i}") for i in range(max(1, args.jobs))]
        if not args.no_baseline:
            check_baseline(workspaces[0], {m.file for m in mutants})
        free = list(workspaces)

        def run(mutant):
            workspace = free.pop()
            try:
                caught = workspace.run(mutant)
            finally:
                free.append(workspace)
            status = "caught  " if caught else "SURVIVED"
            print(f"{status} {mutant.file}:{mutant.line}: {mutant.description}", flush=True)
            results.append((mutant, caught))

        pool = ThreadPoolExecutor(max_workers=len(workspaces))
        futures = [pool.submit(run, m) for m in mutants]
        try:
            for future in futures:
                future.result()
        finally:
            # On Ctrl-C: no new mutant starts; the running ones end with their pytest (which got the signal too).
            pool.shutdown(wait=True, cancel_futures=True)
    except KeyboardInterrupt:
        print("interrupted: figures of the mutants run so far", file=sys.stderr)
    finally:
        shutil.rmtree(base, ignore_errors=True)

    caught = sum(1 for _m, c in results if c)
    survivors = [m for m, c in results if not c]
    print()
    print(f"{label}: caught {caught}/{len(results)}" + (f" ({caught / len(results):.2f})" if results else "")
          + f" in {time.monotonic() - started:.0f}s")
    if survivors:
        print("survivors:")
        for m in survivors:
            print(f"  {m.file}:{m.line}: {m.description}")


if __name__ == "__main__":
    main()
