from vpm.queue.models import Status, WorkItem

HOME_LIST_SIZE = 50


def home_items(*, practice, user, team):
    """The staff home: my claimed items, and my team's items nobody has claimed yet."""
    queue = WorkItem.objects.for_queue(practice)
    mine = queue.filter(owner=user)[:HOME_LIST_SIZE]
    team_open = queue.filter(team=team, status=Status.OPEN)[:HOME_LIST_SIZE] if team else []
    return mine, team_open
