from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The patient portal (core: workflows import it; it never imports them)."""

    name = "vpm.portal"
    label = "portal"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.urls import reverse

        from vpm.patients.merge_registry import register_patient_reference

        from . import merge, providers
        from .registry import register_link_purpose, register_status_provider

        user_logged_in.connect(_signed_in, dispatch_uid="portal-signed-in")
        register_status_provider(providers.contact_details)
        register_status_provider(providers.open_work)
        # A merge keeps one account per person and folds the lock state (see merge.py).
        register_patient_reference("portal.PortalAccount",
                                   before_move=merge.portal_account_resolve_merge,
                                   forecast=merge.portal_account_merge_forecast,
                                   stays=merge.SWITCHED_OFF)
        register_patient_reference("portal.PortalState",
                                   before_move=merge.portal_state_resolve_merge)
        register_patient_reference("portal.PortalLink")
        register_patient_reference("portal.PortalLinkFailure")

        def portal_path(name):
            return lambda link: reverse(name, args=[link.practice.slug])

        register_link_purpose("status", landing=portal_path("portal_home"))
        register_link_purpose("contact", landing=portal_path("portal_contact"))
        register_link_purpose("account_invitation", landing=portal_path("portal_set_password"))
        register_link_purpose("password_reset", landing=portal_path("portal_set_password"))


def _signed_in(sender, request, user, **kwargs):
    from .access import mark_signed_in

    if request is not None and hasattr(request, "session"):
        mark_signed_in(request)
