import threading
import time
from datetime import datetime, timedelta

from psycopg2 import IntegrityError

import odoo
from odoo import api
from odoo.addons.crm_sales_process.models.crm_lead_gate import StageGateBypass
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import retrying
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CrmSalesProcessCase


@tagged("post_install", "-at_install")
class TestCustomerProfile(CrmSalesProcessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manufacturing = cls.env.ref("base.res_partner_industry_C")
        cls.it = cls.env.ref("base.res_partner_industry_J")
        cls.east = cls.env.ref("crm_sales_process.crm_sales_region_east")
        cls.zhejiang = cls.env.ref("base.state_cn_ZJ")
        cls.env["res.partner.industry"].create({"name": "Testing", "code": "TS"})
        cls.testing = cls.env["res.partner.industry"].search([("code", "=", "TS")])

    def _customer(self, **vals):
        return self.env["res.partner"].create({"name": "杭州客户", "is_company": True, **vals})

    def test_seed_example_code(self):
        """Manufacturing (M) in a Zhejiang company (East China, HU) gets M-HU-<n>."""
        first = self._customer(industry_id=self.manufacturing.id, state_id=self.zhejiang.id)
        self.assertEqual(first.region_id, self.east, "The region comes from the province.")
        self.assertRegex(first.customer_code, r"^M-HU-\d{3}$")
        second = self._customer(industry_id=self.manufacturing.id, state_id=self.zhejiang.id)
        self.assertEqual(int(second.customer_code[-3:]), int(first.customer_code[-3:]) + 1)
        self.assertEqual(second.customer_code_prefix, "M-HU")

    def test_code_waits_for_industry_and_region(self):
        partner = self._customer()
        self.assertFalse(partner.customer_code)
        partner.industry_id = self.testing
        self.assertFalse(partner.customer_code, "No region yet.")
        partner.state_id = self.zhejiang
        self.assertEqual(partner.customer_code, "TS-HU-001")
        contact = self.env["res.partner"].create({"name": "周经理", "parent_id": partner.id})
        self.assertFalse(contact.customer_code, "Contacts have no code of their own…")
        self.assertEqual(contact.company_customer_code, "TS-HU-001", "…they show their company's.")

    def test_numbering_per_prefix(self):
        region = self.env["crm.sales.region"].create({"name": "Test region", "code": "TR"})
        codes = [
            self._customer(industry_id=industry.id, region_id=region.id).customer_code
            for industry in (self.manufacturing, self.manufacturing, self.testing)
        ]
        self.assertEqual(codes, ["M-TR-001", "M-TR-002", "TS-TR-001"])

    def test_later_edits_keep_the_code(self):
        partner = self._customer(industry_id=self.testing.id, state_id=self.zhejiang.id)
        code = partner.customer_code
        partner.write({"industry_id": self.it.id, "state_id": self.env.ref("base.state_cn_GD").id})
        self.assertEqual(partner.customer_code, code)

    def test_regeneration_is_for_managers(self):
        partner = self._customer(industry_id=self.testing.id, state_id=self.zhejiang.id)
        partner.industry_id = self.manufacturing
        with self.assertRaises(AccessError):
            partner.with_user(self.rep).action_regenerate_customer_code()
        self.assertTrue(partner.customer_code.startswith("TS-HU-"))
        partner.with_user(self.manager).action_regenerate_customer_code()
        self.assertTrue(partner.customer_code.startswith("M-HU-"))
        with self.assertRaises(UserError):
            self._customer().with_user(self.manager).action_regenerate_customer_code()

    def test_code_is_unique_per_company(self):
        first = self._customer(industry_id=self.testing.id, state_id=self.zhejiang.id)
        second = self._customer(industry_id=self.testing.id, state_id=self.zhejiang.id)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            second.sudo().write({"customer_code": first.customer_code})
            second.flush_recordset()

    def test_grade_matrix(self):
        expected = {
            ("high", "high"): "a",
            ("high", "medium"): "b",
            ("medium", "high"): "b",
            ("medium", "medium"): "b",
            ("high", "low"): "c",
            ("low", "high"): "c",
            ("medium", "low"): "c",
            ("low", "medium"): "c",
            ("low", "low"): "c",
        }
        partner = self._customer()
        for (match, value), grade in expected.items():
            with self.subTest(match=match, value=value):
                partner.write({"match_level": match, "value_level": value})
                self.assertEqual(partner.customer_grade, grade)
        partner.value_level = False
        self.assertFalse(partner.customer_grade)

    def test_salesman_grades_only_his_customers(self):
        mine = self._customer(user_id=self.rep.id)
        theirs = self._customer(user_id=self.rep_2.id)
        mine.with_user(self.rep).write({"match_level": "high", "value_level": "high"})
        self.assertEqual(mine.customer_grade, "a")
        with self.assertRaises(AccessError):
            theirs.with_user(self.rep).write({"match_level": "low"})
        self.assertFalse(theirs.match_level)

    def test_only_managers_edit_codes_and_regions(self):
        with self.assertRaises(AccessError):
            self.testing.with_user(self.rep).write({"code": "X"})
        with self.assertRaises(AccessError):
            self.east.with_user(self.rep).write({"code": "EA"})
        self.assertEqual(self.east.with_user(self.rep).code, "HU", "Salesmen read regions.")

    def test_bad_codes_are_refused(self):
        Region = self.env["crm.sales.region"]
        for code in ("H U", "hu", "TOOLONG"):
            with self.subTest(code=code), self.assertRaises(ValidationError):
                Region.create({"name": "Bad", "code": code})
        with self.assertRaises(ValidationError):
            Region.create({"name": "Twin of East China", "code": "HU"})
        with self.assertRaises(ValidationError):
            self.testing.write({"code": "t"})

    def test_progress_is_maintained(self):
        partner = self._customer()
        lead = self._create_lead(partner_id=partner.id)
        self.assertFalse(partner.last_progress_date, "Creating a lead is not progress.")
        lead.activity_schedule("mail.mail_activity_data_call", user_id=self.rep.id).action_feedback()
        self.assertTrue(partner.last_progress_date)
        partner.last_progress_date = False
        order = self.env["sale.order"].create({"partner_id": partner.id})
        self._approve_contract(order).action_confirm()
        self.assertTrue(partner.last_progress_date)
        # a stage move too; the date is the process's, not an edit of the customer
        partner.last_progress_date = False
        edited = partner.write_date
        later = self.env["crm.stage"].search([("sequence", ">", lead.stage_id.sequence)], limit=1)
        lead.with_context(crm_stage_gate_bypass=StageGateBypass("migration", "test")).write({"stage_id": later.id})
        self.assertTrue(partner.last_progress_date, "A stage move is progress.")
        self.assertEqual(partner.write_date, edited, "Progress does not change the customer's last edit.")

    def test_stale_a_customers_are_demoted_once(self):
        start = datetime(2026, 1, 5, 9, 0)
        partner = self._customer(match_level="high", value_level="high")
        partner.last_progress_date = start
        Partner = self.env["res.partner"]
        with self.frozen(start + timedelta(days=89)):
            Partner._cron_demote_stale_customers()
        self.assertEqual(partner.customer_grade, "a")
        with self.frozen(start + timedelta(days=91)):
            Partner._cron_demote_stale_customers()
        self.assertEqual(partner.customer_grade, "b")
        self.assertIn("2026-01-05", partner.message_ids[0].body)
        messages = len(partner.message_ids)
        with self.frozen(start + timedelta(days=120)):
            self.assertEqual(Partner._cron_demote_stale_customers(), 0)
        self.assertEqual(len(partner.message_ids), messages, "Idempotent: nothing the second time.")

    def test_demotion_note_dates_the_last_progress_in_the_company_zone(self):
        self.company.resource_calendar_id.tz = "Asia/Shanghai"
        partner = self._customer(match_level="high", value_level="high")
        partner.last_progress_date = datetime(2026, 1, 4, 20, 0)  # 5 January, 04:00 in Shanghai
        with self.frozen(datetime(2026, 6, 1)):
            self.env["res.partner"]._cron_demote_stale_customers()
        self.assertIn("2026-01-05", partner.message_ids[0].body)
        self.assertNotIn("2026-01-04", partner.message_ids[0].body)

    def test_demotion_query_count_does_not_grow(self):
        old = datetime(2025, 1, 1)
        Partner = self.env["res.partner"]

        def stale(count):
            partners = Partner.create(
                [
                    {"name": f"Stale {i}", "is_company": True, "match_level": "high", "value_level": "high"}
                    for i in range(count)
                ]
            )
            partners.write({"last_progress_date": old})
            return partners

        stale(10)
        ten = self.count_queries(Partner._cron_demote_stale_customers)
        partners = stale(200)
        self.env.invalidate_all()
        with self.assertQueryCount(ten):
            Partner._cron_demote_stale_customers()
        self.assertEqual(set(partners.mapped("customer_grade")), {"b"})


@tagged("post_install", "-at_install")
class TestCustomerCodeConcurrency(CrmSalesProcessCase):
    """Two transactions coding customers of the same prefix at once, on real connections.

    This test commits on purpose: concurrency only shows between committed transactions.
    It removes everything it committed in the end."""

    def _cursor(self):
        return odoo.sql_db.db_connect(self.env.cr.dbname).cursor()

    def test_two_transactions_get_two_numbers(self):
        with self._cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, {})
            industry = env["res.partner.industry"].create({"name": "Concurrency test", "code": "ZQ"})
            region = env["crm.sales.region"].create({"name": "Concurrency test", "code": "ZQ"})
            cr.commit()  # pylint: disable=invalid-commit
        vals = {"is_company": True, "industry_id": industry.id, "region_id": region.id}
        codes, errors = {}, []
        first_cr, second_cr = self._cursor(), self._cursor()
        try:
            env1 = api.Environment(first_cr, odoo.SUPERUSER_ID, {})
            codes["first"] = env1["res.partner"].create({"name": "First", **vals}).customer_code

            def second():
                try:
                    env2 = api.Environment(second_cr, odoo.SUPERUSER_ID, {})
                    # as a web request does: a concurrency error is retried, the user sees none
                    codes["second"] = retrying(
                        lambda: env2["res.partner"].create({"name": "Second", **vals}).customer_code, env2
                    )
                    second_cr.commit()  # pylint: disable=invalid-commit
                except Exception as exc:
                    errors.append(exc)

            thread = threading.Thread(target=second)
            thread.start()
            time.sleep(1)
            self.assertTrue(thread.is_alive(), "The second transaction waits for the first one's number.")
            first_cr.commit()  # pylint: disable=invalid-commit
            thread.join(30)
            self.assertFalse(errors)
            self.assertEqual((codes["first"], codes["second"]), ("ZQ-ZQ-001", "ZQ-ZQ-002"))
        finally:
            first_cr.close()
            second_cr.close()
            with self._cursor() as cr:
                cr.execute("DELETE FROM res_partner WHERE industry_id = %s", [industry.id])
                cr.execute("DELETE FROM crm_customer_code_sequence WHERE prefix = 'ZQ-ZQ'")
                cr.execute("DELETE FROM crm_sales_region WHERE id = %s", [region.id])
                cr.execute("DELETE FROM res_partner_industry WHERE id = %s", [industry.id])
                cr.commit()  # pylint: disable=invalid-commit
