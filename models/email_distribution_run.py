# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError


class EmailDistributionRun(models.Model):
    """A sending run: one batch of deliveries handed to the mail queue.

    A manager may stop a run: deliveries it has not handed over yet stay
    queued and are not sent, and mails still waiting in Odoo's queue are
    cancelled (already sent ones cannot be recalled).  Restarting sends them.
    """

    _name = "email.distribution.run"
    _description = "E-mail Distribution Sending Run"
    _order = "id desc"

    name = fields.Char(required=True, readonly=True, default="/")
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    trigger = fields.Selection(
        [("cron", "Scheduled"), ("manual", "Manual")], required=True, readonly=True
    )
    state = fields.Selection(
        [
            ("running", "Running"),
            ("done", "Succeeded"),
            ("failed", "Had failures"),
            ("stopped", "Stopped"),
        ],
        default="running",
        required=True,
        readonly=True,
        index=True,
    )
    user_id = fields.Many2one(
        "res.users", readonly=True, default=lambda self: self.env.user
    )
    date_start = fields.Datetime(readonly=True, default=fields.Datetime.now)
    date_end = fields.Datetime(readonly=True)
    delivery_ids = fields.One2many("email.distribution.delivery", "run_id")
    attempt_ids = fields.One2many("email.distribution.attempt", "run_id")
    queued_count = fields.Integer(string="Handed to Mail Queue", readonly=True)
    # Set once the run has handed all its deliveries over: only then may it
    # close, and only the sending cron closes it (the mail cron never writes a
    # run, so the two never conflict on its row).
    handover_done = fields.Boolean(readonly=True, copy=False)
    # Every count of a run is in one unit: sending-list lines (one recipient of
    # one attempt), which is also what the run's lines and its button show.
    line_count = fields.Integer(string="Recipients", compute="_compute_counts")
    failed_count = fields.Integer(string="Failed", compute="_compute_counts")
    sent_count = fields.Integer(string="Sent", compute="_compute_counts")
    pending_count = fields.Integer(string="Waiting", compute="_compute_counts")

    @api.depends("attempt_ids.state")
    def _compute_counts(self):
        groups = self.env["email.distribution.attempt"]._read_group(
            [("run_id", "in", self.ids)], ["run_id", "state"], ["__count"]
        )
        counts = {}
        for run, state, count in groups:
            counts.setdefault(run.id, {})[state] = count
        for run in self:
            by_state = counts.get(run.id, {})
            run.line_count = sum(by_state.values())
            run.sent_count = by_state.get("sent", 0)
            run.pending_count = by_state.get("queued", 0)
            run.failed_count = sum(
                count
                for state, count in by_state.items()
                if state in ("failed", "hard_bounce", "blocked", "soft_bounce")
            )

    @api.model
    def _start(self, trigger, company):
        """A new run of *company*: a run only ever touches one company."""
        run = self.sudo().create({"trigger": trigger, "company_id": company.id})
        run.name = self.env._("Run %(id)s", id=run.id)
        return run

    def _wake_when_settled(self):
        """Wake the sending cron, once, if one of these runs has handed all
        its mails over and no line of it waits for the mail server any more.

        The sending cron closes the run; this side never writes it.  Not
        during the hand-over (the sending cron is running and closes it
        itself), and not once per mail: one read for all of them.
        """
        runs = self.sudo().filtered(
            lambda run: run.state == "running" and run.handover_done
        )
        if not runs:
            return
        waiting = {
            run.id
            for [run] in self.env["email.distribution.attempt"]
            .sudo()
            ._read_group(
                [("run_id", "in", runs.ids), ("state", "=", "queued")], ["run_id"]
            )
        }
        if any(run.id not in waiting for run in runs):
            self.env["email.distribution.delivery"]._trigger_sending()

    def _check_manager(self, message):
        """Manager-only actions are checked here, not only in the views."""
        if not self.env.su and not self.env.user.has_group(
            "account.group_account_manager"
        ):
            raise AccessError(message)
        # Record rules: a manager acts on the runs of their own companies only.
        self.check_access("read")

    def _process(self, limit=200, auto_commit=False):
        """Hand due deliveries of the run's company to the mail queue in batches
        until none is left.  Users only read runs: the module writes them."""
        self.ensure_one()
        run = self.sudo()
        Delivery = run.env["email.distribution.delivery"]
        batch_size = 50
        handed = 0
        while handed < limit:
            run.invalidate_recordset(["state"])
            if run.state == "stopped":
                break
            ids = Delivery._lock_due(min(batch_size, limit - handed), run.company_id)
            if not ids:
                break
            deliveries = Delivery.browse(ids)
            documents, errors = deliveries._prepare_documents()
            queued, _failed = deliveries._hand_to_mail_queue(run, documents, errors)
            run.queued_count += queued
            if queued:
                Delivery._trigger_mail_queue()
            handed += len(ids)
            if self.env.context.get("ir_cron_progress_id"):
                # As Odoo's own crons: the cron's progress record says how far
                # the run is (and Odoo calls the cron again while some remain).
                self.env["ir.cron"]._notify_progress(
                    done=handed, remaining=Delivery._due_count(run.company_id)
                )
            if auto_commit:
                # Cron only: keep each finished batch even if a later one fails.
                run.env.cr.commit()  # pylint: disable=invalid-commit
        run.handover_done = True
        run._finish()
        return run

    @api.model
    def _finish_running(self):
        """Close every run that handed everything over and has settled."""
        self.search([("state", "=", "running"), ("handover_done", "=", True)])._finish()

    def _finish(self):
        """Close runs whose deliveries are all settled; others keep running."""
        for run in self.filtered(lambda r: r.state == "running" and r.handover_done):
            run.invalidate_recordset(
                ["pending_count", "failed_count", "sent_count", "line_count"]
            )
            if run.pending_count:
                continue
            run.write(
                {
                    "state": "failed" if run.failed_count else "done",
                    "date_end": fields.Datetime.now(),
                }
            )

    def action_stop(self):
        self._check_manager(self.env._("Only accounting managers can stop a run."))
        for run in self.sudo():
            deliveries = run.delivery_ids.filtered(
                lambda d: d.state == "queued" and d.mail_id
            )
            waiting = deliveries.mail_id.sudo().filtered(
                lambda m: m.state == "outgoing"
            )
            waiting.with_context(email_distribution_own_cancel=True).cancel()
            stopped = deliveries.filtered(lambda d, w=waiting: d.mail_id in w)
            for delivery in stopped:
                # The attempt did not happen: its queued lines are reused on restart.
                delivery.write(
                    {
                        "attempt_count": delivery.attempt_count - 1,
                        "mail_id": False,
                        "mail_message_id": False,
                    }
                )
        self.sudo().write({"state": "stopped", "date_end": fields.Datetime.now()})
        return True

    def action_restart(self):
        self._check_manager(self.env._("Only accounting managers can restart a run."))
        for run in self.sudo().filtered(lambda r: r.state in ("stopped", "failed")):
            run.write({"state": "running", "date_end": False, "handover_done": False})
            run._process()
        return True

    def action_view_attempts(self):
        self.ensure_one()
        return self.env["email.distribution.attempt"]._action_for(
            [("run_id", "=", self.id)]
        )
