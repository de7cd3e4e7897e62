"""Two people claim one item at the same moment, on two real database connections."""

import threading

import pytest
from django.db import connection

from tests.factories import WorkItemFactory
from vpm.queue.models import WorkItem
from vpm.queue.services import WorkItemError, work_item_claim


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_claims_exactly_one_wins(practice, staff, colleague):
    item = WorkItemFactory(practice=practice)
    barrier = threading.Barrier(2)
    results = {}

    def claim(user):
        try:
            barrier.wait()
            work_item_claim(item=WorkItem.objects.get(pk=item.pk), user=user)
            results[user.pk] = "won"
        except WorkItemError:
            results[user.pk] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(u,)) for u in (staff, colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results.values()) == ["refused", "won"]
    winner = next(pk for pk, result in results.items() if result == "won")
    assert WorkItem.objects.get(pk=item.pk).owner_id == winner
