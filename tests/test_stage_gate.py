from datetime import timedelta

from odoo import Command, fields
from odoo.addons.crm_sales_process.models.crm_lead_gate import StageGateBypass
from odoo.addons.crm_sales_process.models.crm_stage_checklist_item import EVIDENCE_KINDS
from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.tests import Form, tagged

from .common import CrmSalesProcessCase, document_discovery


class StandardPipeline:
    """Fixtures of the tests that move leads (mixed into a test case): the standard stages, the
    stock ones applied (archived) as on a database where the standard stages were applied, and a
    lead source."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage = {
            code: cls.env.ref(f"crm_sales_process.crm_stage_{code}")
            for code in ("lead", "discovery", "solution", "negotiation", "contract")
        }
        cls.env["crm.sales.stage.apply"]._apply_default_mapping()
        cls.source = cls.env["utm.source"].create({"name": "Trade show"})

    def _ready_lead(self, **vals):
        """A lead that has earned its way out of Lead acquisition, and no further."""
        lead = self._create_lead(
            answers=self.all_levels("high"), source_id=self.source.id, stage_id=self.stage["lead"].id, **vals
        )
        lead._process().first_contact_date = fields.Datetime.now()
        return lead


@tagged("post_install", "-at_install")
class TestStageGate(StandardPipeline, CrmSalesProcessCase):
    def _tick(self, lead, stage_code):
        lines = self.checklist(lead).filtered(
            lambda line: line.stage_id == self.stage[stage_code] and line.evidence == "manual"
        )
        lines.with_user(self.rep).write({"manual_done": True})

    def test_new_lead_starts_in_lead_acquisition_with_its_checklist(self):
        lead = self._create_lead()
        self.assertEqual(lead.stage_id, self.stage["lead"])
        self.assertFalse(lead.checklist_line_ids, "No line is written for a new lead: imports stay cheap.")
        self.assertEqual(lead.checklist_progress, 25, "Of the 4 outputs of Lead acquisition, the owner is set.")
        lead.source_id = self.env["utm.source"].create({"name": "展会"})
        self.env.flush_all()
        self.env.cr.execute("SELECT checklist_progress FROM crm_lead WHERE id = %s", [lead.id])
        self.assertEqual(self.env.cr.fetchone()[0], 50, "Stored, and kept up to date by the evidence.")
        # opening the lead in its form (as its owner) shows every output of the pipeline
        form_values = lead.with_user(self.rep).web_read({"checklist_line_ids": {"fields": {"name": {}}}})
        items = self.env["crm.stage.checklist.item"].search([])
        self.assertEqual(len(form_values[0]["checklist_line_ids"]), len(items))
        self.assertEqual(lead.checklist_line_ids.item_id, items)
        self.assertEqual(lead.stage_history_ids.stage_to_id, self.stage["lead"])
        self.assertFalse(lead.stage_history_ids.stage_from_id)

    def test_forward_move_blocked_with_missing_items_named(self):
        lead = self._create_lead(stage_id=self.stage["lead"].id)
        with self.assertRaises(RedirectWarning) as caught:
            lead.with_user(self.rep).write({"stage_id": self.stage["discovery"].id})
        self.assertIn("Lead source recorded", str(caught.exception))
        self.assertIn("First contact made", str(caught.exception))
        self.assertEqual(lead.stage_id, self.stage["lead"], "The lead did not move.")

    def test_evidence_items_open_the_gate(self):
        lead = self._ready_lead()
        lead.with_user(self.rep).write({"stage_id": self.stage["discovery"].id})
        self.assertEqual(lead.stage_id, self.stage["discovery"])

    def test_evidence_items_cannot_be_ticked(self):
        lead = self._create_lead()
        line = self.checklist(lead).filtered(lambda line: line.evidence == "source")
        with self.assertRaises(UserError):
            line.with_user(self.rep).write({"manual_done": True})
        self.assertFalse(line.is_done)
        lead.source_id = self.source
        line.invalidate_recordset(["is_done"])
        self.assertTrue(line.is_done, "The evidence appeared: the item is done.")

    def test_manual_tick_records_who_and_when(self):
        lead = self._ready_lead()
        self._tick(lead, "solution")
        line = self.checklist(lead).filtered(
            lambda line: line.stage_id == self.stage["solution"] and line.evidence == "manual"
        )[:1]
        self.assertTrue(line)
        self.assertEqual(line.done_by_id, self.rep)
        self.assertTrue(line.done_date)

    def test_skipping_stages_needs_every_passed_stage(self):
        lead = self._ready_lead()
        self._tick(lead, "discovery")
        with self.assertRaises(RedirectWarning) as caught:
            lead.write({"stage_id": self.stage["negotiation"].id})
        self.assertIn("Quotation exists", str(caught.exception), "Solution's outputs are needed too.")
        self.assertEqual(lead.stage_id, self.stage["lead"])

    def test_rpc_import_and_won_are_gated(self):
        lead = self._create_lead()
        with self.assertRaises(RedirectWarning):
            lead.with_user(self.rep).action_set_won()
        self.assertNotEqual(lead.stage_id, self.stage["contract"])
        result = (
            self.env["crm.lead"]
            .with_user(self.rep)
            .load(
                ["id", "stage_id/id"],
                [[lead.export_data(["id"])["datas"][0][0], "crm_sales_process.crm_stage_solution"]],
            )
        )
        self.assertTrue(any(msg["type"] == "error" for msg in result["messages"]))
        self.assertEqual(lead.stage_id, self.stage["lead"])

    def test_backward_and_lost_moves_are_free(self):
        lead = self._ready_lead()
        lead.write({"stage_id": self.stage["discovery"].id})
        lead.with_user(self.rep).write({"stage_id": self.stage["lead"].id})
        self.assertEqual(lead.stage_id, self.stage["lead"])
        lead.with_user(self.rep).action_set_lost()
        self.assertFalse(lead.active)

    def test_creation_in_a_later_stage_is_gated(self):
        with self.assertRaises(UserError):
            self._create_lead(stage_id=self.stage["solution"].id)
        self.assertFalse(
            self.env["crm.lead"].search([("stage_id", "=", self.stage["solution"].id), ("team_id", "=", self.team.id)])
        )

    def test_multi_lead_write_lists_each_blocked_lead(self):
        first = self._create_lead(name="First blocked")
        second = self._create_lead(name="Second blocked")
        ready = self._ready_lead(name="Ready one")
        with self.assertRaises(UserError) as caught:
            (first | second | ready).write({"stage_id": self.stage["discovery"].id})
        message = str(caught.exception)
        self.assertIn("First blocked", message)
        self.assertIn("Second blocked", message)
        self.assertNotIn("Ready one", message)
        self.assertEqual(ready.stage_id, self.stage["lead"], "Nothing moved.")

    def test_manager_override_with_reason(self):
        lead = self._create_lead()
        wizard = (
            self.env["crm.lead.stage.gate"]
            .with_user(self.manager)
            .create({"lead_id": lead.id, "stage_id": self.stage["discovery"].id})
        )
        self.assertTrue(wizard.line_ids, "The wizard lists what is missing.")
        with self.assertRaises(UserError):
            wizard.action_override()
        wizard.override_reason = "Customer called the GM directly"
        wizard.action_override()
        self.assertEqual(lead.stage_id, self.stage["discovery"])
        history = lead.stage_history_ids.filtered("is_override")
        self.assertEqual(history.override_reason, "Customer called the GM directly")
        self.assertEqual(history.user_id, self.manager)
        self.assertIn("Customer called the GM directly", lead.message_ids[0].body)

    def test_salesman_cannot_override(self):
        lead = self._create_lead()
        wizard = (
            self.env["crm.lead.stage.gate"]
            .with_user(self.rep)
            .create({"lead_id": lead.id, "stage_id": self.stage["discovery"].id, "override_reason": "I want to"})
        )
        self.assertFalse(wizard.can_override)
        with self.assertRaises(AccessError):
            wizard.action_override()
        with self.assertRaises(RedirectWarning):
            lead.with_user(self.rep).with_context(crm_stage_gate_bypass={"kind": "override"}).write(
                {"stage_id": self.stage["discovery"].id}
            )
        self.assertEqual(lead.stage_id, self.stage["lead"])

    def _gate_onchange(self, user, lead, stage):
        """The dialog as the web client opens it: the onchange of a new record with the
        action's default lead and stage."""
        Gate = (
            self.env["crm.lead.stage.gate"]
            .with_user(user)
            .with_context(default_lead_id=lead.id, default_stage_id=stage.id)
        )
        spec = {
            "lead_id": {},
            "stage_id": {},
            "can_override": {},
            "missing_evidence": {},
            "line_ids": {"fields": {"evidence": {}, "how_to_complete": {}, "is_done": {}}},
        }
        return Gate.onchange({}, [], spec)["value"]

    def test_managers_can_override_in_the_web_client_dialog(self):
        lead = self._create_lead(stage_id=self.stage["lead"].id)
        as_manager = self._gate_onchange(self.manager, lead, self.stage["discovery"])
        self.assertTrue(as_manager["can_override"], "The manager sees “Override and move”.")
        as_rep = self._gate_onchange(self.rep, lead, self.stage["discovery"])
        self.assertFalse(as_rep["can_override"])

    def test_dialog_says_how_to_complete_each_output(self):
        lead = self._create_lead(stage_id=self.stage["lead"].id)
        values = self._gate_onchange(self.rep, lead, self.stage["discovery"])
        self.assertEqual(
            values["missing_evidence"], ",first_contact,source,", "The dialog offers the source and the first contact."
        )
        form = Form(
            self.env["crm.lead.stage.gate"]
            .with_user(self.rep)
            .with_context(default_lead_id=lead.id, default_stage_id=self.stage["discovery"].id)
        )
        hints = {line.evidence: line.how_to_complete for line in form.line_ids}
        self.assertEqual(set(hints), {"source", "grading", "first_contact"})
        self.assertIn("log the first contact", hints["first_contact"])
        Item = self.env["crm.stage.checklist.item"]
        self.assertEqual(
            set(Item._evidence_hints()),
            {key for key, _label in Item._fields["evidence"].selection},
            "Every kind of output says how it is completed.",
        )

    def test_dialog_completes_lead_fields_and_first_contact_then_moves(self):
        lead = self._create_lead(answers=self.all_levels("high"), stage_id=self.stage["lead"].id)
        form = Form(
            self.env["crm.lead.stage.gate"]
            .with_user(self.rep)
            .with_context(default_lead_id=lead.id, default_stage_id=self.stage["discovery"].id)
        )
        self.assertEqual({line.evidence for line in form.line_ids}, {"source", "first_contact"})
        form.source_id = self.source
        wizard = form.save()
        self.assertEqual(lead.source_id, self.source, "The source chosen in the dialog is the lead's.")
        self.assertEqual(wizard.missing_evidence, ",first_contact,source,")
        first_contact = wizard.line_ids.filtered(lambda line: line.evidence == "first_contact")
        reopened = wizard.action_log_first_contact()
        self.assertEqual((reopened["res_model"], reopened["res_id"]), (wizard._name, wizard.id), "The dialog stays.")
        self.assertTrue(lead.first_contact_date)
        self.assertTrue(first_contact.is_done)
        wizard.action_retry()
        self.assertEqual(lead.stage_id, self.stage["discovery"])

    def test_dialog_opens_the_documents_that_complete_an_output(self):
        lead = self._ready_lead()
        document_discovery(lead)
        lines = {line.evidence: line for line in self.checklist(lead)}
        self.assertEqual(lines["needs_confirmed"].with_user(self.rep).action_complete()["res_model"], "crm.lead.need")
        self.assertEqual(
            lines["minutes_signed"].with_user(self.rep).action_complete()["res_model"], "crm.negotiation.minutes"
        )
        review = lines["solution_review"].with_user(self.rep).action_complete()
        self.assertEqual(review["res_model"], "crm.solution.review")
        self.assertEqual(lines["quotation"].with_user(self.rep).action_complete()["res_model"], "sale.order")
        self.assertEqual(lines["stakeholders"].with_user(self.rep).action_complete()["res_id"], lead.id)

    def test_dialog_ticks_manual_outputs_and_fills_discovery(self):
        self.env["crm.stage.checklist.item"].create(
            {"stage_id": self.stage["discovery"].id, "name": "Site visit report", "evidence": "manual"}
        )
        lead = self._ready_lead()
        document_discovery(lead)
        lead.write({"pain_points": False, "decision_timeline": False})
        form = Form(
            self.env["crm.lead.stage.gate"]
            .with_user(self.rep)
            .with_context(default_lead_id=lead.id, default_stage_id=self.stage["solution"].id)
        )
        self.assertEqual({line.evidence for line in form.line_ids}, {"manual", "pain_points", "timeline"})
        form.pain_points = "夜班缺人"
        form.decision_timeline = "本季度内签约"
        wizard = form.save()
        # what the dialog sends when the rep ticks the manual line
        wizard.write(
            {
                "line_ids": [
                    Command.update(line.id, {"manual_done": True})
                    for line in wizard.line_ids.filtered(lambda line: line.evidence == "manual")
                ]
            }
        )
        wizard.action_retry()
        self.assertEqual(lead.stage_id, self.stage["solution"])

    def test_pain_points_and_timeline_come_from_their_fields(self):
        lead = self._ready_lead()
        document_discovery(lead)
        lines = self.checklist(lead).filtered(lambda line: line.evidence in ("pain_points", "timeline"))
        self.assertEqual(len(lines), 2)
        self.assertTrue(all(lines.mapped("is_done")))
        with self.assertRaises(UserError):
            lines.with_user(self.rep).write({"manual_done": True})
        lead.write({"pain_points": "  ", "decision_timeline": False})
        lines.invalidate_recordset(["is_done"])
        self.assertFalse(any(lines.mapped("is_done")), "Blank pain points and no timeline: not done.")
        with self.assertRaises(RedirectWarning):
            lead.with_user(self.rep).write({"stage_id": self.stage["solution"].id})

    def test_checklist_progress_follows_unsaved_changes(self):
        lead = self._ready_lead()
        lead.source_id = False
        self.assertEqual(lead.checklist_progress, 75, "Source missing: 3 of the 4 outputs.")
        values = lead.with_user(self.rep).onchange(
            {"source_id": self.source.id}, ["source_id"], {"source_id": {}, "checklist_progress": {}}
        )["value"]
        self.assertEqual(values["checklist_progress"], 100, "The source on screen completes the stage.")
        values = (
            self._ready_lead()
            .with_user(self.rep)
            .onchange({"source_id": False}, ["source_id"], {"source_id": {}, "checklist_progress": {}})["value"]
        )
        self.assertEqual(values["checklist_progress"], 75)

    def test_upgrade_switches_pain_points_and_timeline_to_their_evidence(self):
        items = self.env.ref("crm_sales_process.crm_stage_checklist_item_discovery_pain") | self.env.ref(
            "crm_sales_process.crm_stage_checklist_item_discovery_timeline"
        )
        items.write({"evidence": "manual"})
        custom = self.env.ref("crm_sales_process.crm_stage_checklist_item_discovery_spin")
        custom.evidence = "attachment"  # an admin's choice, kept
        self.env["crm.stage.checklist.item"]._switch_standard_outputs(
            {
                "crm_stage_checklist_item_discovery_pain": "pain_points",
                "crm_stage_checklist_item_discovery_timeline": "timeline",
                "crm_stage_checklist_item_discovery_spin": "spin",
            }
        )
        self.assertEqual(items.mapped("evidence"), ["pain_points", "timeline"])
        self.assertEqual(custom.evidence, "attachment")

    def test_history_rows_are_exact(self):
        lead = self._ready_lead()
        with self.frozen(fields.Datetime.now() + timedelta(days=3)):
            lead.with_user(self.rep).write({"stage_id": self.stage["discovery"].id})
        row = lead.stage_history_ids.filtered(lambda h: h.stage_to_id == self.stage["discovery"])
        self.assertEqual(row.stage_from_id, self.stage["lead"])
        self.assertEqual(row.user_id, self.rep)
        self.assertAlmostEqual(row.days_in_stage, 3, delta=0.01)
        self.assertEqual((row.grade, row.grading_score), ("a", 100))
        self.assertFalse(row.is_override)

    def test_stalled_filter(self):
        lead = self._create_lead()
        self.stage["lead"].max_days = 7
        Lead = self.env["crm.lead"]
        self.assertNotIn(lead, Lead.search([("is_stalled", "=", True)]))
        with self.frozen(fields.Datetime.now() + timedelta(days=8)):
            self.assertIn(lead, Lead.search([("is_stalled", "=", True)]))
            lead.invalidate_recordset(["is_stalled"])
            self.assertTrue(lead.is_stalled)
            before = len(lead.activity_ids)
            Lead._cron_remind_stalled_leads()
            Lead._cron_remind_stalled_leads()
            self.assertEqual(len(lead.activity_ids), before + 1, "One reminder, not two.")
            self.assertEqual(lead.activity_ids.sorted("id")[-1].user_id, self.rep)

    def test_apply_standard_stages_wizard(self):
        old = self.env["crm.stage"].create({"name": "Old qualified", "sequence": 2})
        lead = self._create_lead()
        lead.with_context(crm_stage_gate_bypass=StageGateBypass("migration", "test")).write({"stage_id": old.id})
        wizard = Form(self.env["crm.sales.stage.apply"].with_user(self.manager)).save()
        mapping = {line.old_stage_id: line.new_stage_id for line in wizard.line_ids}
        self.assertIn(old, mapping)
        wizard.action_apply()
        self.assertFalse(old.active)
        self.assertEqual(lead.stage_id, mapping[old])
        self.assertTrue(lead.stage_history_ids.filtered("is_migration"))
        with self.assertRaises(AccessError):
            self.env["crm.sales.stage.apply"].with_user(self.rep)._apply({})

    def test_one_move_costs_the_same_with_3_or_30_items(self):
        lead = self._ready_lead()
        forward, back = {"stage_id": self.stage["discovery"].id}, {"stage_id": self.stage["lead"].id}
        self.count_queries(lambda: lead.write(forward))  # warm-up
        lead.write(back)
        few = self.count_queries(lambda: lead.write(forward))
        lead.write(back)
        self.env["crm.stage.checklist.item"].create(
            [{"stage_id": self.stage["lead"].id, "name": f"Extra {i}", "evidence": "source"} for i in range(27)]
        )
        self.assertEqual(len(self.checklist(lead).filtered(lambda line: line.stage_id == self.stage["lead"])), 31)
        self.env.invalidate_all()
        with self.assertQueryCount(few):
            lead.write(forward)

    def test_moving_30_leads_costs_the_queries_of_one_move(self):
        """The gate, the stage history and the customers' progress read and write in batches: moving
        30 leads costs exactly the queries of moving one. (The chatter's stage tracking, one core
        message per lead, is left out.)"""
        forward, back = {"stage_id": self.stage["discovery"].id}, {"stage_id": self.stage["lead"].id}

        def warm(leads):
            leads = leads.with_context(tracking_disable=True)
            leads.write(forward)
            leads.write(back)
            return leads

        single = warm(self._ready_lead(name="Single"))
        one = self.count_queries(lambda: single.write(forward))
        leads = warm(self.env["crm.lead"].union(*(self._ready_lead(name=f"Bulk {i}") for i in range(30))))
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(one):
            leads.write(forward)
            self.env.flush_all()
        self.assertEqual(set(leads.mapped("stage_id")), {self.stage["discovery"]})
        self.assertEqual(
            len(leads.stage_history_ids.filtered(lambda row: row.stage_to_id == self.stage["discovery"])), 60
        )

    def test_quick_create_in_a_later_column_is_gated(self):
        """The kanban's quick create sends the column as a context default, not a value."""
        Lead = self.env["crm.lead"].with_user(self.rep).with_context(default_stage_id=self.stage["contract"].id)
        before = self.env["crm.lead"].search_count([])
        with self.assertRaises(UserError):
            Lead.create({"name": "Straight to the contract", "team_id": self.team.id, "user_id": self.rep.id})
        self.assertEqual(self.env["crm.lead"].search_count([]), before, "Nothing was created.")

    def test_no_stage_is_the_start_of_the_pipeline(self):
        lead = self._ready_lead()
        lead.with_user(self.rep).write({"stage_id": False})
        with self.assertRaises(RedirectWarning):
            lead.with_user(self.rep).write({"stage_id": self.stage["contract"].id})
        self.assertFalse(lead.stage_id)

    def test_an_archived_stage_is_no_shortcut(self):
        old = self.env["crm.stage"].create({"name": "Old won", "sequence": 99})
        lead = self._ready_lead()
        lead.with_context(crm_stage_gate_bypass=StageGateBypass("migration", "test")).write({"stage_id": old.id})
        old.active = False
        with self.assertRaises(RedirectWarning):
            lead.with_user(self.rep).write({"stage_id": self.stage["contract"].id})
        self.assertEqual(lead.stage_id, old)
        with self.assertRaises(UserError):
            self._ready_lead().with_user(self.rep).write({"stage_id": old.id})

    def test_an_archived_output_is_no_longer_required(self):
        lead = self._create_lead(answers=self.all_levels("high"), stage_id=self.stage["lead"].id)
        lead.first_contact_date = fields.Datetime.now()
        with self.assertRaises(RedirectWarning):
            lead.with_user(self.rep).write({"stage_id": self.stage["discovery"].id})
        self.env.ref("crm_sales_process.crm_stage_checklist_item_lead_source").active = False
        self.env.invalidate_all()
        self.assertEqual(lead.checklist_progress, 100, "Only the outputs still asked for count.")
        lead.with_user(self.rep).write({"stage_id": self.stage["discovery"].id})
        self.assertEqual(lead.stage_id, self.stage["discovery"])

    def test_another_teams_stage_is_refused_as_target(self):
        north = self.env["crm.team"].create({"name": "North China", "company_id": self.company.id})
        north_won = self.env["crm.stage"].create({"name": "North: signed", "sequence": 4, "team_id": north.id})
        lead = self._ready_lead()
        with self.assertRaises(UserError) as caught:
            lead.with_user(self.rep).write({"stage_id": north_won.id})
        self.assertIn("North China", str(caught.exception))
        self.assertEqual(lead.stage_id, self.stage["lead"])
        with self.assertRaises(UserError):
            self._create_lead(stage_id=north_won.id)

    def test_a_lead_changing_team_moves_in_its_new_pipeline(self):
        north = self.env["crm.team"].create({"name": "North China", "company_id": self.company.id})
        north_qualified = self.env["crm.stage"].create({"name": "North: qualified", "sequence": 1, "team_id": north.id})
        lead = self._ready_lead()
        lead.with_user(self.rep).write({"team_id": north.id, "stage_id": north_qualified.id})
        self.assertEqual((lead.team_id, lead.stage_id), (north, north_qualified))

    def test_an_output_added_after_the_lead_is_required(self):
        lead = self._ready_lead()
        item = self.env["crm.stage.checklist.item"].create(
            {"stage_id": self.stage["lead"].id, "name": "Credit check", "evidence": "manual", "active": False}
        )
        item.active = True
        self.assertNotIn(item, lead.checklist_line_ids.item_id, "No line yet: the lead predates the output.")
        self.assertEqual(lead.checklist_progress, 80, "4 of the 5 outputs of Lead acquisition.")
        with self.assertRaises(RedirectWarning) as caught:
            lead.with_user(self.rep).write({"stage_id": self.stage["discovery"].id})
        self.assertIn("Credit check", str(caught.exception))
        form = Form(
            self.env["crm.lead.stage.gate"]
            .with_user(self.rep)
            .with_context(default_lead_id=lead.id, default_stage_id=self.stage["discovery"].id)
        )
        self.assertEqual([line.name for line in form.line_ids], ["Credit check"], "The dialog offers to tick it.")
        wizard = form.save()
        wizard.write({"line_ids": [Command.update(wizard.line_ids.id, {"manual_done": True})]})
        wizard.action_retry()
        self.assertEqual(lead.stage_id, self.stage["discovery"])

    def test_won_or_lost_from_an_archived_stage(self):
        """Core lead scoring looks stages up among the active ones: it must not crash on a lead
        leaving an archived stage."""
        old = self.env["crm.stage"].create({"name": "Old qualified", "sequence": 2})
        leads = self._ready_lead() | self._ready_lead()
        leads.with_context(crm_stage_gate_bypass=StageGateBypass("migration", "test")).write({"stage_id": old.id})
        old.active = False
        won, lost = leads
        won.probability = 0
        won.with_context(crm_stage_gate_bypass=StageGateBypass("override", "Signed at the fair")).write(
            {"stage_id": self.stage["contract"].id}
        )
        self.assertEqual((won.stage_id, won.probability), (self.stage["contract"], 100))
        lost.with_user(self.rep).action_set_lost()
        self.assertFalse(lost.active)

    def test_evidence_kinds_are_declared_once(self):
        """The selection, the hints, the dialog and the buttons all read EVIDENCE_KINDS."""
        kinds = set(EVIDENCE_KINDS)
        self.assertEqual(
            {key for key, _label in self.env["crm.stage.checklist.item"]._fields["evidence"].selection}, kinds
        )
        for key, kind in EVIDENCE_KINDS.items():
            with self.subTest(kind=key):
                self.assertTrue(str(kind.hint))
                if kind.action:
                    self.assertTrue(callable(getattr(self.env["crm.lead"], kind.action)), kind.action)
                for name in kind.depends:
                    self.assertIn(name.split(".")[0], self.env["crm.lead"]._fields)
