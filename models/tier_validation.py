import hashlib
import json

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError

from .crm_process_guard import ProcessGuard, fingerprint_value

# Context keys of base_tier_validation that skip its checks. They are honoured
# only in superuser mode (server code), never when they come from a client.
SKIP_KEYS = ("skip_validation_check", "skip_check_state_condition")


class TierValidation(ProcessGuard, models.AbstractModel):
    """Approvals that cannot be forged and hold only for what was approved.

    Reviews change only through the validation methods (they run as process calls,
    see tier.review). The content a document's approvers approve (``_approval_fields``
    and ``_approval_line_fields``, like a signed document's content) is fingerprinted
    when the validation is requested; a later change of that content restarts the
    validation (new reviews, the approvers asked again) and confirming in between is
    refused.
    """

    _inherit = "tier.validation"
    _process_fields = ("approval_fingerprint",)

    # what the approvers approve: header fields, and {one2many: line fields}
    _approval_fields = ()
    _approval_line_fields = {}

    approval_fingerprint = fields.Char(
        copy=False,
        readonly=True,
        help="SHA-256 of the content submitted to the approvers: a change restarts the approval.",
    )

    def _guarded(self):
        return self._process()

    # ------------------------------------------------------------------
    # What was approved
    # ------------------------------------------------------------------

    def _approval_content(self):
        """The canonical content the approvers approve."""
        self.ensure_one()
        content = {name: fingerprint_value(self._fields[name], self[name]) for name in sorted(self._approval_fields)}
        for line_field, names in sorted(self._approval_line_fields.items()):
            content[line_field] = [
                {name: fingerprint_value(line._fields[name], line[name]) for name in names}
                for line in self[line_field].sorted("id")
            ]
        return content

    def _approval_hash(self):
        canonical = json.dumps(self._approval_content(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def _approval_stamp(self):
        """Fingerprint what the approvers are asked to approve."""
        for record in self.filtered(lambda record: record._approval_fields or record._approval_line_fields):
            record._process().write({"approval_fingerprint": record._approval_hash()})

    def _approval_changed(self):
        """The records whose approved (or submitted) content changed since it was fingerprinted."""
        return self.filtered(
            lambda record: record.approval_fingerprint and record.approval_fingerprint != record._approval_hash()
        )

    def _approval_recheck(self):
        """Restart the validation of the records whose content changed after it was submitted: their
        reviews are removed and requested again, so the approvers approve what is there now."""
        changed = self._approval_changed()
        for record in changed:
            record.message_post(
                body=self.env._("The content changed after it was submitted for approval: the approval starts again."),
                subtype_xmlid="mail.mt_note",
            )
            record._approval_restart()
        return changed

    def _approval_restart(self):
        self.ensure_one()
        self.restart_validation()
        self.request_validation()

    def _approval_check_current(self):
        """Refuse to go on (confirm, send…) with content that is not what was approved."""
        changed = self._approval_changed()
        if changed:
            raise UserError(
                self.env._(
                    "%(document)s changed after it was approved: request the approval again before going on.",
                    document=changed[0].display_name,
                )
            )

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
        tiers = tiers and tiers._process()
        result = super(TierValidation, self._guarded())._validate_tier(tiers=tiers)
        self._settle_validation_status()
        return result

    def _rejected_tier(self, tiers=False):
        tiers = tiers and tiers._process()
        result = super(TierValidation, self._guarded())._rejected_tier(tiers=tiers)
        self._settle_validation_status()
        return result

    def request_validation(self):
        reviews = super(TierValidation, self._guarded()).request_validation()
        reviews._process().flush_recordset(["can_review"])
        self._settle_validation_status()
        self.browse({review.res_id for review in reviews})._approval_stamp()
        return reviews

    def _settle_validation_status(self):
        """Recompute the documents' validation state from their reviews as they are now
        (need_validation and can_review are computed without dependencies: forget them)."""
        self.invalidate_recordset(["need_validation", "can_review", "next_review"])
        self.env.add_to_compute(self._fields["validation_status"], self)

    def restart_validation(self):
        result = super(TierValidation, self._guarded()).restart_validation()
        self.filtered("approval_fingerprint")._process().write({"approval_fingerprint": False})
        return result

    def _update_counter(self, review_counter):
        return super(TierValidation, self._guarded())._update_counter(review_counter)

    def _tier_validation_check_write_remove_reviews(self, vals):
        return super(TierValidation, self._guarded())._tier_validation_check_write_remove_reviews(vals)

    def unlink(self):
        return super(TierValidation, self._guarded()).unlink()

    # The checks: skip keys from a client are ignored.
    def _check_state_from_condition(self):
        return super(TierValidation, self._trusted_skip_keys())._check_state_from_condition()

    # What users read, in their language. base_tier_validation ships no Chinese for these
    # texts (some sit in f-strings no translation reaches); a string is translated by the
    # .po files of the module whose code calls _(), so these methods say them here.
    def _tier_validation_check_write_allowed(self, vals):
        """base_tier_validation's check (same rules), its errors translated; skip key from the server only."""
        records = self._trusted_skip_keys()
        if records.env.context.get("skip_validation_check"):
            return
        # what the process records about the validation itself (fingerprint, states) is not an edit
        if self._is_process_call() and set(vals) <= self._process_field_names():
            return
        for rec in records:
            if (
                rec.review_ids
                and rec._check_tier_state_transition(vals)
                and not rec._check_allow_write_under_validation(vals)
            ):
                rec._tier_validation_refuse_fields(
                    vals,
                    rec._get_under_validation_exceptions,
                    self.env._(
                        "You are not allowed to write those fields under validation.\n"
                        "- %(not_allowed_fields_str)s\n\n"
                        "Only those fields can be modified:\n- %(allowed_fields_str)s"
                    ),
                )
            if (
                rec.validation_status == "validated"
                and rec._get_validation_exceptions(add_base_exceptions=False)
                and rec._tier_validation_get_current_state_value() in [*rec._state_to, rec._cancel_state]
                and not rec._check_allow_write_after_validation(vals)
            ):
                rec._tier_validation_refuse_fields(
                    vals,
                    rec._get_after_validation_exceptions,
                    self.env._(
                        "You are not allowed to write those fields after validation.\n"
                        "- %(not_allowed_fields_str)s\n\n"
                        "Only those fields can be modified:\n- %(allowed_fields_str)s"
                    ),
                )

    def _tier_validation_refuse_fields(self, vals, exceptions, message):
        """Refuse ``vals``, naming the fields it may not write and those it may (``exceptions``)."""
        allowed, refused = self._get_fields_to_write_validation(vals, exceptions)
        raise ValidationError(
            message % {"not_allowed_fields_str": "\n- ".join(refused), "allowed_fields_str": "\n- ".join(allowed)}
        )

    def _tier_validation_check_state_on_write(self, vals):
        """base_tier_validation's check of a move to a validated state (same rules), its errors translated."""
        for rec in self:
            if not rec._check_state_conditions(vals):
                continue
            if rec.need_validation:
                reviews = rec.request_validation()
                rec._validate_tier(reviews)
                if rec.validation_status != "validated":
                    pending = reviews.filtered(lambda review: review.status == "pending").mapped("name")
                    raise ValidationError(
                        self.env._(
                            "This action needs to be validated for at least one record. Reviews pending:\n - %s "
                            "\nPlease request a validation.",
                            "\n - ".join(pending),
                        )
                    )
            if rec.review_ids and rec.validation_status != "validated":
                raise ValidationError(self.env._("A validation process is still open for at least one record."))

    def _get_to_validate_message_name(self):
        """The document's kind in the user's language (the model's translated name)."""
        return self.env["ir.model"].sudo()._get(self._name).name

    def _get_to_validate_message(self):
        """The banner of a document under validation, translated."""
        message = self.env._("This %s needs to be validated", self._get_to_validate_message_name())
        return '<i class="fa fa-info-circle"></i> ' + message

    def _get_validated_message(self):
        """The banner of a validated document, translated."""
        if self.validation_status != "validated":
            return ""
        return '<i class="fa fa-thumbs-up"></i> ' + self.env._("Operation has been <b>validated</b>!")

    def _get_rejected_message(self):
        """The banner of a rejected document, translated."""
        if self.validation_status != "rejected":
            return ""
        return '<i class="fa fa-thumbs-down"></i> ' + self.env._("Operation has been <b>rejected</b>.")

    def _compute_next_review(self):
        """The "Next: <review>" line under the banner, translated."""
        for rec in self:
            review = rec.review_ids.sorted("sequence").filtered(lambda review: review.status == "pending")[:1]
            rec.next_review = self.env._("Next: %s", review.name or "") if review else False

    def _add_comment(self, validate_reject, reviews):
        """The comment dialog, its title translated."""
        action = super()._add_comment(validate_reject, reviews)
        action["name"] = self.env._("Comment")
        return action

    def _notify_created_review_body(self):
        """Chatter message of a new review, translated."""
        return self.env._("A record to be reviewed has been created by %s.", self.env.user.name)

    def _notify_requested_review_body(self):
        """Chatter message of a review reaching its reviewers, translated."""
        return self.env._("A review has been requested by %s.", self.env.user.name)

    def _notify_restarted_review_body(self):
        """Chatter message of a restarted validation, translated."""
        return self.env._("The review has been reset by %s.", self.env.user.name)

    def _notify_accepted_reviews_body(self):
        """Chatter message of an approval, translated."""
        comment = self._user_review_comment()
        if comment:
            return self.env._("A review was accepted. (%s)", comment)
        return self.env._("A review was accepted")

    def _notify_rejected_review_body(self):
        """Chatter message of a rejection, translated."""
        comment = self._user_review_comment()
        if comment:
            return self.env._(
                "A review was rejected by %(user)s. (%(comment)s)", user=self.env.user.name, comment=comment
            )
        return self.env._("A review was rejected by %s.", self.env.user.name)

    def _user_review_comment(self):
        """The comment the current user gave on one of his reviews of the document, if any."""
        reviews = self.review_ids.filtered(lambda review: self.env.user in review.reviewer_ids and review.comment)
        return reviews[:1].comment
