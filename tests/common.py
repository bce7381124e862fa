import base64
import io
import json
from contextlib import contextmanager
from unittest.mock import patch

from freezegun import freeze_time
from PIL import Image

from odoo import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user

LEVELS = ("high", "medium", "low")
CRITERIA = ("urgency", "budget_fit", "company_size", "decision_chain", "intent")


def signature_png():
    """A small drawn signature, as the signature widget sends it (base64 PNG)."""
    image = Image.new("RGB", (120, 40), "white")
    for x in range(10, 110):
        image.putpixel((x, 20 + (x % 7)), (0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue())


def document_discovery(lead):
    """What Needs discovery records on a lead: SPIN notes, pain points, a budget, a timeline, a decision maker."""
    decision_maker = lead.env["res.partner"].create({"name": "周总 (decision maker)"})
    lead.write(
        {
            "spin_situation": "S",
            "spin_problem": "P",
            "spin_implication": "I",
            "spin_need_payoff": "N",
            "pain_points": "换型停机时间长",
            "budget_max": 800000,
            "decision_timeline": "7 月底前定标",
            "stakeholder_ids": [Command.create({"partner_id": decision_maker.id, "role": "decision_maker"})],
        }
    )


def approve_contract(order, comment="同意"):
    """Request the approval of ``order`` and give each step of the contract chain as the
    administrator, who holds them all (sales manager, legal, general manager)."""
    admin = order.env.ref("base.user_admin")
    order.request_validation()
    for _step in order.review_ids:
        action = order.with_user(admin).validate_tier()
        if isinstance(action, dict) and action.get("res_model") == "comment.wizard":
            wizard = order.env["comment.wizard"].with_user(admin).with_context(**action["context"])
            wizard.create({"comment": comment}).add_comment()
        order.invalidate_recordset()
    return order


class CrmSalesProcessCase(TransactionCase):
    """Users, a team and the default grading model, built once per class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False, mail_notrack=False))
        cls.company = cls.env.company
        cls.manager = new_test_user(
            cls.env, login="csp_manager", name="Manager Zhou", groups="sales_team.group_sale_manager,base.group_user"
        )
        cls.rep = new_test_user(
            cls.env, login="csp_rep", name="Rep Wang", groups="sales_team.group_sale_salesman,base.group_user"
        )
        cls.rep_2 = new_test_user(
            cls.env, login="csp_rep_2", name="Rep Li", groups="sales_team.group_sale_salesman,base.group_user"
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "Test East China", "user_id": cls.manager.id, "company_id": cls.company.id}
        )
        cls.criteria = {code: cls.env.ref(f"crm_sales_process.crm_grading_criterion_{code}") for code in CRITERIA}
        cls.options = {
            (code, level): cls.env.ref(f"crm_sales_process.crm_grading_option_{code}_{level}")
            for code in CRITERIA
            for level in LEVELS
        }
        cls.customer = cls.env["res.partner"].create({"name": "苏州精密机械", "email": "buyer@suzhou.example.cn"})

    @classmethod
    def _answers(cls, **levels):
        """Grading line commands: {'urgency': 'high', …} → create commands with those answers."""
        return [
            Command.create({"criterion_id": cls.criteria[code].id, "option_id": cls.options[code, level].id})
            for code, level in levels.items()
        ]

    def _create_lead(self, user=None, answers=None, **vals):
        values = {
            "name": "Production line upgrade",
            "team_id": self.team.id,
            "user_id": (user or self.rep).id,
            "partner_id": self.customer.id,
            "company_id": self.company.id,
        }
        if answers:
            values["grading_line_ids"] = self._answers(**answers)
        values.update(vals)
        return self.env["crm.lead"].create(values)

    def _answer(self, lead, **levels):
        """Answer some criteria on an existing lead, the way the form saves them."""
        commands = []
        for code, level in levels.items():
            line = lead.grading_line_ids.filtered(lambda line, c=code: line.criterion_id == self.criteria[c])
            option = self.options[code, level] if level else False
            commands.append(Command.update(line.id, {"option_id": option and option.id}))
        lead.write({"grading_line_ids": commands})

    @classmethod
    def _without_contract_chain(cls):
        """Tests of the approval mechanism with their own tier definition: the addon's contract chain
        (sales manager → legal → GM) is set aside."""
        for name in ("sales_manager", "legal", "general_manager"):
            cls.env.ref(f"crm_sales_process.tier_definition_sale_order_{name}").active = False

    def _approve_contract(self, order, comment="同意"):
        return approve_contract(order, comment)

    @staticmethod
    def all_levels(level):
        return dict.fromkeys(CRITERIA, level)

    def checklist(self, lead):
        """The lead's checklist lines as its owner sees them once he opens its checklist (a
        lead gets its lines when opened, not when created)."""
        lead.action_open_checklist()
        return lead.checklist_line_ids

    @contextmanager
    def frozen(self, when):
        """Freeze both Python's clock and the transaction timestamp (create_date, date_open)."""
        with freeze_time(when), patch.object(self.env.cr, "now", lambda: when):
            yield

    @contextmanager
    def assertExactQueryCount(self, count):
        """assertQueryCount made exact: the same measure (ORM and cursor flushed before and after,
        no random bus clean-up), but fewer queries fail too, so that a budget no longer reached
        is lowered and keeps guarding."""
        self.env.flush_all()
        self.env.cr.flush()
        before = self.cr.sql_log_count
        with patch("random.random", lambda: 1):
            yield
            self.env.flush_all()
            self.env.cr.flush()
        self.assertEqual(self.cr.sql_log_count - before, count, "Exactly the budgeted queries.")

    def count_queries(self, func):
        """Queries ``func`` costs from cold caches, counted as assertQueryCount does
        (ORM flush and the cursor's pre-commit work, e.g. tracking, included)."""
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        func()
        self.env.flush_all()
        self.env.cr.flush()
        return self.cr.sql_log_count - before


