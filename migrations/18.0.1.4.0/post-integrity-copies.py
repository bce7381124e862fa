"""Integrity (18.0.1.4.0): what documents waiting for a signature show is copied into them, and what
is under approval is fingerprinted, as it is now done when they are confirmed or submitted.

Documents signed before keep showing today's values of the records they name, and the fingerprint
they were signed with (it covers no copy): they still verify.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for model in ("crm.negotiation.minutes", "crm.need.confirmation"):
        for document in env[model].search([("state", "=", "confirmed")]).filtered(lambda doc: not doc.signed_snapshot):
            document.write({"signed_snapshot": document._signed_snapshot_values()})
    env["crm.solution.review"].search([("state", "in", ("to_review", "approved"))])._approval_stamp()
    env["sale.order"].search([("state", "in", ("draft", "sent"))]).filtered("review_ids")._approval_stamp()
