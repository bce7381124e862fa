from odoo import models

# Context keys of base_tier_validation that skip its checks. They are honoured
# only in superuser mode (server code), never when they come from a client.
SKIP_KEYS = ("skip_validation_check", "skip_check_state_condition")


class TierReviewGuard:
    """Marks calls made by the validation methods themselves (see tier.review)."""

    __slots__ = ()


GUARD = TierReviewGuard()


class TierValidation(models.AbstractModel):
    _inherit = "tier.validation"

    def _guarded(self):
        return self.with_context(tier_review_guard=GUARD)

    def _trusted_skip_keys(self):
        """The records, with the skip keys dropped unless the caller is the server itself."""
        if self.env.su or not any(self.env.context.get(key) for key in SKIP_KEYS):
            return self
        return self.with_context(**dict.fromkeys(SKIP_KEYS, False))

    # The methods that maintain reviews: they run with the guard.
    #
    # base_tier_validation changes review statuses inside computes (tier.review's
    # can_review turns "waiting" into "pending"), which does not recompute the stored
    # validation_status of the document, and caches need_validation: without the
    # settlements below, the transaction that requests or decides still sees the state
    # from before (a reviewer finds nothing pending, an approved order asks for a new
    # validation instead of confirming).
    def _validate_tier(self, tiers=False):
        tiers = tiers and tiers.with_context(tier_review_guard=GUARD)
        result = super(TierValidation, self._guarded())._validate_tier(tiers=tiers)
        self._settle_validation_status()
        return result

    def _rejected_tier(self, tiers=False):
        tiers = tiers and tiers.with_context(tier_review_guard=GUARD)
        result = super(TierValidation, self._guarded())._rejected_tier(tiers=tiers)
        self._settle_validation_status()
        return result

    def request_validation(self):
        reviews = super(TierValidation, self._guarded()).request_validation()
        reviews.with_context(tier_review_guard=GUARD).flush_recordset(["can_review"])
        self._settle_validation_status()
        return reviews

    def _settle_validation_status(self):
        """Recompute the documents' validation state from their reviews as they are now
        (need_validation and can_review are computed without dependencies: forget them)."""
        self.invalidate_recordset(["need_validation", "can_review"])
        self.env.add_to_compute(self._fields["validation_status"], self)

    def restart_validation(self):
        return super(TierValidation, self._guarded()).restart_validation()

    def _update_counter(self, review_counter):
        return super(TierValidation, self._guarded())._update_counter(review_counter)

    def _tier_validation_check_write_remove_reviews(self, vals):
        return super(TierValidation, self._guarded())._tier_validation_check_write_remove_reviews(vals)

    def unlink(self):
        return super(TierValidation, self._guarded()).unlink()

    # The checks: skip keys from a client are ignored.
    def _tier_validation_check_write_allowed(self, vals):
        return super(TierValidation, self._trusted_skip_keys())._tier_validation_check_write_allowed(vals)

    def _check_state_from_condition(self):
        return super(TierValidation, self._trusted_skip_keys())._check_state_from_condition()
