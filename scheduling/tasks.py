from celery import shared_task

from . import checks, notices, waitlist


@shared_task
def send_due_reminders():
    """Beat, every minute: queue every reminder whose time has come."""
    return notices.reminders_send_due()


@shared_task
def run_pre_visit_checks():
    """Beat, every 5 minutes: unverified channels and insurance before visits."""
    return checks.checks_sweep()


@shared_task
def run_waitlist_sweep():
    """Beat, every minute: expire offers; offer still-free times to the next patients."""
    return waitlist.waitlist_sweep()
