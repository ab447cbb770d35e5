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
IMPORTER_VENV := .venv-importer
# The package store test's S3 part: the `ansible` package (amazon.aws inside), boto3 and moto, kept out of .venv.
STORE_VENV := .venv-store

.PHONY: changelog demo test venv test-emulator sanity units integration conformance lint changelog-lint ecosystem matrix \
	matrix-latest collection-copy clean benchmark benchmark-smoke

test: test-emulator sanity units integration conformance lint changelog-lint ecosystem matrix benchmark-smoke
	@echo "All test suites passed."

# The benchmark of docs/benchmarks.md (4 to 11 minutes measured here; not part of `make test`). It rewrites the results
# there and the chart. The vendor SDK gets its own virtualenv; when it does not install, that way is skipped.
SDK_VENV := .venv-sdk
benchmark: venv
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r tests/benchmarks/requirements.txt
	test -x $(SDK_VENV)/bin/python || $(PYTHON) -m venv $(SDK_VENV)
	$(SDK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/benchmarks/requirements-sdk.txt \
		|| echo "mstrio-py did not install: the benchmark skips the SDK way"
	$(BIN)/python tests/benchmarks/run.py --write-docs --sdk-python $(SDK_VENV)/bin/python

# The same, small and once (about 10 s): checks that a 64 MiB transfer stays under 100 MiB in every process.
benchmark-smoke: venv
	$(BIN)/python tests/benchmarks/run.py --smoke

# A migration between two emulated Library servers, with a summary of what happened.
demo: venv
	$(BIN)/python tests/tools/demo.py

venv: $(STAMP)

$(STAMP): requirements.txt tests/requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-dev.txt
	touch $(STAMP)

test-emulator: venv
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/emulator/tests

collection-copy:
	rm -rf $(COLLECTION_COPY)
	mkdir -p $(COLLECTION_COPY)
	git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t $(COLLECTION_COPY)

sanity: venv collection-copy
	$(BIN)/python tests/tools/install_get_pip_standin.py
	$(ANSIBLE_TEST) sanity --local --python 3.11 --requirements --color no

units: venv collection-copy
	$(BIN)/python tests/tools/install_get_pip_standin.py
	$(ANSIBLE_TEST) units --local --python 3.11 --requirements --color no

# Each target's runme.sh starts the emulators it needs and stops them on exit.
integration: venv collection-copy
	$(ANSIBLE_TEST) integration --local --python 3.11 --color no

# After the integration targets: every request the collection sent to an emulator, checked against the vendor
# pages' table (tests/emulator/conformance.py). Before anything that copies the collection again, which clears the logs.
conformance: integration
	MSTR_CONFORMANCE_DIR="$(COLLECTION_COPY)/tests/output/conformance" $(BIN)/python -m pytest -q -p no:cacheprovider \
		tests/conformance

# The copy is where ansible-lint resolves the collection's own modules (mstr.migration.*).
lint: venv collection-copy
	ANSIBLE_COLLECTIONS_PATH="$(BUILD_ROOT)" PATH="$(CURDIR)/$(BIN):$$PATH" ansible-lint --offline

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

# Regenerate CHANGELOG.rst and changelogs/changelog.yaml from the fragments. Until 1.0.0 ships, its notes are
# rebuilt from all fragments each time (antsibull-changelog cannot update a release that has a summary).
changelog: venv
	printf 'ancestor: null\nreleases: {}\n' > changelogs/changelog.yaml
	PATH="$(CURDIR)/$(BIN):$$PATH" antsibull-changelog release --version $$(sed -n 's/^version: //p' galaxy.yml)

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
ecosystem: venv $(IMPORTER_VENV)/.installed $(STORE_VENV)/.installed
	GALAXY_IMPORTER_PYTHON="$(CURDIR)/$(IMPORTER_VENV)/bin/python" STORE_VENV_PYTHON="$(CURDIR)/$(STORE_VENV)/bin/python" \
		$(BIN)/python -m pytest -q -p no:cacheprovider tests/ecosystem

matrix: collection-copy
	set -e; for version in $(CORE_MATRIX); do \
	  venv="$(CURDIR)/.venv-core-$$version"; \
	  [ -x "$$venv/bin/ansible-test" ] || { $(PYTHON) -m venv "$$venv" && \
	    "$$venv/bin/python" -m pip install --quiet --disable-pip-version-check "ansible-core==$$version.*"; }; \
	  "$$venv/bin/python" tests/tools/install_get_pip_standin.py; \
	  echo "== ansible-core $$version: sanity and units"; \
	  (cd $(COLLECTION_COPY) && PATH="$$venv/bin:$$PATH" ansible-test sanity --local --python 3.11 --requirements --color no && \
	   PATH="$$venv/bin:$$PATH" ansible-test units --local --python 3.11 --requirements --color no); \
	done
	PYTHON="$(PYTHON)" bash tests/tools/core_matrix.sh "$(COLLECTION_COPY)" $(CORE_MATRIX_LATEST)

# Only the part of the matrix on the current releases (Python 3.12+).
matrix-latest: collection-copy
	PYTHON="$(PYTHON)" bash tests/tools/core_matrix.sh "$(COLLECTION_COPY)" $(CORE_MATRIX_LATEST)

clean:
	rm -rf build $(BUILD_ROOT) $(VENV) $(IMPORTER_VENV) $(STORE_VENV) .venv-core-*
