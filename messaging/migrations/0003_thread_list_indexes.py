"""Indexes for the staff thread list at scale: the open list and its count read
only open threads; the filter counts come from an index alone. Built
concurrently, so a live practice keeps writing messages meanwhile."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('messaging', '0002_threads_messages'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='thread',
            index=models.Index(condition=models.Q(('merged_into__isnull', True), ('status__in', ['open', 'waiting'])), fields=['practice', 'urgency_rank', '-last_message_at', 'id'], name='thread_open_list_idx'),
        ),
        AddIndexConcurrently(
            model_name='thread',
            index=models.Index(fields=['practice', 'status'], include=('patient',), name='thread_counts_idx'),
        ),
    ]
