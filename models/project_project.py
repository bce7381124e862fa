from datetime import datetime, time

from odoo import fields, models


class ProjectProject(models.Model):
    """The delivery project of a signed contract, with its kickoff plan (项目启动计划表)."""

    _inherit = "project.project"

    delivery_order_id = fields.Many2one(
        "sale.order",
        string="Contract order",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The confirmed order this project delivers.",
    )
    kickoff_sales_manager_id = fields.Many2one("res.users", string="Sales manager", tracking=True)
    kickoff_engineer_id = fields.Many2one("res.users", string="Engineer", tracking=True)
    kickoff_service_user_id = fields.Many2one("res.users", string="Customer-service specialist", tracking=True)
    kickoff_communication = fields.Text(
        string="Communication mechanism",
        help="How the team and the customer keep each other informed during the delivery; empty: the standard "
        "mechanism (weekly report, exceptions within 24 hours, weekly delivery meeting, acceptance).",
    )
    kickoff_date = fields.Date(string="Kickoff meeting", tracking=True)

    def _kickoff_plan_from_order(self, order):
        """Fill the kickoff plan from the confirmed ``order``: the team by role, the milestones from its
        delivery date, the communication mechanism and the kickoff meeting activity (once)."""
        self.ensure_one()
        company = order.company_id
        today = fields.Date.context_today(self)
        kickoff = company._working_day_after(fields.Datetime.now(), 3)
        delivery = (order.commitment_date or order.expected_date or fields.Datetime.now()).date()
        # the milestones and the meeting are named in the language of who confirms (the salesperson)
        lang_env = self.env
        values = {
            "delivery_order_id": order.id,
            "partner_id": self.partner_id.id or order.partner_id.id,
            "user_id": (order.delivery_user_id or self.user_id or order.user_id).id,
            "kickoff_sales_manager_id": self.kickoff_sales_manager_id.id or (order.team_id.user_id or order.user_id).id,
            "kickoff_date": self.kickoff_date or kickoff,
            "allow_milestones": True,
        }
        self.write(values)
        if not self.milestone_ids:
            self.env["project.milestone"].create(
                [
                    {"project_id": self.id, "name": lang_env._("Kickoff meeting"), "deadline": values["kickoff_date"]},
                    {"project_id": self.id, "name": lang_env._("Delivery"), "deadline": max(delivery, today)},
                    {
                        "project_id": self.id,
                        "name": lang_env._("Acceptance"),
                        "deadline": company._working_day_after(datetime.combine(max(delivery, today), time(12)), 3),
                    },
                ]
            )
        meeting = self.env.ref("mail.mail_activity_data_meeting")
        if not self.activity_ids.filtered(lambda activity: activity.activity_type_id == meeting):
            self.activity_schedule(
                activity_type_id=meeting.id,
                date_deadline=values["kickoff_date"],
                summary=lang_env._("Kickoff meeting of %(order)s", order=order.name),
                note=lang_env._(
                    "Hold the internal kickoff meeting: the team (sales manager, engineer, customer-service "
                    "specialist), the delivery plan and the communication mechanism."
                ),
                user_id=values["user_id"],
            )
        team = self.user_id | self.kickoff_sales_manager_id | self.kickoff_engineer_id | self.kickoff_service_user_id
        self.message_subscribe(partner_ids=team.partner_id.ids)
