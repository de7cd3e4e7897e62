"""Demo data for messaging: every topic in both languages, a refill in each
status, an emergency, a merged pair; seeding twice adds nothing."""

import pytest

from messaging.models import OnCallAlert, RefillRequest, Thread
from vpm.demo.seed import seed_demo
from vpm.practices.models import Practice

pytestmark = pytest.mark.django_db


def test_demo_conversations_cover_every_topic_status_and_case():
    seed_demo()
    for practice in Practice.objects.all():
        threads = Thread.objects.for_practice(practice)
        pairs = set(threads.values_list("topic", "language"))
        topics = {topic for topic, _ in pairs}
        assert {"scheduling", "refill", "test_result", "records", "billing", "referral",
                "tech_support", "clinical_question"} <= topics
        assert {language for _, language in pairs} == {"en", "es"}
        statuses = set(RefillRequest.objects.for_practice(practice).values_list("status",
                                                                               flat=True))
        assert statuses == {s for s, _ in RefillRequest.Status.choices}
        assert threads.filter(urgency="emergency").exists()
        assert OnCallAlert.objects.for_practice(practice).exists()
        assert threads.filter(status="merged", merged_into__isnull=False).exists()
        assert threads.filter(patient__isnull=True).exists()


def test_seeding_twice_adds_no_conversations():
    seed_demo()
    count = Thread.objects.count()
    seed_demo()
    assert Thread.objects.count() == count
