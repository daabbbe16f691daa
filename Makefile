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

.PHONY: help setup lock emulator emulator-stop demo demo-down plan test lint sanity unit actionlint faults molecule bench clean

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

DEMO_IMAGE := .emulator/demo-image.tar
DEMO_TAG = demo-$(shell git rev-parse --short HEAD 2>/dev/null || echo 1)
PROGRESS := ANSIBLE_STDOUT_CALLBACK=jwtpizza.cloud.progress JWTPIZZA_REPORT_DIR='$(CURDIR)/reports/{environment}'

demo: emulator ## Build the stack in the emulator, deploy the demo frontend and backend, show the site and the report
	@echo "== 1/5 site.yml: build the whole stack (details: add -v)"
	$(PROGRESS) ansible-playbook playbooks/site.yml
	@echo "== 2/5 deploy_frontend.yml: the demo build shipped in extras/demo-frontend/dist"
	$(PROGRESS) ansible-playbook playbooks/deploy_frontend.yml -e frontend_deploy_dist=extras/demo-frontend/dist
	@echo "== 3/5 build the demo backend image without a daemon (tools/oci_image.py)"
	$(VENV)/bin/python tools/oci_image.py build --context extras/demo-backend --output $(DEMO_IMAGE) --tar \
	  --workdir /usr/src/app --cmd '["node","index.js","80"]' --expose 80 --platform linux/arm64 >/dev/null
	@echo "== 4/5 deploy_backend.yml: push the image through the ECR API, roll the service out, wait"
	$(PROGRESS) ansible-playbook playbooks/deploy_backend.yml -e backend_deploy_image=$(DEMO_IMAGE) -e backend_deploy_tag=$(DEMO_TAG)
	@echo "== 5/5 the site read back through the stack, and the deploy report"
	$(VENV)/bin/python tools/deploy_report.py --show-index

demo-down: setup ## Tear the demo stack down, prove nothing is left, stop the emulator
	@rc=0; if $(VENV)/bin/python tools/emulator.py status >/dev/null; then \
	  ansible-playbook playbooks/teardown.yml && $(VENV)/bin/python tools/report.py --leftovers || rc=$$?; \
	fi; $(VENV)/bin/python tools/emulator.py stop; exit $$rc

INVENTORY ?= inventories/local

plan: setup ## What site.yml would change (--check --diff; INVENTORY=inventories/<env>, ARGS='-e ...'), each diff under its task
	ANSIBLE_STDOUT_CALLBACK=jwtpizza.cloud.progress ansible-playbook -i $(INVENTORY) playbooks/site.yml --check --diff $(ARGS)

test: setup ## Run every gate: lint, sanity, unit, actionlint, faults, molecule
	tools/run-tests.sh

lint: setup ## ruff, yamllint, ansible-lint
	tools/run-tests.sh lint

sanity: setup ## ansible-test sanity (offline)
	tools/run-tests.sh sanity

unit: setup ## pytest unit tests
	tools/run-tests.sh unit

actionlint: setup ## Lint .github/workflows and the app repositories' workflows (extras/workflows)
	tools/run-tests.sh actionlint

faults: setup ## site.yml and teardown.yml through a proxy failing 20 % of the requests, lost answers included (FAULTS_SEED, FAULTS_RATE, FAULTS_KINDS)
	tools/run-tests.sh faults

molecule: setup ## All molecule scenarios (each with its own emulator)
	tools/run-tests.sh molecule

bench: emulator ## Time site.yml (create, no-change) and teardown.yml
	$(VENV)/bin/python tools/bench.py --hiding 30 --hiding 10

clean: emulator-stop ## Remove .venv, node_modules and test output
	rm -rf $(VENV) node_modules tests/output .emulator
