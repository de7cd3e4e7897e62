"""Scheduling test data: visit types, provider templates, times relative to today."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from scheduling.models import TemplateBlock, VisitType
from vpm.practices.models import Membership


class VisitTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitType
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Visit type {n}")
    duration_minutes = 30
    modality = "video"


def provider_membership(practice, user) -> Membership:
    return Membership.objects.get(practice=practice, user=user)


def weekly_template(practice, membership, visit_types, *, weekdays=range(5),
                    start=time(9), end=time(12), modality="video", valid_from=None):
    """The same block every chosen weekday, accepting `visit_types`."""
    blocks = []
    for weekday in weekdays:
        block = TemplateBlock.objects.create(
            practice=practice, provider=membership, weekday=weekday, start_time=start,
            end_time=end, modality=modality, valid_from=valid_from or date(2020, 1, 1))
        block.visit_types.set(visit_types)
        blocks.append(block)
    return blocks


def next_weekday(weekday, *, after=None, weeks_ahead=1) -> date:
    """A date on `weekday` at least `weeks_ahead` weeks after today (practice-agnostic)."""
    start = (after or timezone.now().date()) + timedelta(days=7 * weeks_ahead)
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def local(practice, day, hour, minute=0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(practice.timezone))


def dst_changes(zone_name, *, after=None, days=400) -> list[date]:
    """The next days on which the zone's UTC offset changes (spring and fall)."""
    zone = ZoneInfo(zone_name)
    day = after or timezone.now().date()
    changes = []
    for _ in range(days):
        today = datetime.combine(day, time(12), tzinfo=zone).utcoffset()
        tomorrow = datetime.combine(day + timedelta(days=1), time(12), tzinfo=zone).utcoffset()
        if today != tomorrow:
            changes.append(day + timedelta(days=1))
        day += timedelta(days=1)
    return changes
