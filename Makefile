# Two commands on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/.dagster

PORT ?= 3000

.PHONY: install run test dev dev-cluster clean eval-clean eval-ner eval-facts bench train-relations

$(BIN)/webfacts: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

install: $(BIN)/webfacts

run: install
	$(BIN)/webfacts run

test: install
	$(BIN)/pytest -q

# The UI through dg, Dagster's current command line ([tool.dg] in pyproject.toml); assets/devserver.py stops it
# within seconds on Ctrl-C or SIGTERM.
dev: install
	@mkdir -p $(DAGSTER_HOME)
	@cp dagster.instance.yaml $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m assets.devserver -h 127.0.0.1 -p $(PORT)

# `make dev` with every launched run's steps on Celery workers: a Redis broker, two `celery worker` processes and
# the UI, all on this machine (needs Debian's redis-server); Ctrl-C stops all of them. See docs/scaling.md.
dev-cluster: install
	scripts/dev-cluster

clean:
	rm -rf $(VENV) .dagster warehouse/*.duckdb

# Text-extraction quality against the Zyte and trafilatura benchmarks in ../shared (see bench/README.md).
eval-clean: install
	$(BIN)/python bench/eval_clean.py

# Entity recognition on CoNLL-2003 English test (evaluation-only licence; data stays in ../shared).
eval-ner: install
	$(BIN)/python bench/eval_ner.py

# Fact extraction (rules + relation model) on Re-DocRED test, restricted to the registry's Wikidata relations,
# then KnowledgeNet fold 4 text F1, then real news: the BBC fact gold and the whole BBC corpus's yield.
eval-facts: install
	$(BIN)/python bench/eval_facts.py
	$(BIN)/python bench/eval_knowledgenet.py
	$(BIN)/python bench/eval_knowledgenet.py --pronoun-spans --out bench/out/eval_knowledgenet.pronouns.json
	$(BIN)/python bench/eval_facts_news.py

# The relation model pipeline/models/relations-<version>.npz (+ .json sidecar) from Re-DocRED dev, KnowledgeNet
# folds 1-3 and FewRel in ../shared (fixed seed; a few minutes on one core).
train-relations: install
	$(BIN)/python bench/train_relations.py --compare-learners

# End-to-end throughput, memory and the trafilatura + spaCy limit (N=1000 by default: make bench N=10000).
N ?= 1000
bench: install
	$(BIN)/python bench/bench_pipeline.py --n $(N)
