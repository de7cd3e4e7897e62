"""Files attached to an outgoing email, contributed by the app that owns the message.

The core never imports a workflow app, so a workflow registers a function for
its templates in its AppConfig.ready():

    register_attachments("appointment_", appointment_attachments)

`appointment_attachments(message) -> [(filename, content_bytes, mimetype)]` is
called when the email is sent (so a calendar invite carries the visit's time
as it is then). A provider that raises is logged; the email goes without it.
"""

import logging

logger = logging.getLogger(__name__)

_providers: dict[str, object] = {}


def register_attachments(template_prefix: str, provider) -> None:
    _providers[template_prefix] = provider


def attachments_for(message) -> list[tuple[str, bytes, str]]:
    for prefix, provider in _providers.items():
        if message.template.startswith(prefix):
            try:
                return list(provider(message))
            except Exception as error:  # noqa: BLE001 - an attachment must not stop the email
                logger.warning("attachments for message %s failed: %s", message.pk,
                               error.__class__.__name__)
    return []
