# Two commands on a fresh clone: `make run` (whole system, embedded) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test test-unit test-integration test-e2e bench chaos corpus schemas compose-check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/ptfc stack

test: $(STAMP)
	@# The console's browser test needs chromium + chromedriver: installed where root and apt-get allow, else it skips.
	@{ command -v chromium && command -v chromedriver; } >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && echo "installing chromium and chromedriver for the page test (once)..." && { apt-get update -qq && apt-get install -y -q chromium chromium-driver; } >/dev/null 2>&1; } || true
	$(PY) -m pytest -q

test-unit: $(STAMP)
	$(PY) -m pytest -q -m unit

test-integration: $(STAMP)
	$(PY) -m pytest -q -m integration

test-e2e: $(STAMP)
	$(PY) -m pytest -q -m e2e

bench: $(STAMP)
	$(VENV)/bin/ptfc bench $(if $(N),--referrals $(N),) $(if $(RATE),--rate $(RATE),)

chaos: $(STAMP)
	$(VENV)/bin/ptfc chaos $(if $(N),--referrals $(N),) $(if $(RATE),--rate $(RATE),) $(if $(SEED),--seed $(SEED),)

# Hostile input on every partner topic with good traffic between (ptfc/corpus): N messages, default 2000.
corpus: $(STAMP)
	$(VENV)/bin/ptfc corpus $(if $(N),--messages $(N),)

schemas: $(STAMP)
	$(VENV)/bin/ptfc schemas --write

# docker-compose.yml run on a Docker engine with local stand-ins for the images no registry gives
# here (deploy/compose.standins.yml); one line and exit 0 where no engine answers `docker info`.
compose-check: $(STAMP)
	$(PY) -m deploy.compose_check

clean:
	rm -rf $(VENV) .var
