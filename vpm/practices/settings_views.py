"""The practice settings page (managers)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .access import manager_required
from .services import practice_settings_update
from .settings_forms import PracticeSettingsForm


@never_cache
@manager_required
@require_http_methods(["GET", "POST"])
def practice_settings(request, practice_slug):
    form = PracticeSettingsForm(request.POST if request.method == "POST" else None,
                                instance=request.practice)
    if request.method == "POST" and form.is_valid():
        changed = practice_settings_update(practice=request.practice, actor=request.user,
                                           data=form.cleaned_data)
        messages.success(request, f"Saved: {', '.join(changed)}." if changed
                         else "Nothing changed.")
        return redirect("practice_settings", practice_slug=practice_slug)
    if form.is_bound:
        request.practice.refresh_from_db()  # the bound form changed it in memory
    return render(request, "practices/settings.html", {
        "form": form, "closed_days_url": _closed_days_url(practice_slug),
    }, status=400 if form.errors else 200)


def _closed_days_url(practice_slug):
    """The queue's closed-days page (holidays), if that app provides it."""
    try:
        return reverse("queue_closed_days", args=[practice_slug])
    except NoReverseMatch:
        return None
