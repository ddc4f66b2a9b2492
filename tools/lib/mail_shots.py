"""The demo incident's mails as their readers received them (run by
screenshots.py): the body Odoo sent (mail.mail, in the mail layout), under
the sender, the recipient and the subject, for the customer and for the
executive.
"""

import base64
import html
import re

CUSTOMER_XMLID = "helpdesk_expedite.partner_campus_contact"
EXECUTIVE_XMLID = "helpdesk_expedite.partner_campus_executive"
HEADER = (
    '<div id="mail_header" style="font: 13px Verdana, Arial, sans-serif; '
    'color: #454748; padding: 12px 16px; border-bottom: 1px solid #dddddd;">'
    "<div><b>From:</b> {sender}</div><div><b>To:</b> {to}</div>"
    '<div style="font-size: 15px; margin-top: 6px;"><b>{subject}</b></div></div>'
)


def _mails_to(server, ticket_id, partner_id):
    """The mails of the ticket sent to the partner, oldest first."""
    return server.search_read(
        "mail.mail",
        [
            ("model", "=", "helpdesk.ticket"),
            ("res_id", "=", ticket_id),
            ("recipient_ids", "in", [partner_id]),
        ],
        ["subject", "email_from", "body_html"],
        order="id",
    )


def _page(server, mail, to):
    """A data: URL of the mail as a mail program shows it."""
    header = HEADER.format(
        sender=html.escape(mail["email_from"] or ""),
        to=html.escape(to),
        subject=html.escape(mail["subject"] or ""),
    )
    body = mail["body_html"]
    body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + header, body, count=1)
    body = f'<base href="{server.url}/">' + body
    return "data:text/html;charset=utf-8;base64," + base64.b64encode(
        body.encode()
    ).decode("ascii")


def mail_shots(browser, server, out_dir, ticket_id, take):
    """acknowledgement-email(-executive).png, closure-summary-email(-executive).png."""
    browser.viewport(760, 2400)
    for suffix, xmlid in (("", CUSTOMER_XMLID), ("-executive", EXECUTIVE_XMLID)):
        partner_id = server.ref_id(xmlid)
        partner = server.search_read(
            "res.partner", [("id", "=", partner_id)], ["name", "email"]
        )[0]
        mails = _mails_to(server, ticket_id, partner_id)
        if len(mails) < 2:
            raise SystemExit(f"screenshots: ERROR: no mails to {partner['name']}")
        to = f"{partner['name']} <{partner['email']}>"
        for name, mail in (
            ("acknowledgement-email", mails[0]),
            ("closure-summary-email", mails[-1]),
        ):
            browser.open(_page(server, mail, to), "#mail_header")
            take(
                browser,
                out_dir,
                name + suffix,
                browser.clip(["#mail_header", "body > table"], padding=0),
            )


SUBSCRIBER_XMLID = "helpdesk_expedite.status_subscriber_student"
SUBSCRIBER_CRON_XMLID = "helpdesk_expedite.ir_cron_status_subscriber_mail"


def subscriber_mail_shot(browser, server, out_dir, public_title, take):
    """status-subscriber-email.png: the demo subscriber's mail of the
    latest public update of the incident published as ``public_title``
    (the subscriber mail cron run once; no mail is sent, none deleted)."""
    server.execute(
        "ir.cron", "method_direct_trigger", [server.ref_id(SUBSCRIBER_CRON_XMLID)]
    )
    subscriber = server.search_read(
        "helpdesk.status.subscriber",
        [("id", "=", server.ref_id(SUBSCRIBER_XMLID))],
        ["email"],
    )[0]
    mails = server.search_read(
        "mail.mail",
        [("email_to", "=", subscriber["email"]), ("subject", "ilike", public_title)],
        ["subject", "email_from", "body_html"],
        order="id",
    )
    if not mails:
        raise SystemExit("screenshots: ERROR: no mail to the demo subscriber")
    mail = mails[-1]
    # sent as is, without Odoo's notification layout: a page of its own
    body = f'<div id="mail_body" style="padding: 12px 16px;">{mail["body_html"]}</div>'
    mail["body_html"] = f"<html><body>{body}</body></html>"
    browser.viewport(760, 1200)
    browser.open(_page(server, mail, subscriber["email"]), "#mail_header")
    take(
        browser,
        out_dir,
        "status-subscriber-email",
        browser.clip(["#mail_header", "#mail_body"], padding=0),
    )
