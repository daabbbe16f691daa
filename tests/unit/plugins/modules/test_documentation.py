"""Every module's argument_spec says what its DOCUMENTATION says: types, defaults, choices, required, elements, suboptions."""

import importlib
from pathlib import Path

import pytest
import yaml

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule

# Every module of the collection: a new one is checked without being listed.
MODULES = sorted(path.stem for path in (Path(__file__).resolve().parents[4] / "plugins/modules").glob("*.py")
                 if path.stem != "__init__")
# Documented by the amazon.aws.tags fragment, not in the module's own DOCUMENTATION.
FRAGMENT_OPTIONS = {"tags", "purge_tags"}


class Captured(Exception):
    def __init__(self, kwargs):
        super().__init__("captured")
        self.kwargs = kwargs


def module_kwargs(monkeypatch, name):
    def capture(self, **kwargs):
        raise Captured(kwargs)

    monkeypatch.setattr(JwtPizzaModule, "__init__", capture)
    module = importlib.import_module(f"ansible_collections.jwtpizza.cloud.plugins.modules.{name}")
    with pytest.raises(Captured) as captured:
        module.main()
    return module, captured.value.kwargs


def compare(spec, documented, where):
    """The differences between argument_spec options and documented options, as readable lines."""
    problems = []
    for option in sorted(set(spec) | set(documented)):
        here = f"{where}{option}"
        if option not in documented:
            if option not in FRAGMENT_OPTIONS:
                problems.append(f"{here}: not documented")
            continue
        if option not in spec:
            problems.append(f"{here}: documented but not in argument_spec")
            continue
        arg, doc = spec[option], documented[option]
        for key in ("type", "default", "choices", "required", "elements", "aliases", "no_log"):
            want = doc.get(key, False if key in ("required", "no_log") else None)
            have = arg.get(key, False if key in ("required", "no_log") else None)
            if key == "type":
                want, have = want or "str", have or "str"
            if key == "no_log" and have:
                # No option of this collection carries a secret: ARNs and names must stay visible in the output.
                problems.append(f"{here}.no_log: an option without a secret is masked")
                continue
            if key == "no_log":
                continue
            if want != have:
                problems.append(f"{here}.{key}: documented {want!r}, argument_spec {have!r}")
        if doc.get("suboptions") or arg.get("options"):
            problems += compare(arg.get("options") or {}, doc.get("suboptions") or {}, f"{here}.")
    return problems


@pytest.mark.parametrize("name", MODULES)
def test_argument_spec_matches_documentation(monkeypatch, name):
    module, kwargs = module_kwargs(monkeypatch, name)
    documented = yaml.safe_load(module.DOCUMENTATION)["options"]
    assert compare(kwargs["argument_spec"], documented, "") == []
    assert kwargs["supports_check_mode"] is True


@pytest.mark.parametrize("name", MODULES)
def test_partial_check_mode_says_why(name):
    module = importlib.import_module(f"ansible_collections.jwtpizza.cloud.plugins.modules.{name}")
    attributes = yaml.safe_load(module.DOCUMENTATION).get("attributes") or {}
    for attribute, value in attributes.items():
        if value.get("support") == "partial":
            assert value.get("details"), f"{name}: {attribute} is partial without details"
