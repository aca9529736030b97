"""Handing an e-mail to the mail server once: the SMTP backend with a hand-over point.

Whether a mail server has a message is decided by one line: the ``.`` that ends its data. Until
the server reads it, a conversation that breaks off delivers nothing (the server discards an
unfinished message); once it has read it, the server has the message, whether or not its
answer ever comes back. So the caller records "sent" in the database just before that line is
written (``hand_over``): a sender that dies before the record leaves a message that was never
delivered and may be sent again; one that dies after it has sent it. The one moment that can
still lose a message is the instant between the record's commit and the line's write, which
``hand_over`` keeps as short as it can: it is given ``end_data`` and calls it as soon as its
commit is on its way (see ``requests_app.notifications``).

Other backends (the console in development, the test outbox) have no such point: the record is
made, then the message is sent.
"""

import re
import smtplib
from collections.abc import Callable

from django.core.mail import EmailMessage
from django.core.mail.backends import smtp

# hand_over(end_data): record the message as sent and call end_data() once, as soon as the
# record is committed (or its commit on its way); or return False, without calling it, if the
# message must not be sent.
HandOver = Callable[[Callable[[], None]], bool]


class HandOverRefused(Exception):
    """The caller would not record the message as sent: nothing was delivered."""


class _HandOverMixin:
    """``smtplib.SMTP.data`` with the caller's record made just before the final ``.``."""

    hand_over: HandOver | None = None

    def data(self, msg):
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        body = re.sub(rb"(?m)^\.", b"..", msg)  # RFC 5321 4.5.2, as smtplib does
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        self.send(body)
        ended = []

        def end_data():
            self.send(b".\r\n")
            ended.append(True)

        if self.hand_over is not None and not self.hand_over(end_data):
            # In DATA there is no way to cancel but to hang up before the final line.
            self.close()
            raise HandOverRefused
        if not ended:
            end_data()
        return self.getreply()


class HandOverSMTP(_HandOverMixin, smtplib.SMTP):
    pass


class HandOverSMTP_SSL(_HandOverMixin, smtplib.SMTP_SSL):
    pass


class EmailBackend(smtp.EmailBackend):
    @property
    def connection_class(self):
        return HandOverSMTP_SSL if self.use_ssl else HandOverSMTP

    def send_handed_over(self, message: EmailMessage, hand_over: HandOver) -> bool:
        """Send one message over the open connection; ``False`` if ``hand_over`` declined."""
        if self.connection is None:
            self.open()
        self.connection.hand_over = hand_over
        try:
            self._send(message)
        except HandOverRefused:
            self.connection = None  # hung up; the next message opens a new connection
            return False
        finally:
            if self.connection is not None:
                self.connection.hand_over = None
        return True


def send_once(backend, message: EmailMessage, hand_over: HandOver) -> bool:
    """Send ``message``, calling ``hand_over`` (which records it as sent) at the moment that
    decides delivery; ``False``, and nothing sent, if ``hand_over`` returns ``False``."""
    if isinstance(backend, EmailBackend):
        return backend.send_handed_over(message, hand_over)
    backend.open()  # a backend that cannot connect fails before anything is recorded
    return hand_over(lambda: backend.send_messages([message]))
