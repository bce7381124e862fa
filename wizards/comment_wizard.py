from odoo import models
from odoo.exceptions import AccessError

from ..models.tier_validation import GUARD


class CommentWizard(models.TransientModel):
    _inherit = "comment.wizard"

    def add_comment(self):
        """Comment and decide only on the reviews the user is a reviewer of."""
        self.ensure_one()
        if not self.env.su and self.review_ids.filtered(lambda review: self.env.user not in review.reviewer_ids):
            raise AccessError(self.env._("You can only comment on the reviews you are asked to give."))
        return super(CommentWizard, self.with_context(tier_review_guard=GUARD)).add_comment()
