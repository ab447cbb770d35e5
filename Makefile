# One entry point for newcomers and CI. Everything installs into .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# ansible-test needs the collection at a real path ending in ansible_collections/mstr/migration,
# outside this git work tree (inside it, ansible-test would list only git's files and skip the copy).
BUILD_ROOT ?= /tmp/mstr-migration-build-$(shell echo "$(CURDIR)" | cksum | cut -d" " -f1)
COLLECTION_COPY := $(BUILD_ROOT)/ansible_collections/mstr/migration

.PHONY: test venv test-emulator sanity lint changelog-lint collection-copy clean

test: test-emulator sanity lint changelog-lint
	@echo "All test suites passed."

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
	cd $(COLLECTION_COPY) && PATH="$(CURDIR)/$(BIN):$$PATH" ansible-test sanity --local --python 3.11 --requirements --color no

lint: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" ansible-lint --offline

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

clean:
	rm -rf build $(BUILD_ROOT) $(VENV)
