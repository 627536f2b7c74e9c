from django.contrib.auth.backends import ModelBackend

from engagement.accounts.models import User


class ProfileBackend(ModelBackend):
    """Django's own sign-in, loading an officer's profile with the account: every
    visibility query asks for the officer's unit, and this way it costs no query."""

    def get_user(self, user_id):
        user = User._default_manager.select_related("officer_profile").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
