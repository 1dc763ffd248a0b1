# Targets for the accessibility toolkit. `make install` installs into the
# active Python environment (create and activate a virtualenv first if you
# want one: python -m venv .venv && . .venv/bin/activate).
PYTHON ?= python
REGION ?= demo
OUT ?= output
ACCESSIBILITY = $(PYTHON) -m accessibility.cli

.PHONY: install demo test lint isochrones whitespots check-location suggest bench demo-data

install:
	$(PYTHON) -m pip install -e '.[dev]'

demo: install
	$(MAKE) isochrones whitespots REGION=demo OVERWRITE=1

test:
	$(PYTHON) -m pytest -q

lint:
	$(PYTHON) -m ruff check accessibility tests scripts
	lint-imports

# A rerun never replaces earlier results: pass OVERWRITE=1 to replace them.
OVERWRITE_FLAG = $(if $(OVERWRITE),--overwrite,)

isochrones:
	$(ACCESSIBILITY) isochrones --region $(REGION) --out $(OUT)/$(REGION)/isochrones $(OVERWRITE_FLAG)

whitespots:
	$(ACCESSIBILITY) whitespots --region $(REGION) --out $(OUT)/$(REGION)/whitespots $(OVERWRITE_FLAG)

check-location:
	$(ACCESSIBILITY) check-location --region $(REGION) $(if $(ADDRESS),--address "$(ADDRESS)",) $(if $(LAT),--lat $(LAT) --lon $(LON),) --out $(OUT)/$(REGION)/check-location $(OVERWRITE_FLAG)

suggest:
	$(ACCESSIBILITY) suggest --region $(REGION) -k $(or $(K),3) --out $(OUT)/$(REGION)/suggest $(OVERWRITE_FLAG)

demo-data:
	$(PYTHON) scripts/make_demo_region.py --out data/demo

bench:
	$(PYTHON) scripts/bench_poa.py
