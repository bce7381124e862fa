"""The three crons at scale: batches that report their progress and commit one by one, a run cut
short that goes on without reminding anybody twice, a number of queries that does not grow with
the number of records, and reminders in the language and time zone of the person who gets them.

About the query counts: the ORM writes at most 100 rows per INSERT or UPDATE statement
(``INSERT_BATCH_SIZE`` and ``UPDATE_BATCH_SIZE`` in odoo/models.py, the same for core's own
``create`` and ``write``): with that statement size lifted, 10, 100 and 1,000 records cost exactly
the same queries (with it, 1,000 records cost the statements of the nine further hundreds of rows:
stalled reminders 22 + 9 * 3, escalation 26 + 9 * 4, demotion 12 + 9; never a query per record).
Reminders are activities: each batch stores in one UPDATE that their leads have a next step planned."""

import threading
from contextlib import contextmanager
from datetime import datetime
from unittest.mock import patch

from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import CrmSalesProcessCase

OLD = datetime(2025, 1, 1)
# records of each test: 2 to warm the caches up, then 10, 100 and 1,000
WARM, TEN, HUNDRED, THOUSAND = slice(0, 2), slice(2, 12), slice(12, 112), slice(112, 1112)
POOL = 1112


class Interrupted(Exception):
    """The cron worker dies in the middle of a run (timeout, restart)."""


