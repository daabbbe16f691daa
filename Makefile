# jwtpizza.cloud — every entry point of the project.  `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := $(CURDIR)/.venv
STAMP := $(VENV)/.installed
COLLECTION_LINK := $(VENV)/collections/ansible_collections/jwtpizza/cloud
EMULATOR_PORT ?= 5000

export PATH := $(VENV)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export EMULATOR_PORT

.PHONY: help setup lock emulator emulator-stop demo demo-down test lint sanity unit actionlint molecule bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.txt package.json package-lock.json
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt 2> >(grep -v 'is ignored: it is neither' >&2)
	npm ci --silent --no-audit --no-fund
	@mkdir -p $(dir $(COLLECTION_LINK))
	@ln -sfn $(CURDIR) $(COLLECTION_LINK)
	@touch $@

setup: $(STAMP) ## Create .venv and node_modules from the lock files (no-op when current)
	@ln -sfn $(CURDIR) $(COLLECTION_LINK)

lock: ## Re-resolve requirements.in into requirements.txt (needs the network)
	$(PYTHON) -m venv /tmp/jwtpizza-lock && /tmp/jwtpizza-lock/bin/pip install --quiet pip-tools
	/tmp/jwtpizza-lock/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	npm install --package-lock-only --no-audit --no-fund

emulator: setup ## Start the AWS emulator on EMULATOR_PORT (no-op when it runs)
	$(VENV)/bin/python tools/emulator.py start

emulator-stop: ## Stop the AWS emulator on EMULATOR_PORT
	@$(VENV)/bin/python tools/emulator.py stop 2>/dev/null || python3 tools/emulator.py stop

demo: emulator ## Build the whole stack in the emulator and show what was built
	ansible-playbook playbooks/site.yml
	$(VENV)/bin/python tools/report.py

demo-down: setup ## Tear the demo stack down, prove nothing is left, stop the emulator
	@rc=0; if $(VENV)/bin/python tools/emulator.py status >/dev/null; then \
	  ansible-playbook playbooks/teardown.yml && $(VENV)/bin/python tools/report.py --leftovers || rc=$$?; \
	fi; $(VENV)/bin/python tools/emulator.py stop; exit $$rc

test: setup ## Run every gate: lint, sanity, unit, actionlint, molecule
	tools/run-tests.sh

lint: setup ## ruff, yamllint, ansible-lint
	tools/run-tests.sh lint

sanity: setup ## ansible-test sanity (offline)
	tools/run-tests.sh sanity

unit: setup ## pytest unit tests
	tools/run-tests.sh unit

actionlint: setup ## Lint .github/workflows and the app repositories' workflows (extras/workflows)
	tools/run-tests.sh actionlint

molecule: setup ## All molecule scenarios (each with its own emulator)
	tools/run-tests.sh molecule

bench: emulator ## Time site.yml (create, no-change) and teardown.yml
	$(VENV)/bin/python tools/bench.py

clean: emulator-stop ## Remove .venv, node_modules and test output
	rm -rf $(VENV) node_modules tests/output .emulator
