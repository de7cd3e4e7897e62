from celery import shared_task

from . import notices


@shared_task
def send_due_reminders():
    """Beat, every minute: queue every reminder whose time has come."""
    return notices.reminders_send_due()
