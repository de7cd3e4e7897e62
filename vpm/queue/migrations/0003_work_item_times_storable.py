import datetime
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('queue', '0002_clock_sla_notices'),
    ]

    operations = [
        # A row stored before this check (year 10000 from a far-future snooze)
        # cannot be read back by psycopg; bring it back into the queue now.
        migrations.RunSQL(
            """
            UPDATE queue_workitem SET snoozed_until = now()
             WHERE snoozed_until < '1900-01-01' OR snoozed_until >= '2100-01-01';
            UPDATE queue_workitem SET due_at = now()
             WHERE due_at < '1900-01-01' OR due_at >= '2100-01-01';
            """,
            migrations.RunSQL.noop,
        ),
        migrations.AddConstraint(
            model_name='workitem',
            constraint=models.CheckConstraint(condition=models.Q(('due_at__gte', datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)), ('due_at__lt', datetime.datetime(2100, 1, 1, 0, 0, tzinfo=datetime.timezone.utc))), name='work_item_due_at_storable'),
        ),
        migrations.AddConstraint(
            model_name='workitem',
            constraint=models.CheckConstraint(condition=models.Q(('snoozed_until__isnull', True), models.Q(('snoozed_until__gte', datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)), ('snoozed_until__lt', datetime.datetime(2100, 1, 1, 0, 0, tzinfo=datetime.timezone.utc))), _connector='OR'), name='work_item_snoozed_until_storable'),
        ),
    ]
