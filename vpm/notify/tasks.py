from celery import shared_task

from . import services


@shared_task(acks_late=True)
def send_outbound_message(message_id: int):
    services.message_send(message_id=message_id)


@shared_task
def send_due_messages():
    return services.messages_send_due()
