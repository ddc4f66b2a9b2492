from odoo import SUPERUSER_ID, http
from odoo.exceptions import UserError
from odoo.http import request

from ..lib import ack_token

FAILED_LIMIT_COUNT = 20  # refused links per client address ...
FAILED_LIMIT_WINDOW = 60  # ... per this many seconds
MAX_ID = 2**31 - 1  # PostgreSQL integer: a larger id is no record
ACKNOWLEDGEABLE = ("sent", "queued", "failed")


class EscalationAcknowledgeController(http.Controller):
    """One-click acknowledgement of an escalation by its target.

    The escalation message (mail, Teams card) carries
    ``/helpdesk_expedite/escalation/<id>/acknowledge?token=...`` (see
    ``helpdesk.ticket.escalation._get_acknowledge_url``). ``GET`` shows what
    is being acknowledged and a confirm button, and changes nothing: mail
    scanners and chat link previewers open links. ``POST`` (with the CSRF
    token of that page) acknowledges. The token is signed, expires, and
    works once: an acknowledged escalation refuses it. A logged-in internal
    user of the escalation's company is recorded as the acknowledger; anyone
    else holding the link (a visitor, a portal user, a user of another
    company) is not: the target is named. No page may be framed by another
    site (a hidden frame must not get the confirm button clicked).
    """

    @http.route(
        "/helpdesk_expedite/escalation/<int:escalation_id>/acknowledge",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=True,
        sitemap=False,
        # refused attempts are counted in the database, also on GET
        readonly=False,
    )
    def escalation_acknowledge(self, escalation_id, token=None, **kw):
        env = request.env(user=SUPERUSER_ID, su=True)
        escalation, verdict = self._judge_link(env, escalation_id, token)
        if verdict in (ack_token.MALFORMED, ack_token.INVALID):
            return self._refuse_attempt(verdict)
        refusal = self._refuse_genuine_link(escalation, verdict)
        if refusal:
            return refusal
        if request.httprequest.method != "POST":
            return self._page(200, self._confirm_values(escalation, token))
        return self._acknowledge(escalation)

    @staticmethod
    def _judge_link(env, escalation_id, token):
        """(the escalation or an empty recordset, the token's verdict)."""
        escalation = env["helpdesk.ticket.escalation"]
        if 0 < escalation_id <= MAX_ID:
            escalation = escalation.browse(escalation_id).exists()
        if escalation:
            return escalation, escalation._check_acknowledge_token(token)
        if ack_token.parse_token(token):
            return escalation, ack_token.INVALID
        return escalation, ack_token.MALFORMED

    def _refuse_genuine_link(self, escalation, verdict):
        """The page refusing a genuine link (expired, already used, for an
        escalation not sent), or None when it may acknowledge."""
        env = escalation.env
        if verdict == ack_token.EXPIRED:
            return self._page(
                410,
                self._refusal_values(
                    env._("This acknowledgement link has expired."),
                    env._(
                        "Acknowledge the escalation in Odoo, or ask the helpdesk "
                        "to send it again."
                    ),
                    escalation,
                ),
            )
        if escalation.state == "acknowledged":
            return self._page(410, self._already_values(escalation))
        if escalation.state not in ACKNOWLEDGEABLE:
            return self._page(
                409,
                self._refusal_values(
                    env._("This escalation cannot be acknowledged."),
                    env._("It has not been sent."),
                    escalation,
                ),
            )
        return None

    def _acknowledge(self, escalation):
        env = escalation.env
        try:
            with env.cr.savepoint():
                escalation._mark_acknowledged(self._acknowledger(), "link")
        except UserError as error:
            return self._page(
                409,
                self._refusal_values(
                    env._("This escalation cannot be acknowledged."),
                    str(error.args[0] if error.args else error),
                    escalation,
                ),
            )
        return self._page(200, self._done_values(escalation))

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @staticmethod
    def _acknowledger():
        """The logged-in user, or an empty recordset for a visitor (the
        escalation records only a user who answers for it)."""
        user = request.env.user
        if not request.session.uid or user._is_public():
            return user.browse()
        return user

    def _refuse_attempt(self, verdict):
        """400 for what is not a token, 403 for a wrong one; 429 once an
        address has been refused too often (no probing of ids or tokens)."""
        env = request.env(user=SUPERUSER_ID, su=True)
        wait = env["helpdesk.expedite.throttle"]._hit(
            f"escalation-ack-failed:{request.httprequest.remote_addr}",
            FAILED_LIMIT_COUNT,
            FAILED_LIMIT_WINDOW,
        )
        if wait:
            response = self._page(
                429,
                self._refusal_values(
                    env._("Too many refused links."),
                    env._("Wait a minute before trying again."),
                ),
            )
            response.headers["Retry-After"] = str(wait)
            return response
        if verdict == ack_token.MALFORMED:
            return self._page(400, self._damaged_values(env))
        # unknown escalation or wrong signature: the same answer
        return self._page(
            403,
            self._refusal_values(
                env._("This acknowledgement link is not valid."),
                env._(
                    "It was altered, or replaced by a newer link when the "
                    "escalation was sent again."
                ),
            ),
        )

    def _damaged_values(self, env):
        return self._refusal_values(
            env._("This acknowledgement link is incomplete or damaged."),
            env._(
                "Open the link exactly as it was sent, or acknowledge the "
                "escalation in Odoo."
            ),
        )

    @staticmethod
    def _incident_values(escalation):
        ticket = escalation.ticket_id
        return {
            "escalation": escalation,
            "ticket_number": ticket.number or "",
            "ticket_title": ticket.name or "",
            "target_name": escalation.target_id.name or "",
            "affected_users": ticket.affected_user_count,
        }

    def _refusal_values(self, title, detail, escalation=None):
        values = {"state": "refused", "heading": title, "detail": detail}
        # only a genuine (if expired or used) link shows what it was for
        if escalation:
            values.update(self._incident_values(escalation))
        return values

    def _already_values(self, escalation):
        env = escalation.env
        return self._refusal_values(
            env._("This escalation has already been acknowledged."),
            env._(
                "Acknowledged by %(who)s on %(date)s UTC. A link works once.",
                who=escalation.acknowledged_by_name
                or escalation.acknowledged_by_id.name
                or escalation.target_id.name,
                date=escalation.acknowledged_date,
            ),
            escalation,
        )

    def _confirm_values(self, escalation, token):
        return {
            **self._incident_values(escalation),
            "state": "confirm",
            "token": token,
            "action": request.httprequest.path,
        }

    def _done_values(self, escalation):
        env = escalation.env
        return {
            **self._incident_values(escalation),
            "state": "done",
            "heading": env._("Escalation acknowledged. Thank you."),
            "detail": env._(
                "The helpdesk sees that %(who)s took it, %(minutes)s minutes "
                "after it was sent.",
                who=escalation.acknowledged_by_name,
                minutes=round(escalation.response_time, 1),
            ),
        }

    @staticmethod
    def _page(status, values):
        response = request.render(
            "helpdesk_expedite.escalation_acknowledge_page", values, status=status
        )
        # the token is in the address: keep it out of caches, indexes and
        # the Referer header of links on the page
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        # never inside another site's frame (clickjacking of the button)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
        return response
