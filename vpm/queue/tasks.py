from celery import shared_task

from . import services


@shared_task
def flag_overdue_work_items():
    return services.work_items_flag_overdue()


@shared_task
def wake_snoozed_work_items():
    return services.work_items_wake_snoozed()


@shared_task
def escalate_overdue_work_items():
    return services.work_items_escalate()


@shared_task
def auto_assign_work_items():
    from .assignment import work_items_auto_assign_waiting

    return work_items_auto_assign_waiting()
