# magecloud.platform — developer and demo entry points. Run as root on a Debian machine.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
COLLECTION_LINK := .cache/collections/ansible_collections/magecloud/platform
# 13 carries the current Magento line (PHP 8.4, MariaDB 11.8, Valkey 8); 12 the 2.4.6 line.
DEBIAN_RELEASE ?= 13
DEMO_HOST := magecloud-demo
DEMO_PORT ?= 8080
# The demo host's sshd, for `git push` to its hub; the key make demo makes for pushing.
DEMO_SSH_PORT ?= 2222
DEMO_KEY := $(CURDIR)/.cache/demo-hub-key
SAMPLE_REPO := $(CURDIR)/.cache/sample-app
APT_CACHE := /var/cache/magecloud/apt
DIST_DIR := /var/cache/magecloud/dist
OPENSEARCH_VERSION := 2.19.1
OPENSEARCH_ZIP := $(DIST_DIR)/opensearch-$(OPENSEARCH_VERSION).zip
OPENSEARCH_SECURITY_ZIP := $(DIST_DIR)/opensearch-security-$(OPENSEARCH_VERSION).0.zip
OPENSEARCH3_VERSION := 3.3.0
OPENSEARCH3_ZIP := $(DIST_DIR)/opensearch-$(OPENSEARCH3_VERSION).zip
ELASTICSEARCH_VERSION := 7.17.25
ELASTICSEARCH_ZIP := $(DIST_DIR)/elasticsearch-$(ELASTICSEARCH_VERSION).zip

.PHONY: help venv image images ee host-prep dist demo demo-down test test-fast lint sanity unit importer molecule

help:
	@echo "make demo       converge the all-in-one demo host (Docker container $(DEMO_HOST))"
	@echo "make demo-down  remove the demo host"
	@echo "make ee         build the execution environment image magecloud/ee for AWX and ansible-runner"
	@echo "make test       lint, sanity, unit tests, galaxy-importer and every molecule scenario"
	@echo "make test-fast  the same without molecule"

$(BIN)/.installed: requirements-dev.txt constraints.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt -c constraints.txt
	touch $@

venv: $(BIN)/.installed $(COLLECTION_LINK)

# Playbooks and molecule find this tree as the collection magecloud.platform through this link.
$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn ../../../.. $@

image:
	scripts/ensure-docker.sh
	images/build-base-image.sh $(DEBIAN_RELEASE)

# The scenarios run on both releases.
images:
	scripts/ensure-docker.sh
	images/build-base-image.sh 12
	images/build-base-image.sh 13

# The execution environment AWX runs the playbooks in (execution-environment.yml), from the Debian 13 base image.
ee: venv
	scripts/ensure-docker.sh
	images/build-ee-image.sh

# A zip from Maven Central into $(DIST_DIR), for hosts without internet: $(1) the artifact, $(2) its name.
define fetch_zip
	mkdir -p $(DIST_DIR)
	mvn -q dependency:copy -Dartifact=$(1) -DoutputDirectory=$(DIST_DIR) || { echo "ERROR: could not fetch $(2) with Maven." >&2; \
	  echo "FIX: check that Maven Central is reachable (mvn -v works), or put the zip at $@." >&2; exit 1; }
endef

# OpenSearch's minimal distributions (no bundled JDK): 2.x for every scenario, 3.x for the search scenario.
$(OPENSEARCH_ZIP):
	$(call fetch_zip,org.opensearch.distribution.integ-test-zip:opensearch:$(OPENSEARCH_VERSION):zip,OpenSearch $(OPENSEARCH_VERSION))

# The security plugin the minimal distribution lacks, for TLS between the tiers (the cluster scenario).
$(OPENSEARCH_SECURITY_ZIP):
	$(call fetch_zip,org.opensearch.plugin:opensearch-security:$(OPENSEARCH_VERSION).0:zip,the OpenSearch security plugin $(OPENSEARCH_VERSION).0)

$(OPENSEARCH3_ZIP):
	$(call fetch_zip,org.opensearch.distribution.integ-test-zip:opensearch:$(OPENSEARCH3_VERSION):zip,OpenSearch $(OPENSEARCH3_VERSION))

# Elasticsearch, the search role's other engine, for the search scenario.
$(ELASTICSEARCH_ZIP):
	$(call fetch_zip,org.elasticsearch.distribution.integ-test-zip:elasticsearch:$(ELASTICSEARCH_VERSION):zip,Elasticsearch $(ELASTICSEARCH_VERSION))

