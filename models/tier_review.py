from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression

from .crm_process_guard import ProcessGuard


class TierReview(ProcessGuard, models.Model):
    """Approval records change only through the documents' validation methods, and are
    read only by who may read the document they approve (and its reviewers).

    base_tier_validation lets every internal user write tier.review and read every
    review, comments included: a salesman could approve his own order over RPC, or read
    the comments on documents he cannot open. Here every stored field is a process
    field (see ProcessGuard): the validation methods, which run as process
    calls, are the only writers.
    """

    _inherit = "tier.review"

    # Computed when read, not stored: base_tier_validation stores it in the language of
    # the user who requested the review; each reader sees it in his own.
    todo_by = fields.Char(store=False)

    def _process_field_names(self):
        """Every stored field: a review is written by the validation only."""
        return frozenset(
            name for name, field in self._fields.items() if field.store and name not in models.MAGIC_COLUMNS
        )

    def _process_fields_hint(self, field_names):
        return self.env._(
            "Approvals are given with the Validate and Reject buttons of the document, by the reviewer whose "
            "turn it is."
        )

    def unlink(self):
        if not self._is_process_call():
            raise AccessError(
                self.env._(
                    "Approvals are given with the Validate and Reject buttons of the document, "
                    "by the reviewer whose turn it is; they cannot be created, changed or deleted directly."
                )
            )
        return super().unlink()

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """Only the reviews of documents the user may read, and those he is a reviewer of."""
        if self._is_process_call():
            return super()._search(domain, offset=offset, limit=limit, order=order)
        candidates = self.sudo().with_context(active_test=False).search_fetch(domain, ["model", "res_id"])
        readable = []
        by_model = {}
        for review in candidates:
            by_model.setdefault(review.model, set()).add(review.res_id)
        for model, res_ids in by_model.items():
            if model in self.env:
                documents = self.env[model].browse(res_ids).exists()._filtered_access("read")
                readable.append([("model", "=", model), ("res_id", "in", documents.ids)])
        allowed = expression.OR([[("reviewer_ids", "in", self.env.uid)], *readable])
        return super()._search(expression.AND([domain, allowed]), offset=offset, limit=limit, order=order)

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
