"""Query budgets of the hot paths (issue: hot paths as fast as core Odoo).

Counts are exact: a change that adds a query to lead creation or to the pipeline kanban fails
here. What core Odoo costs for the same work, and the time ratios, are printed by `make bench`
(two databases side by side); these tests hold the addon's own figures. The core figures they
were checked against (a database with crm, sale_crm, sale_project, survey and the tier validation
modules, no demo data): creating 1 lead 29 queries, 20 leads 220, the kanban 15.
"""

from ast import literal_eval

from lxml import etree

from odoo.tests import new_test_user, tagged

from .common import CrmSalesProcessCase

# Exact counts in the test database (demo data: predictive lead scoring has frequencies to read,
# 3 queries more than without); `make bench` compares them with core's (budget: core + 5 queries
# for one lead, core + 20 for 20 leads, core's count for the kanban).
CREATE_ONE_LEAD = 36
CREATE_20_LEADS = 226
PIPELINE_KANBAN = 13


@tagged("post_install", "-at_install")
class TestHotPathQueries(CrmSalesProcessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.rep.email = "rep.wang@example.cn"
        cls.bench_team = cls.env["crm.team"].create(
            {"name": "Pipeline budget", "company_id": cls.company.id, "member_ids": [(6, 0, cls.rep.ids)]}
        )
        cls.viewer = new_test_user(
            cls.env,
            login="csp_kanban_viewer",
            name="Rep Zhao",
            groups="sales_team.group_sale_salesman_all_leads,base.group_user",
        )

    def _quick_create_vals(self, count):
        """What reps and imports give: a name, the company, a contact, the team and the owner."""
        return [
            {
                "name": f"询价 {index}",
                "type": "opportunity",
                "partner_name": f"客户 {index}",
                "email_from": f"buyer{index}@example.cn",
                "phone": f"+86 571 8800 {index:04d}",
                "team_id": self.bench_team.id,
                "user_id": self.rep.id,
            }
            for index in range(count)
        ]

    def _create_as_rep(self, count):
        Lead = self.env["crm.lead"].with_user(self.rep).with_context(lang="en_US", tz="Asia/Shanghai")
        return Lead.create(self._quick_create_vals(count))

    def test_creating_one_lead_costs_core_plus_5_queries(self):
        self._create_as_rep(1)  # warm-up: caches of the registry (views, outputs, sequences)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertExactQueryCount(CREATE_ONE_LEAD):
            self._create_as_rep(1)
            self.env.flush_all()

    def test_creating_20_leads_costs_core_plus_20_queries(self):
        self._create_as_rep(1)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertExactQueryCount(CREATE_20_LEADS):
            leads = self._create_as_rep(20)
            self.env.flush_all()
        self.assertEqual(len(leads.grading_line_ids), 20 * len(self.criteria), "Each lead has its questions.")
        self.assertFalse(leads.checklist_line_ids, "No checklist line before a lead is opened.")

    # ------------------------------------------------------------------
    # Pipeline kanban: the calls of the web client, for 40 and 400 cards
    # ------------------------------------------------------------------

    def _kanban_calls(self, limit):
        """What the web client asks to show the pipeline: the groups, the cards with every field of
        the kanban view of the pipeline action, and the progress bars of the columns."""
        Lead = self.env["crm.lead"].with_user(self.viewer).with_context(lang="zh_CN", tz="Asia/Shanghai")
        views = Lead.get_views([(False, "kanban")], {"action_id": self.env.ref("crm.crm_lead_action_pipeline").id})
        arch = etree.fromstring(views["views"]["kanban"]["arch"])
        descriptions = views["models"]["crm.lead"]["fields"]
        specification = {}
        for node in arch.iter("field"):
            description = descriptions.get(node.get("name"))
            if not description:
                continue
            if description["type"] == "many2one":
                specification[node.get("name")] = {"fields": {"display_name": {}}}
            elif description["type"] in ("one2many", "many2many"):
                tags = description["relation"] == "crm.tag"
                specification[node.get("name")] = {"fields": {"display_name": {}, **({"color": {}} if tags else {})}}
            else:
                specification[node.get("name")] = {}
        self.assertIn("checklist_progress", specification, "The card shows the stage's outputs done.")
        progressbar = arch.find(".//progressbar")
        domain = [("type", "=", "opportunity"), ("team_id", "=", self.bench_team.id)]

        def calls():
            groups = Lead.web_read_group(domain, ["stage_id"], ["stage_id"], lazy=True)
            cards = Lead.web_search_read(domain, specification, limit=limit)
            Lead.read_progress_bar(
                domain,
                "stage_id",
                {"field": progressbar.get("field"), "colors": literal_eval(progressbar.get("colors"))},
            )
            return groups, cards

        return calls

    def _add_outputs(self, stages, per_stage):
        """Give each stage ``per_stage`` outputs, half ticked by hand, half proven by evidence."""
        Item = self.env["crm.stage.checklist.item"]
        for stage in stages:
            missing = per_stage - Item.search_count([("stage_id", "=", stage.id)])
            Item.create(
                [
                    {"stage_id": stage.id, "name": f"Output {index}", "evidence": ("manual", "source")[index % 2]}
                    for index in range(max(missing, 0))
                ]
            )

    def test_pipeline_kanban_costs_the_same_for_40_or_400_cards_and_3_or_30_outputs(self):
        stages = self.env["crm.stage"].search([("team_id", "in", [False, self.bench_team.id])])
        leads = self._create_as_rep(400)
        # set-up, not what is measured: spread the cards over the columns
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET stage_id = (%s::int[])[1 + id %% %s] WHERE id = ANY(%s)",
            [stages.ids, len(stages), leads.ids],
        )
        self.env.invalidate_all()
        self.env.add_to_compute(self.env["crm.lead"]._fields["checklist_progress"], leads)
        self.env.flush_all()
        Item = self.env["crm.stage.checklist.item"]
        for outputs in (3, 30):
            self._add_outputs(stages, outputs)
            # the end of the request that changed the outputs: progress recomputed, pre-commit work done
            self.env.flush_all()
            self.env.cr.flush()
            self.assertGreaterEqual(min(Item.search_count([("stage_id", "=", s.id)]) for s in stages), outputs)
            for cards in (40, 400):
                with self.subTest(cards=cards, outputs=outputs):
                    calls = self._kanban_calls(cards)
                    # warm-up, as a request before this one: views, translations, access rules
                    self.env.invalidate_all()
                    calls()
                    self.env.invalidate_all()
                    with self.assertExactQueryCount(PIPELINE_KANBAN):
                        _groups, cards_read = calls()
                    self.assertEqual(len(cards_read["records"]), cards)
                    self.assertTrue(all(0 <= card["checklist_progress"] <= 100 for card in cards_read["records"]))
