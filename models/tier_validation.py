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
    def _validate_tier(self, tiers=False):
        tiers = tiers and tiers.with_context(tier_review_guard=GUARD)
        return super(TierValidation, self._guarded())._validate_tier(tiers=tiers)

    def _rejected_tier(self, tiers=False):
        tiers = tiers and tiers.with_context(tier_review_guard=GUARD)
        return super(TierValidation, self._guarded())._rejected_tier(tiers=tiers)

    def request_validation(self):
        return super(TierValidation, self._guarded()).request_validation()

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
