from odoo import models
from odoo.exceptions import AccessError, UserError

from ..models.crm_process_guard import PROCESS


class CommentWizard(models.TransientModel):
    """The comment dialog of Validate and Reject: it decides only the reviews the user may
    decide on the record it was opened for, through the same checks as the buttons."""

    _inherit = "comment.wizard"

    def add_comment(self):
        self.ensure_one()
        record = self._reviewed_record()
        if self.validate_reject not in ("validate", "reject"):
            raise UserError(self.env._("Choose whether you approve or reject."))
        # what Validate and Reject would decide for this user now
        sequences = record._get_sequences_to_approve(self.env.user)
        decidable = record.review_ids.filtered(
            lambda review: (
                review.status == "pending"
                and self.env.user in review.reviewer_ids
                and (review.sequence in sequences or review.approve_sequence_bypass)
            )
        )
        if not self.review_ids or self.review_ids - decidable:
            raise AccessError(self.env._("You can only comment on the reviews you are asked to give."))
        return super(CommentWizard, self.with_context(crm_process=PROCESS)).add_comment()

    def _reviewed_record(self):
        """The record the dialog was opened for, if it is one under tier validation the user may read."""
        model = self.env.registry.get(self.res_model or "")
        if model is None or not issubclass(model, self.env.registry["tier.validation"]):
            raise UserError(self.env._("This dialog only comments on documents under approval."))
        record = self.env[self.res_model].browse(self.res_id).exists()
        if not record:
            raise UserError(self.env._("The document to approve no longer exists."))
        record.check_access("read")
        return record
