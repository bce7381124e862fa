.PHONY: run mail test bench lint pot help

help:
	@echo "make run   - demo database + Odoo at http://localhost:8069 (admin/admin)"
	@echo "make mail  - the mails caught by make run, and the last one (or N=3) decoded"
	@echo "make test  - fresh test database and the whole suite (pytest-odoo, browser tours)"
	@echo "make bench - benchmarks (prints ratios)"
	@echo "make lint  - ruff, pylint-odoo, XML and .po checks"
	@echo "make pot   - regenerate i18n/crm_sales_process.pot from the code"

run:
	bash scripts/run.sh

mail:
	@$${PYTHON:-python3} scripts/mailcatcher.py read $(N)

test:
	bash scripts/test.sh

bench:
	bash scripts/bench.sh

lint:
	bash scripts/lint.sh

pot:
	bash scripts/pot.sh
