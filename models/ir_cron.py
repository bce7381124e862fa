import threading

from odoo import api, models


class IrCron(models.Model):
    _inherit = "ir.cron"

    @api.model
    def _batch_done(self, done, remaining):
        """End of a batch of a cron working in batches: the progress told to the cron runner
        (``_notify_progress``) and the batch committed, so that what is done stays done if the
        worker is stopped and the next run goes on from there. Not inside tests, which roll back
        (told as website.visitor's cron does: pytest-odoo leaves current_test unset on 18)."""
        self._notify_progress(done=done, remaining=max(remaining, 0))
        if not getattr(threading.current_thread(), "testing", False):
            self.env.cr.commit()  # pylint: disable=invalid-commit
