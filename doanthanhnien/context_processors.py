from django.conf import settings

from .scoping import Perm, user_may


def portal(request):
    user = getattr(request, "user", None)
    nav = {}
    if user is not None and user.is_authenticated:
        nav = {
            "may_review": user_may(user, Perm.REVIEW),
            "may_recognise": user_may(user, Perm.RECOGNISE),
            "may_manage": user_may(user, Perm.MANAGE),
            "may_edit": user_may(user, Perm.EDIT),
            "is_admin": user.is_staff or user.is_superuser,
        }
    return {"nav": nav, "DEBUG": settings.DEBUG}
