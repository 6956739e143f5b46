"""The authentication backend: Django's ModelBackend, loading the user with its union.

Every page reads ``request.user.unit`` (the menu, the scoping of each query), which was a second
query on every request after the user's own; here it comes in the same query.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("unit").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
