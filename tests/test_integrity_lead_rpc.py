from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from ..models.crm_lead_gate import StageGateBypass
from .common import RpcAttackCase
from .test_stage_gate import StandardPipeline

# a refused move says what is missing: with the checklist to open (one lead) or as a plain error
GATE_REFUSAL = ("RedirectWarning", "UserError")
REFUSAL = ("UserError", "ValidationError", "AccessError")
# three English words in a row: a sentence left untranslated (the test data is named in Chinese)
ENGLISH = r"[A-Za-z]{2,}[ ,:]+[A-Za-z]{2,}[ ,:]+[A-Za-z]{2,}"


@tagged("post_install", "-at_install")
class TestLeadIntegrityOverRpc(StandardPipeline, RpcAttackCase):
    """The gate and the grades, attacked by a salesman the way the web client talks to the server:
    each attempt is refused in his language, and nothing changed in the database."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.name = "华东大区"
        cls.other_team = cls.env["crm.team"].create({"name": "华北大区", "company_id": cls.company.id})
        cls.other_team_stage = cls.env["crm.stage"].create(
            {"name": "华北：已签约", "sequence": 4, "is_won": True, "team_id": cls.other_team.id}
        )

    def call(self, model, method, *args, context=None, **kwargs):
        """``rpc()`` with the context the web client sends along (the salesman's language…)."""
        client_context = {
            "lang": "zh_CN",
            "tz": "Asia/Shanghai",
            "uid": self.rep.id,
            "allowed_company_ids": [self.company.id],
            **(context or {}),
        }
        return self.rpc(model, method, *args, context=client_context, **kwargs)

    def refused(self, result, error=REFUSAL):
        """``assertRefused()``, and the whole sentence is Chinese (not only the names in it)."""
        message = self.assertRefused(result, error=error)
        self.assertNotRegex(message, ENGLISH, f"Left in English: {message}")
        return message

    def _create_lead(self, user=None, answers=None, **vals):
        return super()._create_lead(user=user, answers=answers, **{"name": "注塑车间产线升级", **vals})

    def _reread(self, records):
        records.invalidate_recordset()
        return records

    # ------------------------------------------------------------------
    # Gate
    # ------------------------------------------------------------------

    def test_quick_create_in_a_later_column_is_refused(self):
        """The kanban's quick create sends the column as ``default_stage_id``: the won column too."""
        for code in ("solution", "contract"):
            with self.subTest(column=code):
                name = f"直接进入 {code}"
                result = self.call(
                    "crm.lead",
                    "web_save",
                    [],
                    {"name": name, "team_id": self.team.id, "user_id": self.rep.id},
                    specification={"display_name": {}},
                    context={"default_stage_id": self.stage[code].id, "default_type": "opportunity"},
                )
                self.refused(result, error=GATE_REFUSAL)
                self.assertFalse(self.env["crm.lead"].with_context(active_test=False).search([("name", "=", name)]))

    def test_no_stage_then_contract_is_refused(self):
        lead = self._ready_lead()
        self.assertIs(self.call("crm.lead", "write", lead.ids, {"stage_id": False}), True, "Leaving the stage is free.")
        result = self.call("crm.lead", "write", lead.ids, {"stage_id": self.stage["contract"].id})
        self.refused(result, error=GATE_REFUSAL)
        self.assertFalse(self._reread(lead).stage_id, "No stage counts as the start of the pipeline.")
        self.assertNotIn(self.stage["contract"], lead.stage_history_ids.stage_to_id)

    def test_no_shortcut_through_an_archived_stage(self):
        old = self.env["crm.stage"].create({"name": "旧阶段：已成交", "sequence": 99})
        lead = self._ready_lead()
        lead.with_context(crm_stage_gate_bypass=StageGateBypass("migration", "test")).write({"stage_id": old.id})
        old.active = False
        result = self.call("crm.lead", "write", lead.ids, {"stage_id": self.stage["contract"].id})
        self.refused(result, error=GATE_REFUSAL)
        self.assertEqual(self._reread(lead).stage_id, old)
        other = self._ready_lead()
        self.refused(self.call("crm.lead", "write", other.ids, {"stage_id": old.id}))
        self.assertEqual(self._reread(other).stage_id, self.stage["lead"], "Nobody moves into an archived stage.")

    def test_no_move_into_or_through_another_teams_stage(self):
        lead = self._ready_lead()
        message = self.refused(self.call("crm.lead", "write", lead.ids, {"stage_id": self.other_team_stage.id}))
        self.assertIn(self.other_team.name, message)
        self.assertEqual(self._reread(lead).stage_id, self.stage["lead"])
        parked = self._ready_lead()
        parked.with_context(crm_stage_gate_bypass=StageGateBypass("migration", "test")).write(
            {"stage_id": self.other_team_stage.id}
        )
        result = self.call("crm.lead", "write", parked.ids, {"stage_id": self.stage["contract"].id})
        self.refused(result, error=GATE_REFUSAL)
        self.assertEqual(self._reread(parked).stage_id, self.other_team_stage, "Another team's stage is no shortcut.")

    def test_output_added_after_the_lead_is_required(self):
        lead = self._ready_lead()
        # added archived, then activated: the lead has no checklist line for it
        item = self.env["crm.stage.checklist.item"].create(
            {"stage_id": self.stage["lead"].id, "name": "信用审查", "evidence": "manual", "active": False}
        )
        item.active = True
        self.assertNotIn(item, lead.checklist_line_ids.item_id)
        message = self.refused(
            self.call("crm.lead", "write", lead.ids, {"stage_id": self.stage["discovery"].id}), error=GATE_REFUSAL
        )
        self.assertIn("信用审查", message)
        self.assertEqual(self._reread(lead).stage_id, self.stage["lead"])

    def test_archived_output_is_not_required(self):
        lead = self._create_lead(answers=self.all_levels("high"), stage_id=self.stage["lead"].id)
        lead._process().first_contact_date = fields.Datetime.now()
        move = {"stage_id": self.stage["discovery"].id}
        self.refused(self.call("crm.lead", "write", lead.ids, move), error=GATE_REFUSAL)
        self.env.ref("crm_sales_process.crm_stage_checklist_item_lead_source").active = False
        self.assertIs(self.call("crm.lead", "write", lead.ids, move), True, "The source is no longer asked for.")
        self.assertEqual(self._reread(lead).stage_id, self.stage["discovery"])

    # ------------------------------------------------------------------
    # Grades and SLA
    # ------------------------------------------------------------------

    def test_grade_and_score_cannot_be_written(self):
        lead = self._create_lead(answers=self.all_levels("low"))
        for vals in ({"grade": "a"}, {"grading_score": 100}, {"grading_complete": False}):
            with self.subTest(vals=vals):
                self.refused(self.call("crm.lead", "write", lead.ids, vals))
        self._reread(lead)
        self.assertEqual((lead.grade, lead.grading_score, lead.grading_complete), ("c", 30, True))

    def test_checklist_progress_cannot_be_written(self):
        lead = self._create_lead()
        progress = lead.checklist_progress
        self.refused(self.call("crm.lead", "write", lead.ids, {"checklist_progress": 100}))
        self.assertEqual(self._reread(lead).checklist_progress, progress)

    def test_funnel_visits_cannot_be_written(self):
        """The stages a lead was in are the stage history's: no client writes them."""
        lead = self._create_lead()
        visits = lead.funnel_visits
        self.assertEqual(visits, str(lead.stage_id.id))
        self.refused(self.call("crm.lead", "write", lead.ids, {"funnel_visits": f"{visits},1,2,3"}))
        count = self.env["crm.lead"].search_count([])
        self.refused(self.call("crm.lead", "create", [{"name": "伪造漏斗", "funnel_visits": "1,2,3"}]))
        self.assertEqual(self.env["crm.lead"].search_count([]), count)
        self.assertEqual(self._reread(lead).funnel_visits, visits)

    def test_days_in_stage_cannot_be_written(self):
        """The days in stage are added up by the moves: no client creates or changes a row."""
        Duration = self.env["crm.sales.stage.duration"]
        count = Duration.search_count([])
        self.refused(self.call("crm.sales.stage.duration", "create", [{"moves": 5, "days_total": 50.0}]))
        self.assertEqual(Duration.search_count([]), count)
        row = Duration.search([], limit=1)
        self.assertTrue(row, "The demo's moves are added up.")
        moves = row.moves
        self.refused(self.call("crm.sales.stage.duration", "write", row.ids, {"moves": moves + 100}))
        self.assertEqual(self._reread(row).moves, moves)

    def test_points_cannot_be_written_on_a_grading_line(self):
        lead = self._create_lead(answers=self.all_levels("low"))
        line = lead.grading_line_ids.filtered(lambda line: line.criterion_id == self.criteria["urgency"])
        # leads whose intent question has no line yet, for the attempts to create one
        creating = self._create_lead(answers=self.all_levels("low"))
        commanding = self._create_lead(answers=self.all_levels("low"))
        open_leads = creating | commanding
        open_leads.grading_line_ids.filtered(lambda line: line.criterion_id == self.criteria["intent"]).sudo().unlink()
        intent = {
            "criterion_id": self.criteria["intent"].id,
            "option_id": self.options["intent", "low"].id,
            "points": 1000,
        }
        attempts = {
            "write": ("crm.lead.grading.line", "write", line.ids, {"points": 1000}),
            "create": ("crm.lead.grading.line", "create", [{"lead_id": creating.id, **intent}]),
            "lead update": ("crm.lead", "write", lead.ids, {"grading_line_ids": [[1, line.id, {"points": 1000}]]}),
            "lead create": ("crm.lead", "write", commanding.ids, {"grading_line_ids": [[0, 0, intent]]}),
        }
        for path, (model, method, *args) in attempts.items():
            with self.subTest(path=path):
                self.refused(self.call(model, method, *args))
        self.assertEqual(self._reread(line).points, self.options["urgency", "low"].points)
        self.assertEqual((self._reread(lead).grade, lead.grading_score), ("c", 30))
        self.assertNotIn(self.criteria["intent"], self._reread(open_leads).grading_line_ids.criterion_id)
        self.assertEqual(lead.grade_cadence_launched, "c", "No A cadence was started.")

    def test_first_contact_cannot_be_set_backdated_or_escalated(self):
        fresh = self._create_lead(answers=self.all_levels("high"))
        contacted = self._ready_lead()
        deadline, contact_date = fresh.first_contact_deadline, contacted.first_contact_date
        long_ago = fields.Datetime.to_string(contact_date - timedelta(days=30))
        attempts = {
            "set": (fresh, {"first_contact_date": fields.Datetime.to_string(fields.Datetime.now())}),
            "backdated": (contacted, {"first_contact_date": long_ago}),
            "deadline": (fresh, {"first_contact_deadline": "2099-01-01 00:00:00"}),
            "escalated": (fresh, {"first_contact_escalated": True}),
            "late": (contacted, {"first_contact_late": True}),
        }
        for path, (lead, vals) in attempts.items():
            with self.subTest(path=path):
                self.refused(self.call("crm.lead", "write", lead.ids, vals))
        self._reread(fresh | contacted)
        self.assertFalse(fresh.first_contact_date)
        self.assertEqual(fresh.first_contact_deadline, deadline)
        self.assertFalse(fresh.first_contact_escalated)
        self.assertEqual(contacted.first_contact_date, contact_date)
        self.assertFalse(contacted.first_contact_late)

    def test_first_contact_cannot_come_with_a_new_lead(self):
        vals = {"name": "去年已联系", "team_id": self.team.id, "first_contact_date": "2020-01-01 08:00:00"}
        self.refused(self.call("crm.lead", "create", [vals]))
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "去年已联系")]))
        # as a default of the context it is dropped, not applied
        lead_id = self.call(
            "crm.lead",
            "create",
            [{"name": "默认首次联系", "team_id": self.team.id}],
            context={"default_first_contact_date": "2020-01-01 08:00:00"},
        )
        self.assertFalse(self.env["crm.lead"].browse(lead_id).first_contact_date)

    def test_first_contact_cannot_be_set_through_the_gate_dialog(self):
        lead = self._create_lead(answers=self.all_levels("high"), source_id=self.source.id)
        vals = {"lead_id": lead.id, "stage_id": self.stage["discovery"].id, "first_contact_date": "2020-01-01 08:00:00"}
        self.call("crm.lead.stage.gate", "create", [vals])
        self.assertFalse(self._reread(lead).first_contact_date, "The dialog shows the first contact, nothing more.")

    def test_checklist_done_by_and_date_cannot_be_written(self):
        self.env["crm.stage.checklist.item"].create(
            {"stage_id": self.stage["discovery"].id, "name": "现场考察报告", "evidence": "manual"}
        )
        lead = self._ready_lead()
        line = self.checklist(lead).filtered(lambda line: line.name == "现场考察报告")
        line.with_user(self.rep).write({"manual_done": True})
        done_by, done_date = line.done_by_id, line.done_date
        evidence_line = self.checklist(lead).filtered(lambda line: line.evidence == "spin")
        attempts = {
            "done by": (line, {"done_by_id": self.rep_2.id}),
            "done on": (line, {"done_date": "2020-01-01 08:00:00"}),
            "ticked for another": (line, {"manual_done": True, "done_by_id": self.rep_2.id}),
            "evidence ticked": (evidence_line, {"manual_done": True}),
        }
        for path, (record, vals) in attempts.items():
            with self.subTest(path=path):
                self.refused(self.call("crm.lead.checklist.line", "write", record.ids, vals))
        self._reread(line | evidence_line)
        self.assertEqual((line.done_by_id, line.done_date), (done_by, done_date))
        self.assertEqual(done_by, self.rep)
        self.assertFalse(evidence_line.manual_done or evidence_line.done_by_id)
