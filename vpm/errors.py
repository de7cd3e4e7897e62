"""Error pages (403, 404, 500) that keep the layout and offer a way back.

A patient page (`/p/<slug>/portal/...`) gets the portal layout in the
patient's language with the practice's help contact; every other page gets
the staff layout. The 500 page reads nothing from the database if it cannot:
the error may be the database itself.
"""

import logging
import re

from django.http import HttpResponse
from django.template import loader
from django.utils import translation

logger = logging.getLogger(__name__)
PORTAL_PATH = re.compile(r"^/p/(?P<slug>[-a-zA-Z0-9_]+)/portal/")


def _portal_practice(request):
    match = PORTAL_PATH.match(request.path)
    if not match:
        return None, False
    practice = getattr(request, "practice", None)
    if practice is None:
        try:
            from vpm.practices.models import Practice

            practice = Practice.objects.filter(slug=match["slug"]).first()
        except Exception:  # noqa: BLE001 - the database may be why we are here
            logger.warning("error page without practice: database unavailable")
            practice = None
    return practice, True


def _render(request, status, *, use_context=True):
    practice, is_portal = _portal_practice(request)
    if is_portal:
        if getattr(request, "portal", None) is None and practice is not None:
            # Not yet known as a patient: their choice on this browser, else the practice's.
            session = getattr(request, "session", None)
            chosen = session.get("portal_language") if session is not None else None
            translation.activate(chosen or practice.default_language)
        template = f"portal/errors/{status}.html"
    else:
        translation.activate("en")  # staff pages are in English
        template = f"errors/{status}.html"
    # Staff pages take the practice and membership from the context processor.
    context = {"practice": practice, "status": status} if is_portal else {"status": status}
    body = loader.get_template(template).render(context, request if use_context else None)
    return HttpResponse(body, status=status)


def permission_denied(request, exception=None):
    return _render(request, 403)


def page_not_found(request, exception=None):
    return _render(request, 404)


def server_error(request):
    try:
        return _render(request, 500)
    except Exception:  # noqa: BLE001 - never fail while reporting a failure
        logger.exception("error page failed; answering plain 500")
        return HttpResponse(loader.get_template("errors/500_plain.html").render(), status=500)


def favicon(request):
    from django.contrib.staticfiles import finders

    path = finders.find("vpm/favicon.ico")
    with open(path, "rb") as icon:
        response = HttpResponse(icon.read(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
