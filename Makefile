# Entry points of the Zalo OA suite (see README.md).
PYTHON ?= python3

.PHONY: run test lint format wheels

run:  ## demo database + Zalo simulator + Odoo (Ctrl-C stops both)
	$(PYTHON) scripts/dev.py run

test:  ## lint, pure tests, Odoo tests, end-to-end tests; ends with "N passed, N failed, N skipped"
	$(PYTHON) scripts/dev.py test

lint:
	$(PYTHON) -m ruff check . && $(PYTHON) -m ruff format --check . && $(PYTHON) -m pylint --rcfile=.pylintrc zalo_oa*

format:
	$(PYTHON) -m ruff format . && $(PYTHON) -m ruff check --fix .

wheels:  ## build the nine addons as OCA-style wheels (odoo-addon-<addon>, whool) into dist/
	$(PYTHON) -m pip wheel --no-deps -w dist ./zalo_oa*/
