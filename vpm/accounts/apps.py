from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vpm.accounts"
    label = "accounts"

    def ready(self):
        from allauth.mfa import signals as mfa_signals

        from .second_factor import on_authenticator_changed, on_authenticator_removed

        # Enrolment is handled in the request by vpm.accounts.views.activate_totp:
        # allauth's authenticator_added fires after commit, too late for the cookie.
        for signal in (mfa_signals.authenticator_removed, mfa_signals.authenticator_reset):
            signal.connect(on_authenticator_changed, dispatch_uid=f"vpm-end-sessions-{id(signal)}")
        mfa_signals.authenticator_removed.connect(on_authenticator_removed,
                                                  dispatch_uid="vpm-revoke-api-tokens")
