from django.urls import path

from . import actions, manage, views

urlpatterns = [
    path("", views.staff_home, name="staff_home"),
    path("queue/poll/", views.queue_poll, name="queue_poll"),
    path("queue/teams/", manage.team_view, name="queue_teams"),
    path("queue/teams/reassign/", manage.bulk_reassign, name="queue_bulk_reassign"),
    path("queue/teams/<str:team>/auto-assign/", manage.team_auto_assign,
         name="queue_team_auto_assign"),
    path("queue/people/<int:membership_id>/", manage.person_capacity, name="queue_person"),
    path("queue/availability/", manage.my_availability, name="queue_my_availability"),
    path("queue/settings/", manage.queue_settings, name="queue_settings"),
    path("queue/closed-days/", manage.closed_days, name="queue_closed_days"),
    path("queue/closed-days/<int:closed_day_id>/delete/", manage.closed_day_delete,
         name="queue_closed_day_delete"),
    path("queue/notices/read/", manage.notices_read, name="queue_notices_read"),
    path("items/<int:item_id>/", actions.item_panel, name="work_item_panel"),
    path("items/<int:item_id>/claim/", actions.claim, name="work_item_claim"),
    path("items/<int:item_id>/release/", actions.release, name="work_item_release"),
    path("items/<int:item_id>/take-over/", actions.take_over, name="work_item_take_over"),
    path("items/<int:item_id>/assign/", actions.assign, name="work_item_assign"),
    path("items/<int:item_id>/snooze/", actions.snooze, name="work_item_snooze"),
    path("items/<int:item_id>/wait/", actions.wait, name="work_item_wait"),
    path("items/<int:item_id>/resume/", actions.resume, name="work_item_resume"),
    path("items/<int:item_id>/close/", actions.close, name="work_item_close"),
]
