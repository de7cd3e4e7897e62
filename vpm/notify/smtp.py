"""Django's SMTP backend, told apart before and after the message is handed over.

A failure before the DATA command (connection refused, a server that never
greets, sender or recipient refused) means the server does not have the
message: sending it again is safe. Once DATA is under way the server may have
the whole message even if the connection then drops before it confirms; a
second attempt could reach the patient twice (it did: five copies). From that
point anything but the server's own refusal raises `DeliveryUnknown`, and a
person checks before resending.
"""

import smtplib

from django.core.mail.backends.smtp import EmailBackend as DjangoEmailBackend

from .backends import DeliveryUnknown


class _TracksHandover:
    data_started = False

    def data(self, msg):
        self.data_started = True
        return super().data(msg)


class _SMTP(_TracksHandover, smtplib.SMTP):
    pass


class _SMTPSSL(_TracksHandover, smtplib.SMTP_SSL):
    pass


class EmailBackend(DjangoEmailBackend):
    @property
    def connection_class(self):
        return _SMTPSSL if self.use_ssl else _SMTP

    def _send(self, email_message):
        try:
            return super()._send(email_message)
        except smtplib.SMTPDataError:
            raise  # the server answered and refused: it does not have the message
        except BaseException as error:  # noqa: BLE001 - includes Celery's soft time limit
            if getattr(self.connection, "data_started", False):
                raise DeliveryUnknown(
                    f"the email server may have the message ({error.__class__.__name__} "
                    "after it was handed over)") from error
            raise
