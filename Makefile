.PHONY: run test bench lint pot help

help:
	@echo "make run   - demo database + Odoo at http://localhost:8069 (admin/admin)"
	@echo "make test  - fresh test database and the whole suite (pytest-odoo, browser tours)"
	@echo "make bench - benchmarks (prints ratios)"
	@echo "make lint  - ruff, pylint-odoo, XML and .po checks"
	@echo "make pot   - regenerate i18n/crm_sales_process.pot from the code"

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

bench:
	bash scripts/bench.sh

lint:
	bash scripts/lint.sh

pot:
	bash scripts/pot.sh