dist: $(OPENSEARCH_ZIP) $(OPENSEARCH_SECURITY_ZIP) $(OPENSEARCH3_ZIP) $(ELASTICSEARCH_ZIP)

# What only the machine that hosts the containers can do for them.
host-prep: dist
	mkdir -p $(APT_CACHE) $(APT_CACHE)-13 $(APT_CACHE)-waf $(addprefix $(APT_CACHE)-cluster-,web1 web2 data) $(addprefix $(APT_CACHE)-search-,12 13)
	scripts/raise-map-count.sh

demo: venv image host-prep
	$(BIN)/python scripts/systemd_host.py $(DEMO_HOST) --release $(DEBIAN_RELEASE) --publish 127.0.0.1:$(DEMO_PORT):80 \
	  --publish 127.0.0.1:$(DEMO_SSH_PORT):22
	test -f $(DEMO_KEY) || ssh-keygen -q -t ed25519 -N '' -C magecloud-demo -f $(DEMO_KEY)
	$(BIN)/ansible-playbook tests/fixtures/sample_repo.yml -e sample_repo_dir=$(SAMPLE_REPO) -e sample_app_debian_release=$(DEBIAN_RELEASE)
	$(BIN)/ansible-playbook -i inventories/local playbooks/site.yml -e magecloud_git_repo=$(SAMPLE_REPO) -e magecloud_git_ref=main \
	  -e '{"git_hub_environment_urls": {"production": "http://127.0.0.1:$(DEMO_PORT)/"}}' $(if $(filter 12,$(DEBIAN_RELEASE)),--skip-tags git_hub)
	$(BIN)/ansible-playbook -i inventories/local playbooks/deploy.yml -e magecloud_git_repo=$(SAMPLE_REPO) -e magecloud_git_ref=main
	@echo "Demo host $(DEMO_HOST) is converged and runs the sample app. Shell: docker exec -it $(DEMO_HOST) bash"
	@echo "Through Varnish -> nginx -> PHP-FPM: http://127.0.0.1:$(DEMO_PORT)/ (release and code versions)"
	@echo "  and http://127.0.0.1:$(DEMO_PORT)/stack (MariaDB, Redis, OpenSearch). Commit to $(SAMPLE_REPO) and run make demo again to deploy."
ifeq ($(DEBIAN_RELEASE),13)
	@echo "Push to deploy, from any clone of a cloud project (its main branch deploys production):"
	@echo "  git remote add demo ssh://git@$$(docker port $(DEMO_HOST) 22/tcp 2>/dev/null | head -1 | grep . \
	  || docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' $(DEMO_HOST))/magento"
	@echo "  GIT_SSH_COMMAND='ssh -i $(DEMO_KEY) -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new' git push demo main"
	@echo "  What the hub did: docker exec $(DEMO_HOST) magecloud-hub activity"
else
	@echo "The git hub needs Debian 13 (its ansible-core); make demo DEBIAN_RELEASE=13 has it."
endif

demo-down:
	docker rm -f $(DEMO_HOST) >/dev/null 2>&1 || true
	@echo "Removed $(DEMO_HOST)."

lint: venv
	$(BIN)/yamllint --strict .
	$(BIN)/ansible-lint --profile production --offline

sanity: venv
	scripts/sanity.sh

unit: venv
	$(BIN)/pytest tests/unit

importer: venv
	scripts/galaxy-importer.sh

# `ha` (five hosts: Galera, sentinel, HAProxy) took about 30 min on this kind of machine under load, more than
# what is left of the CI budget: `make molecule SCENARIOS=ha` runs it until it fits (docs/benchmarks.md).
CI_LATER_SCENARIOS := ha
SCENARIOS ?= $(filter-out $(CI_LATER_SCENARIOS),$(sort $(notdir $(wildcard molecule/*))))

# Scenarios run in lanes (scripts/molecule_lanes.py); MOLECULE_JOBS=1 runs them one after another.
MOLECULE_JOBS ?= 2

molecule: venv images ee host-prep
	$(BIN)/python scripts/molecule_lanes.py --jobs $(MOLECULE_JOBS) $(SCENARIOS)

test-fast: lint sanity unit importer

# Each stage prints its wall time (docs/benchmarks.md keeps the table).
test: venv
	for target in lint sanity unit importer images ee host-prep molecule; do scripts/stage.sh $$target $(MAKE) --no-print-directory $$target; done
