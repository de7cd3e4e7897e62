from django.urls import path

from . import views

urlpatterns = [
    path("access-report/", views.access_report, name="access_report"),
]
