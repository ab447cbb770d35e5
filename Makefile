# One entry point for newcomers and CI. Everything installs into .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# ansible-test needs the collection at a real path ending in ansible_collections/mstr/migration,
# outside this git work tree (inside it, ansible-test would list only git's files and skip the copy).
BUILD_ROOT ?= /tmp/mstr-migration-build-$(shell echo "$(CURDIR)" | cksum | cut -d" " -f1)
COLLECTION_COPY := $(BUILD_ROOT)/ansible_collections/mstr/migration

ANSIBLE_TEST := cd $(COLLECTION_COPY) && PATH="$(CURDIR)/$(BIN):$$PATH" ansible-test

# Older ansible-core releases the collection supports: sanity and unit tests run on each too.
CORE_MATRIX ?= 2.16 2.17 2.18
# The current releases need Python 3.12+, which tests/tools/find_python.py looks up (not python3, the pyenv shim):
# sanity and units on each, the integration targets on the last (skipped with a warning without such a Python).
CORE_MATRIX_LATEST ?= 2.20 2.21
# What the demo and `make install` need (ansible-core, requests), in a virtualenv of their own: not the test tools.
RUN_VENV := .venv-run
RUN_BIN := $(RUN_VENV)/bin
# Where `make install` puts the collection: the first place ansible looks by default.
COLLECTIONS_DIR ?= $(HOME)/.ansible/collections
IMPORTER_VENV := .venv-importer
# The package store test's S3 part: the `ansible` package (amazon.aws inside), boto3 and moto, kept out of .venv.
STORE_VENV := .venv-store

.PHONY: help check changelog demo install test venv test-emulator sanity units integration conformance conformance-only lint \
	complexity changelog-lint ecosystem matrix matrix-old matrix-latest matrix-latest-units matrix-latest-integration \
	collection-copy clean benchmark benchmark-smoke lane-integration lane-checks lane-matrix check-sanity check-rest

# `make test` and `make check` run their suites in lanes side by side (JOBS at a time), each lane in a collection copy
# of its own (BUILD_ROOT/lane-NAME) and its suites one after the other. Each suite's output goes to
# SUITE_LOGS/NAME.log; the terminal gets a line when a suite starts and ends, and the whole log of a suite that fails.
# A lane runs all its suites even when one fails, and fails at the end; make stops when a lane fails.
JOBS ?= 3
SUITE_LOGS ?= $(BUILD_ROOT)/logs
SUB := $(MAKE) --no-print-directory
# $(call lane,NAME,SUITES): run the make targets SUITES in order, in the lane's own collection copy.
lane = @status=0; for suite in $(2); do \
	  bash tests/tools/suite.sh $$suite "$(SUITE_LOGS)" $(SUB) -j1 BUILD_ROOT="$(BUILD_ROOT)/lane-$(1)" $$suite \
	    || status=1; \
	done; exit $$status

help: ## list the targets
	@echo "make TARGET, where TARGET is one of:"
	@awk -F ':.*## ' '/^[a-z][a-z-]*:.*## / { printf "  %-26s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)
	@echo "Variables: TARGET=name (integration), JOBS=$(JOBS) (lanes side by side), PYTHON=$(PYTHON)."

test: venv ## every suite below, as CI runs it (.ci/run)
	@rm -rf "$(SUITE_LOGS)"
	@echo "== make test: lanes side by side ($(JOBS) at a time); logs in $(SUITE_LOGS)"
	@$(SUB) -j$(JOBS) lane-integration lane-checks lane-matrix || \
	  { echo "== make test FAILED:"; cat "$(SUITE_LOGS)/timings.txt"; exit 1; }
	@echo "== make test: all test suites passed:"; cat "$(SUITE_LOGS)/timings.txt"

# The lanes of `make test`, balanced by the times measured (docs/hacking.md, "Where the time of make test goes"): the two integration passes in
# different lanes, the matrix's sanity and units spread over all three.
lane-integration:
	$(call lane,integration,integration conformance-only matrix-latest-units)
lane-checks:
	$(call lane,checks,test-emulator complexity changelog-lint sanity units lint ecosystem benchmark-smoke matrix-old-2.18)
lane-matrix:
	$(call lane,matrix,matrix-latest-integration matrix-old-2.16 matrix-old-2.17)

check: venv ## the inner loop: emulator tests, units, sanity, lint, complexity (side by side)
	@rm -rf "$(SUITE_LOGS)"
	@$(SUB) -j$(JOBS) check-sanity check-rest || { echo "== make check FAILED:"; cat "$(SUITE_LOGS)/timings.txt"; exit 1; }
	@echo "== make check: passed:"; cat "$(SUITE_LOGS)/timings.txt"
