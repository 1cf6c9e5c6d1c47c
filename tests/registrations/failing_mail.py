"""An email backend whose server refuses one address (beto@...), as a real SMTP server refuses a
recipient: the others are delivered to Django's test outbox."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FailForSomeBackend(EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            if any(address.startswith("beto@") for address in message.to):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such user")})
        return super().send_messages(messages)