class RpcAttackCase(HttpCase, CrmSalesProcessCase):
    """Attacks made the way the web client talks to the server: JSON-RPC ``call_kw`` as a
    logged-in salesman (the Chinese-speaking one, so refusals are checked translated)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["crm_sales_process"], ["zh_CN"], overwrite=True)
        cls.rep.write({"lang": "zh_CN", "password": "csp_rep_password"})

    def setUp(self):
        super().setUp()
        self.authenticate("csp_rep", "csp_rep_password")

    def rpc(self, model, method, *args, **kwargs):
        """``model.method(*args, **kwargs)`` over JSON-RPC as the salesman: the result, or an
        ``RpcError`` holding the exception's class name and its message. Like the web client,
        it sends the user's context (``call_kw`` replaces the context with the one sent)."""
        kwargs.setdefault("context", {"lang": "zh_CN", "tz": "Asia/Shanghai", "uid": self.rep.id})
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        payload = response.json()
        if "error" in payload:
            data = payload["error"]["data"]
            return RpcError(data["name"].rsplit(".", 1)[-1], data["message"])
        return payload["result"]

    def assertRefused(self, result, *, error=("UserError", "ValidationError", "AccessError")):
        """The call failed with a business error (no traceback), in Chinese; returns its message."""
        self.assertIsInstance(result, RpcError, f"The call was accepted: {result!r}")
        self.assertIn(result.name, error, f"Not a clear refusal but {result.name}: {result.message}")
        self.assertRegex(result.message, "[\u4e00-\u9fff]", f"Not in the salesman's language: {result.message}")
        return result.message


class RpcError:
    """An error answered by JSON-RPC: the exception class name and its message."""

    def __init__(self, name, message):
        self.name = name
        self.message = message

    def __repr__(self):
        return f"RpcError({self.name}: {self.message})"