check-sanity:
	$(call lane,sanity,sanity lint)
check-rest:
	$(call lane,rest,complexity test-emulator units)

# The benchmark of docs/benchmarks.md (4 to 11 minutes measured here; not part of `make test`). It rewrites the results
# there and the chart. The vendor SDK gets its own virtualenv; when it does not install, that way is skipped.
SDK_VENV := .venv-sdk
benchmark: venv ## the benchmark of docs/benchmarks.md (minutes; rewrites it)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r tests/benchmarks/requirements.txt
	test -x $(SDK_VENV)/bin/python || $(PYTHON) -m venv $(SDK_VENV)
	$(SDK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/benchmarks/requirements-sdk.txt \
		|| echo "mstrio-py did not install: the benchmark skips the SDK way"
	$(BIN)/python tests/benchmarks/run.py --write-docs --sdk-python $(SDK_VENV)/bin/python

# The same, small and once (about 10 s): checks that a 64 MiB transfer stays under 100 MiB in every process.
benchmark-smoke: venv ## a 10-second run of the benchmark with its checks
	$(BIN)/python tests/benchmarks/run.py --smoke

# A migration between two emulated Library servers, with a summary of what happened.
demo: $(RUN_VENV)/.installed ## a migration between two emulated Library servers (installs only ansible-core, requests)
	$(RUN_BIN)/python tests/tools/demo.py

$(RUN_VENV)/.installed: requirements.txt tests/requirements-run.txt
	$(PYTHON) -m venv $(RUN_VENV)
	$(RUN_BIN)/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-run.txt
	touch $@

# The checkout built and installed as the collection mstr.migration, replacing an installed copy: ansible-playbook,
# ansible-doc and playbooks elsewhere then find mstr.migration.* (run it again after a change; the same result).
install: $(RUN_VENV)/.installed ## install this checkout as the collection mstr.migration (in ~/.ansible/collections)
	rm -rf build/install
	$(RUN_BIN)/ansible-galaxy collection build --output-path build/install .
	$(RUN_BIN)/ansible-galaxy collection install --force -p "$(COLLECTIONS_DIR)" build/install/mstr-migration-*.tar.gz
	@echo "mstr.migration is installed in $(COLLECTIONS_DIR). ansible-core and requests are in $(RUN_VENV):" \
	  "source $(RUN_VENV)/bin/activate (or use your own ansible-core 2.16+ with requests)."

venv: $(STAMP) ## make .venv with what the tests need

$(STAMP): requirements.txt tests/requirements-run.txt tests/requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-dev.txt
	touch $(STAMP)

test-emulator: venv ## the emulator's own tests
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/emulator/tests

collection-copy: ## copy the checkout to BUILD_ROOT/ansible_collections/mstr/migration
	rm -rf $(COLLECTION_COPY)
	mkdir -p $(COLLECTION_COPY)
	git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t $(COLLECTION_COPY)

sanity: venv collection-copy ## ansible-test sanity
	$(BIN)/python tests/tools/install_get_pip_standin.py
	$(ANSIBLE_TEST) sanity --local --python 3.11 --requirements --color no

units: venv collection-copy ## ansible-test units (tests/unit)
	$(BIN)/python tests/tools/install_get_pip_standin.py
	$(ANSIBLE_TEST) units --local --python 3.11 --requirements --color no

# Each target's runme.sh starts the emulators it needs and stops them on exit. TARGET: only these (space-separated).
# A failing target does not stop the others; ansible-test fails at the end.
TARGET ?=
integration: venv collection-copy ## ansible-test integration: all targets, or TARGET=name (or "name1 name2")
	$(ANSIBLE_TEST) integration --local --python 3.11 --continue-on-error --color no $(TARGET)

# After the integration targets: every request the collection sent to an emulator, checked against the vendor
# pages' table (tests/emulator/conformance.py). Before anything that copies the collection again, which clears the logs.
CONFORMANCE := MSTR_CONFORMANCE_DIR="$(COLLECTION_COPY)/tests/output/conformance" $(BIN)/python -m pytest -q \
	-p no:cacheprovider tests/conformance
conformance: integration ## the integration targets, then their requests against the vendor pages' table
	$(CONFORMANCE)

# The check alone, on the logs the last `make integration` (of all targets) left in the copy.
conformance-only: venv
	$(CONFORMANCE)

# No function in plugins/ above McCabe complexity 10.
complexity: venv ## flake8's mccabe: no function in plugins/ above complexity 10
	$(BIN)/flake8 --select C901 --max-complexity 10 plugins/

# The copy is where ansible-lint resolves the collection's own modules (mstr.migration.*).
lint: venv collection-copy ## ansible-lint, production profile
	ANSIBLE_COLLECTIONS_PATH="$(BUILD_ROOT)" PATH="$(CURDIR)/$(BIN):$$PATH" ansible-lint --offline

changelog-lint: venv ## antsibull-changelog lint of the fragments, and CHANGELOG.rst is what they make
	$(BIN)/antsibull-changelog lint
	@copy=$$(mktemp -d) && trap 'rm -rf "$$copy"' EXIT && \
	  git ls-files -co --exclude-standard | tar -cf - -T - | tar -xf - -C "$$copy" && \
	  (cd "$$copy" && printf 'ancestor: null\nreleases: {}\n' > changelogs/changelog.yaml && \
	   PATH="$(CURDIR)/$(BIN):$$PATH" antsibull-changelog release --reload-plugins --version $$(sed -n 's/^version: //p' galaxy.yml)) && \
	  diff -u CHANGELOG.rst "$$copy/CHANGELOG.rst" && diff -u changelogs/changelog.yaml "$$copy/changelogs/changelog.yaml" \
	  || { echo "CHANGELOG.rst is not what the fragments make: run make changelog and commit it"; exit 1; }

# Regenerate CHANGELOG.rst and changelogs/changelog.yaml from the fragments. Until 1.0.0 ships, its notes are
# rebuilt from all fragments each time (antsibull-changelog cannot update a release that has a summary).
changelog: venv ## regenerate CHANGELOG.rst from the fragments
	printf 'ancestor: null\nreleases: {}\n' > changelogs/changelog.yaml
	PATH="$(CURDIR)/$(BIN):$$PATH" antsibull-changelog release --reload-plugins --version $$(sed -n 's/^version: //p' galaxy.yml)

# galaxy-importer pins its own tools, so it gets a virtualenv of its own.
$(IMPORTER_VENV)/.installed: tests/requirements-importer.txt
	$(PYTHON) -m venv $(IMPORTER_VENV)
	$(IMPORTER_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-importer.txt
	touch $@

$(STORE_VENV)/.installed: tests/requirements-store.txt
	$(PYTHON) -m venv $(STORE_VENV)
	$(STORE_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-store.txt
	touch $@

# Build, install, docs, Galaxy import, execution environment and AWX-style runs (with a directory and an S3 store).
ecosystem: venv $(IMPORTER_VENV)/.installed $(STORE_VENV)/.installed ## build, install, docs, galaxy-importer, EE, AWX
	GALAXY_IMPORTER_PYTHON="$(CURDIR)/$(IMPORTER_VENV)/bin/python" STORE_VENV_PYTHON="$(CURDIR)/$(STORE_VENV)/bin/python" \
		$(BIN)/python -m pytest -q -p no:cacheprovider tests/ecosystem

# Sanity and units on the older releases (python3), then on the current ones (Python 3.12+) with the integration
# targets on the last. tests/tools/core_matrix.sh runs each step, goes on after a failure and fails at the end.
matrix: matrix-old matrix-latest ## sanity and units on ansible-core 2.16-2.18, 2.20, 2.21; integration on 2.21

matrix-old: collection-copy
	FIND_PYTHON="$(PYTHON)" CORE_MIN_PYTHON=3.10 CORE_INTEGRATION= bash tests/tools/core_matrix.sh "$(COLLECTION_COPY)" \
		$(CORE_MATRIX)

# One older release: make matrix-old-2.16
matrix-old-%: collection-copy
	FIND_PYTHON="$(PYTHON)" CORE_MIN_PYTHON=3.10 CORE_INTEGRATION= bash tests/tools/core_matrix.sh "$(COLLECTION_COPY)" $*

# Only the part of the matrix on the current releases (Python 3.12+).
matrix-latest: collection-copy ## the matrix part on 2.20 and 2.21 (Python 3.12+)
	PYTHON="$(PYTHON)" bash tests/tools/core_matrix.sh "$(COLLECTION_COPY)" $(CORE_MATRIX_LATEST)

# The same in two parts, for the lanes of `make test`.
matrix-latest-units: collection-copy
	PYTHON="$(PYTHON)" CORE_INTEGRATION= bash tests/tools/core_matrix.sh "$(COLLECTION_COPY)" $(CORE_MATRIX_LATEST)
matrix-latest-integration: collection-copy
	PYTHON="$(PYTHON)" CORE_UNITS= CORE_VENV_SUFFIX=-integration bash tests/tools/core_matrix.sh "$(COLLECTION_COPY)" $(CORE_MATRIX_LATEST)

clean: ## remove the virtualenvs, the collection copies and build/ (the demo's files too)
	rm -rf build $(BUILD_ROOT) $(VENV) $(RUN_VENV) $(IMPORTER_VENV) $(STORE_VENV) .venv-core-*