@tagged("post_install", "-at_install")
class TestCronsAtScale(CrmSalesProcessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["crm_sales_process"], ["zh_CN"], overwrite=True)
        cls.rep.tz = "Europe/Paris"
        cls.rep_zh = new_test_user(
            cls.env,
            login="csp_rep_zh",
            name="Rep Chen",
            groups="sales_team.group_sale_salesman,base.group_user",
            lang="zh_CN",
            tz="Asia/Shanghai",
        )
        # every slice has leads of both reps: two owners, two languages, whatever the number of leads
        cls.leads = cls.env["crm.lead"].create(
            [
                {
                    "name": f"Scale lead {i}",
                    "team_id": cls.team.id,
                    "user_id": (cls.rep if i % 2 else cls.rep_zh).id,
                    "company_id": cls.company.id,
                }
                for i in range(POOL)
            ]
        )
        cls.stage = cls.leads.stage_id
        cls.stage.ensure_one()
        cls.stage.max_days = 7
        Partner = cls.env["res.partner"]
        cls.partners = Partner.create(
            [
                {"name": f"Scale customer {i}", "is_company": True, "match_level": "high", "value_level": "high"}
                for i in range(POOL)
            ]
        )
        # what the demo data has due now is done once: each test sees its own records only
        cls.env["crm.lead"]._cron_remind_stalled_leads()
        cls.env["crm.lead"]._cron_escalate_overdue_first_contact()
        Partner._cron_demote_stale_customers()

    # -- records falling due, the way time would make them (one SQL statement for a thousand)

    def _sql(self, query):
        """Run ``query`` after everything pending, then start from empty caches as a cron run does."""
        self.env.flush_all()
        self.env.cr.flush()
        self.env.cr.execute(query)
        self.env.invalidate_all()

    def _stall(self, leads):
        """These leads entered their stage long ago."""
        self._sql(SQL("UPDATE crm_lead SET date_last_stage_update = %s WHERE id IN %s", OLD, tuple(leads.ids)))
        return leads

    def _overdue(self, leads):
        """A leads nobody contacted, their deadline long past."""
        self._sql(
            SQL(
                "UPDATE crm_lead SET grade = 'a', first_contact_deadline = %s, first_contact_date = NULL "
                "WHERE id IN %s",
                OLD,
                tuple(leads.ids),
            )
        )
        return leads

    def _stale(self, partners):
        """A customers without progress for long."""
        self._sql(SQL("UPDATE res_partner SET last_progress_date = %s WHERE id IN %s", OLD, tuple(partners.ids)))
        return partners

    # each cron: its records in the pool, making them due, the cron, what it gives each record

    def _stalled_case(self):
        return self.leads, self._stall, "crm.lead", "_cron_remind_stalled_leads", self._reminders

    def _escalation_case(self):
        return self.leads, self._overdue, "crm.lead", "_cron_escalate_overdue_first_contact", self._escalations

    def _demotion_case(self):
        return self.partners, self._stale, "res.partner", "_cron_demote_stale_customers", self._demotion_notes

    def _activities(self, leads, xmlid):
        """Per lead, the activities of type ``xmlid`` on it."""
        groups = self.env["mail.activity"]._read_group(
            [
                ("res_model", "=", "crm.lead"),
                ("res_id", "in", leads.ids),
                ("activity_type_id", "=", self.env.ref(xmlid).id),
            ],
            ["res_id"],
            ["__count"],
        )
        return dict(groups)

    def _reminders(self, leads):
        return self._activities(leads, "mail.mail_activity_data_todo")

    def _escalations(self, leads):
        return self._activities(leads, "crm_sales_process.mail_activity_type_first_contact_overdue")

    def _demotion_notes(self, partners):
        groups = self.env["mail.message"]._read_group(
            [("model", "=", "res.partner"), ("res_id", "in", partners.ids), ("body", "ilike", "grade lowered")],
            ["res_id"],
            ["__count"],
        )
        return dict(groups)

    # -- running a cron the way the cron worker does

    def _cron(self, model, method):
        """The cron ``model.method`` as the cron worker runs it, and the progress record it reports to."""
        cron = self.env["ir.cron"].search([("model_id.model", "=", model), ("code", "ilike", method)])
        cron, progress = cron._add_progress()
        return getattr(self.env[model].with_context(ir_cron_progress_id=progress.id), method), progress

    @contextmanager
    def committing(self, progress, interrupt_at=None):
        """The cron commits as it does outside tests. Each commit flushes and is recorded as the
        progress it committed; commit number ``interrupt_at`` fails instead, and what followed the
        commit before is rolled back, as PostgreSQL does when the worker dies."""
        commits = []
        cr = self.env.cr
        cr.execute("SAVEPOINT csp_cron_commit")

        def commit():
            self.env.flush_all()
            cr.flush()
            if len(commits) + 1 == interrupt_at:
                raise Interrupted
            progress.invalidate_recordset()
            commits.append((progress.done, progress.remaining))
            cr.execute("SAVEPOINT csp_cron_commit")

        with patch.object(threading.current_thread(), "testing", False), patch.object(cr, "commit", commit):
            try:
                yield commits
            except Interrupted:
                cr.execute("ROLLBACK TO SAVEPOINT csp_cron_commit")
                self.env.invalidate_all(flush=False)

    def _assert_counts(self, case, counts, batch_size=2000):
        """The cron costs ``counts[n]`` queries for n records due (10, 100, 1,000), caches warmed up."""
        pool, make_due, model, method, given = case
        cron, _progress = self._cron(model, method)
        make_due(pool[WARM])
        cron(batch_size=batch_size)
        for part, count in ((TEN, counts[10]), (HUNDRED, counts[100]), (THOUSAND, counts[1000])):
            records = make_due(pool[part])
            # the ORM's own statement size lifted: what is left is what the cron asks for
            with (
                self.subTest(records=len(records)),
                patch("odoo.models.INSERT_BATCH_SIZE", 10_000),
                patch("odoo.models.UPDATE_BATCH_SIZE", 10_000),
                self.assertQueryCount(count),
            ):
                self.assertEqual(cron(batch_size=batch_size), len(records))
            self.assertEqual(set(given(records).values()), {1})
            self.assertEqual(len(given(records)), len(records))

    # -- queries: the same for 10 and 100 records, plus the ORM's statements per 100 rows

    def test_stalled_reminders_queries_do_not_grow_with_leads(self):
        # + 3 statements per further 100 leads: the activities' INSERT, their stored computes, the leads' flag
        self._assert_counts(self._stalled_case(), {10: 22, 100: 22, 1000: 22})

    def test_escalation_queries_do_not_grow_with_leads(self):
        # + 4 per further 100 leads: the activities' INSERT and stored computes, the leader's follower
        # rows (INSERT), the leads' flag
        self._assert_counts(self._escalation_case(), {10: 26, 100: 26, 1000: 26})

    def test_demotion_queries_do_not_grow_with_customers(self):
        # + 1 per further 100 customers: the notes' INSERT
        self._assert_counts(self._demotion_case(), {10: 12, 100: 12, 1000: 12})

    def test_stalled_reminders_in_batches_cost_queries_per_batch_only(self):
        """1,000 leads in two batches of 500: the queries of one batch more (its search, the reads of
        its leads, owners and stages, the owners' followers), nothing per lead."""
        cron, _progress = self._cron("crm.lead", "_cron_remind_stalled_leads")
        self._stall(self.leads[WARM])
        cron(batch_size=500)
        leads = self._stall(self.leads[THOUSAND])
        # 49 in one batch (test above), + 19 for the second batch
        with self.assertQueryCount(49 + 19):
            self.assertEqual(cron(batch_size=500), 1000)
        self.assertEqual(set(self._reminders(leads).values()), {1})

    def test_stalled_filter_is_one_query_whatever_the_number_of_leads(self):
        """The filter is a sub-select the database runs, not a list of ids fetched first."""
        stalled = self._stall(self.leads[THOUSAND])
        Lead = self.env["crm.lead"]
        with self.assertQueryCount(1):
            self.assertEqual(Lead.search_count([("is_stalled", "=", True), ("id", "in", self.leads.ids)]), 1000)
        with self.assertQueryCount(1):
            self.assertEqual(
                Lead.search([("is_stalled", "!=", True), ("id", "in", self.leads.ids)]), self.leads - stalled
            )

    # -- batches: each one commits with the progress it reports, a run cut short goes on

    def _due(self, case, count=25):
        pool, make_due, model, method, given = case
        return make_due(pool[TEN.start : TEN.start + count]), model, method, given

    def test_each_batch_commits_and_reports_its_progress(self):
        for case in (self._stalled_case(), self._escalation_case(), self._demotion_case()):
            records, model, method, given = self._due(case)
            with self.subTest(cron=method):
                cron, progress = self._cron(model, method)
                with self.committing(progress) as commits:
                    self.assertEqual(cron(batch_size=10), 25)
                self.assertEqual(commits, [(10, 15), (20, 5), (25, 0)], "done, remaining: committed per batch")
                self.assertEqual(set(given(records).values()), {1})

    def test_interrupted_run_goes_on_and_gives_nobody_anything_twice(self):
        for case in (self._stalled_case(), self._escalation_case(), self._demotion_case()):
            records, model, method, given = self._due(case)
            with self.subTest(cron=method):
                cron, progress = self._cron(model, method)
                with self.committing(progress, interrupt_at=2):
                    cron(batch_size=10)
                self.assertEqual(len(given(records)), 10, "The first batch was committed, the second one lost.")
                self.assertEqual(cron(batch_size=10), 15, "The next run does what is left…")
                self.assertEqual(set(given(records).values()), {1}, "…and only that.")
                self.assertEqual(len(given(records)), 25)

    # -- in the language and time zone of whoever gets it

    def test_stalled_reminder_in_the_owners_language_and_zone(self):
        zh_lead, en_lead = self._stall(self.leads[WARM])
        self.assertEqual((zh_lead.user_id, en_lead.user_id), (self.rep_zh, self.rep))
        # 3 March 04:00 in Shanghai, still 2 March (21:00) in Paris
        with self.frozen(datetime(2026, 3, 2, 20, 0)):
            self.env["crm.lead"]._cron_remind_stalled_leads()
        todo = self.env.ref("mail.mail_activity_data_todo")
        zh, en = (lead.activity_ids.filtered(lambda a: a.activity_type_id == todo) for lead in (zh_lead, en_lead))
        stage_zh = self.stage.with_context(lang="zh_CN").name
        self.assertEqual(zh.summary, f"停滞于 {stage_zh}")
        self.assertIn(f"此线索停留在“{stage_zh}”已超过 7 天：请推进或标记为丢失。", zh.note)
        self.assertEqual(str(zh.date_deadline), "2026-03-03")
        self.assertEqual(en.summary, f"Stalled in {self.stage.name}")
        self.assertIn("for more than 7 days: move it on or mark it lost.", en.note)
        self.assertEqual(str(en.date_deadline), "2026-03-02")

    def test_escalation_in_the_leaders_language_and_zone(self):
        self.manager.write({"lang": "zh_CN", "tz": "Asia/Shanghai"})
        lead = self._overdue(self.leads[0])
        with self.frozen(datetime(2026, 3, 2, 20, 0)):
            self.env["crm.lead"]._cron_escalate_overdue_first_contact()
        activity_type = self.env.ref("crm_sales_process.mail_activity_type_first_contact_overdue")
        escalation = lead.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(escalation.user_id, self.manager)
        self.assertEqual(escalation.summary, "确保今天联系此 A 级线索")
        # 1 January 2025 00:00 UTC is 08:00 in Shanghai
        self.assertIn(
            "此 A 级线索的首次联系时限为 2025-01-01 08:00 (Asia/Shanghai)，但至今仍无人联系到客户（负责人：Rep Chen）",
            escalation.note,
        )
        self.assertEqual(str(escalation.date_deadline), "2026-03-03")
