"""Sessions end after SESSION_COOKIE_AGE of inactivity without a database write per page view.

Django keeps a session alive while it is used only with SESSION_SAVE_EVERY_REQUEST, which
rewrites the session row (BEGIN, UPDATE, COMMIT and a WAL flush) on every request. This
middleware saves it only when its expiry was last pushed forward more than
SESSION_REFRESH_SECONDS ago, so a session ends between SESSION_COOKIE_AGE minus that interval
and SESSION_COOKIE_AGE after the last page view.
"""

from django.conf import settings
from django.utils import timezone

# When the session's expiry was last pushed forward (seconds since the epoch).
REFRESHED_AT = "_refreshed_at"


class SessionRefreshMiddleware:
    """Goes right after SessionMiddleware, whose response phase saves what is marked here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only sessions the page used (a logged-in page reads the user from it; /healthz does
        # not), and never a new one for an anonymous visitor.
        if session is None or not session.accessed or session.is_empty():
            return response
        now = int(timezone.now().timestamp())
        refreshed_at = session.get(REFRESHED_AT)
        stale = (
            not isinstance(refreshed_at, int)
            or not 0 <= now - refreshed_at < settings.SESSION_REFRESH_SECONDS
        )
        # A session saved anyway (a log-in, a message) carries the new time for free.
        if stale or session.modified:
            session[REFRESHED_AT] = now
        return response


def stamp_on_login(sender, request, user, **kwargs):
    """A log-in writes the session anyway: stamp it then, so the first page view after it does
    not write it again (connected in ``apps.py``)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[REFRESHED_AT] = int(timezone.now().timestamp())
