"""The real `Sender`: the standard library's smtplib, one connection kept for a whole pass.

Every answer of the server is sorted into the failures `delivery` understands: a 5xx refusal of
the recipient or the message is permanent; a 4xx is temporary; a server that cannot be reached,
will not do TLS or refuses our login is unavailable (each message would fail the same way).
Reasons are short and never hold the password.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from email import policy
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses
from types import TracebackType

from app.config import Settings
from app.notifications.delivery import (
    DeliveryFailed,
    OutgoingMail,
    PermanentFailure,
    ServerUnavailable,
    TemporaryFailure,
    one_line,
)

SEVEN_BIT = policy.default.clone(cte_type="7bit")


def compose(mail: OutgoingMail, *, mail_from: str, footer: str = "") -> EmailMessage:
    """The email for one outbox message: plain text, UTF-8, headers that cannot be injected."""
    # 7-bit: non-ASCII text goes quoted-printable or base64, never raw 8-bit bytes, which a
    # server that does not announce 8BITMIME may mangle.
    message = EmailMessage(policy=SEVEN_BIT)
    message["From"] = mail_from
    # Address() quotes the display name as needed; one_line() leaves no line break to inject.
    message["To"] = Address(display_name=one_line(mail.to_name), addr_spec=mail.to_address)
    message["Subject"] = one_line(mail.subject)
    message["Date"] = format_datetime(mail.date)
    message["Message-ID"] = f"<{mail.key}@{_domain(mail_from)}>"
    # RFC 3834: automatic mail; keeps out-of-office replies and auto-responders away.
    message["Auto-Submitted"] = "auto-generated"
    body = mail.body.rstrip() + (f"\n\n-- \n{footer}" if footer else "")
    message.set_content(body + "\n", charset="utf-8")
    return message


class SmtpSender:
    """Sends through one SMTP server; use as a context manager so the connection is closed."""

    def __init__(self, *, host: str, port: int, mail_from: str, username: str = "",
                 password: str = "", starttls: bool = True, implicit_tls: bool = False,
                 timeout: float = 30, footer: str = "",
                 tls_context: ssl.SSLContext | None = None) -> None:
        self.host, self.port = host, port
        self.mail_from = mail_from
        self.envelope_from = getaddresses([mail_from])[0][1]
        self.username, self._password = username, password
        self.starttls, self.implicit_tls = starttls, implicit_tls
        self.timeout = timeout
        self.footer = footer
        self.tls_context = tls_context
        self._connection: smtplib.SMTP | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpSender:
        return cls(host=settings.smtp_host, port=settings.smtp_port,
                   mail_from=settings.mail_from, username=settings.smtp_username,
                   password=settings.smtp_password, starttls=settings.smtp_starttls,
                   implicit_tls=settings.smtp_ssl, timeout=settings.smtp_timeout_seconds,
                   footer=("You can also read this message in your inbox: "
                           f"{settings.base_url.rstrip('/')}/inbox"))

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Say QUIT when the server is still there; drop the connection either way."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()

    def send(self, mail: OutgoingMail) -> None:
        try:
            message = compose(mail, mail_from=self.mail_from, footer=self.footer)
        except (ValueError, HeaderParseError) as exc:  # this message's data, not the server
            raise PermanentFailure(f"could not be put in an email: {exc}") from None
        reused = self._connection is not None
        try:
            self._send(message, mail.to_address)
        except _Disconnected:
            if not reused:
                raise
            # The server may close an idle or long-used connection between two messages
            # (nothing was accepted then): one fresh connection before calling it unavailable.
            self._send(message, mail.to_address)

    def _send(self, message: EmailMessage, to_address: str) -> None:
        connection = self._connected()
        try:
            connection.send_message(message, from_addr=self.envelope_from, to_addrs=[to_address])
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise _by_code(code, text, "recipient refused") from None
        except smtplib.SMTPSenderRefused as exc:
            # Our MAIL_FROM is refused: a setting to fix, not a fault of this message.
            self._drop()
            raise ServerUnavailable(f"sender {self.envelope_from} refused: "
                                    f"{_answer(exc.smtp_code, exc.smtp_error)}") from None
        except smtplib.SMTPDataError as exc:
            raise _by_code(exc.smtp_code, exc.smtp_error, "message refused") from None
        except smtplib.SMTPNotSupportedError:
            raise PermanentFailure("the server does not take this address (no SMTPUTF8)"
                                   ) from None
        except smtplib.SMTPResponseException as exc:
            self._drop()
            raise _by_code(exc.smtp_code, exc.smtp_error, "server answered") from None
        except smtplib.SMTPServerDisconnected as exc:
            self._drop()
            raise _Disconnected(self._describe(exc)) from None
        except (smtplib.SMTPException, OSError) as exc:  # timed out, reset
            self._drop()
            raise ServerUnavailable(self._describe(exc)) from None

    def _connected(self) -> smtplib.SMTP:
        if self._connection is not None:
            return self._connection
        connection: smtplib.SMTP | None = None
        try:
            if self.implicit_tls:
                connection = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                              context=self._tls())
            else:
                connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            connection.ehlo()
            if self.starttls and not self.implicit_tls:
                if not connection.has_extn("starttls"):
                    # Never fall back to plain text: the login and the mail would travel open.
                    raise ServerUnavailable(f"{self.host}:{self.port} does not offer STARTTLS "
                                            "(SMTP_STARTTLS=false only for a trusted relay)")
                connection.starttls(context=self._tls())
                connection.ehlo()
            if self.username:
                connection.login(self.username, self._password)
        except DeliveryFailed:
            _close_quietly(connection)
            raise
        except smtplib.SMTPAuthenticationError as exc:
            _close_quietly(connection)
            raise ServerUnavailable(f"login as {self.username} refused ({exc.smtp_code})"
                                    ) from None
        except smtplib.SMTPResponseException as exc:
            _close_quietly(connection)
            raise ServerUnavailable(f"{self.host}:{self.port} answered "
                                    f"{_answer(exc.smtp_code, exc.smtp_error)}") from None
        except (smtplib.SMTPException, OSError) as exc:
            _close_quietly(connection)
            raise ServerUnavailable(self._describe(exc)) from None
        self._connection = connection
        return connection

    def _tls(self) -> ssl.SSLContext:
        return self.tls_context or ssl.create_default_context()

    def _drop(self) -> None:
        _close_quietly(self._connection)
        self._connection = None

    def _describe(self, exc: BaseException) -> str:
        where = f"{self.host}:{self.port}"
        if isinstance(exc, ConnectionRefusedError):
            return f"{where} refused the connection"
        if isinstance(exc, TimeoutError):  # socket.timeout is TimeoutError
            return f"{where} did not answer within {self.timeout:g} s"
        if isinstance(exc, socket.gaierror):
            return f"{self.host} not found"
        if isinstance(exc, ssl.SSLError):
            return f"TLS with {where} failed: {exc.reason or exc.__class__.__name__}"
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            return f"{where} closed the connection"
        return f"{where}: {exc.__class__.__name__} {getattr(exc, 'strerror', '') or ''}".strip()


class _Disconnected(ServerUnavailable):
    """The server had closed the connection before we spoke."""


def _by_code(code: int, text: bytes | str, what: str) -> DeliveryFailed:
    answer = f"{what}: {_answer(code, text)}"
    return PermanentFailure(answer) if 500 <= code < 600 else TemporaryFailure(answer)


def _answer(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {one_line(text)}"[:200]


def _domain(mail_from: str) -> str:
    return getaddresses([mail_from])[0][1].rpartition("@")[2] or "localhost"


def _close_quietly(connection: smtplib.SMTP | None) -> None:
    if connection is not None:
        try:
            connection.close()
        except OSError:
            pass
