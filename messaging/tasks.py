from celery import shared_task

from .services.attachments import attachment_orphans_sweep


@shared_task
def sweep_orphan_attachment_files():
    """Beat, every hour: delete attachment files no row points at."""
    return attachment_orphans_sweep()
