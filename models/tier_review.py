from odoo import api, fields, models
from odoo.exceptions import AccessError

from .tier_validation import TierReviewGuard


class TierReview(models.Model):
    """Approval records can only change through the documents' validation methods.

    base_tier_validation lets every internal user write tier.review: a salesman
    could approve his own order over RPC. Here creating, writing or deleting a
    review needs the guard the validation methods put in the context (a Python
    object no RPC call can carry), superuser mode, or an administrator.
    """

    _inherit = "tier.review"

    # Computed when read, not stored: base_tier_validation stores it in the language of
    # the user who requested the review; each reader sees it in his own.
    todo_by = fields.Char(store=False)

    def _check_review_access(self):
        if self.env.su or isinstance(self.env.context.get("tier_review_guard"), TierReviewGuard):
            return
        if self.env.user.has_group("base.group_system"):
            return
        raise AccessError(
            self.env._(
                "Approvals are given with the Validate and Reject buttons of the document, "
                "by the reviewer whose turn it is; they cannot be created, changed or deleted directly."
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_review_access()
        return super().create(vals_list)

    def write(self, vals):
        # assigning a non-stored field (e.g. can_review in _update_counter) persists nothing
        if any(self._fields[name].store for name in vals):
            self._check_review_access()
        return super().write(vals)

    def unlink(self):
        self._check_review_access()
        return super().unlink()

    @api.depends("reviewer_ids", "reviewer_group_id")
    @api.depends_context("lang")
    def _compute_todo_by(self):
        """Who the review waits for (a group, or up to three users), translated."""
        for review in self:
            if review.reviewer_group_id:
                review.todo_by = self.env._("Group %s", review.reviewer_group_id.name)
                continue
            todo_by = ", ".join(review.reviewer_ids[:3].mapped("display_name"))
            if len(review.reviewer_ids) > 3:
                todo_by = self.env._(
                    "%(users)s (and %(count)s more)", users=todo_by, count=len(review.reviewer_ids) - 3
                )
            review.todo_by = todo_by

    def _notify_review_reminder_body(self):
        """The reminder of a pending review, translated."""
        days = (fields.Datetime.now() - self.create_date).days
        return self.env._("A review has been requested %s days ago.", days)
