"""Email to staff: through GOV.UK Notify where the council has a key
(``WAYMARK_NOTIFY_API_KEY``, ``notifications-python-client``), else through the
council's SMTP server (``WAYMARK_SMTP_*``). Callers never put what a young person wrote
in an email: only that something is waiting and where to read it.

Notify's email template must have ``((subject))`` as its subject and ``((body))`` as
its message; the text-message template ``((body))``.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from typing import Any

from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from waymark.errors import described


class NotSent(RuntimeError):
    """The message did not go (no way to send it, or the service refused it); the
    job that sends it retries."""


def send_email(settings: Any, *, to: list[str], subject: str, body: str, message_id: str | None = None) -> None:
    """Send one email to each address. ``message_id`` is stable for one message: the
    SMTP Message-ID, and Notify's ``reference``, so a job run twice (a crash between
    sending and recording it done) sends a duplicate that can be recognised."""
    if settings.notify_api_key is not None:
        client = notify_client(settings)
        for address in to:
            try:
                client.send_email_notification(
                    email_address=address,
                    template_id=settings.notify_email_template_id,
                    personalisation={"subject": subject, "body": body},
                    reference=message_id,
                )
            except HTTPError as exc:
                raise NotSent(f"GOV.UK Notify refused the email: {exc.status_code} {described(exc)}") from None
        return
    if not settings.smtp_host:
        raise NotSent("no way to send email: set WAYMARK_NOTIFY_API_KEY or WAYMARK_SMTP_HOST")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.smtp_from, ", ".join(to), subject
    if message_id:
        message["Message-ID"] = message_id
    message.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)


def notify_client(settings: Any) -> NotificationsAPIClient:
    return NotificationsAPIClient(
        settings.notify_api_key.get_secret_value(), base_url=settings.notify_base_url, timeout=10
    )
