from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Staff join by invitation (vpm.practices) and patients are enrolled
        # by their practice; there is no open sign-up.
        return False

    def get_login_redirect_url(self, request):
        return reverse("home")
