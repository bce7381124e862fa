from odoo import api, models
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
