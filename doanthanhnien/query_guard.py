"""No number in a query string reaches the database beyond what it can hold.

The portal's own pages read their parameters through forms (``doanthanhnien.filters``), but
the Django admin's change lists turn any field lookup in the query string into a filter: a
30-digit id there made SQLite raise OverflowError (a 500). For an admin address whose query
string holds a whole number outside the signed 64-bit range, this middleware does what the
admin does with any other impossible filter: back to the list with "?e=1" (the admin's
"invalid filter" notice).
"""

import re

from django.http import HttpResponseRedirect

from .filters import MAX_ID

_WHOLE_NUMBER = re.compile(r"^\s*[-+]?\d+\s*$")
# Longer than this is out of range whatever its digits (and not worth converting).
_MAX_DIGITS = len(str(MAX_ID))


def _out_of_range(value: str) -> bool:
    if not _WHOLE_NUMBER.match(value):
        return False
    digits = value.strip().lstrip("+-")
    return len(digits) > _MAX_DIGITS or abs(int(value)) > MAX_ID


class QueryNumberGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/") and request.GET.get("e") != "1":
            for key, values in request.GET.lists():
                if key == "q":  # the search box: text, matched against text fields
                    continue
                # A list filter's comma-separated ids count one by one.
                if any(_out_of_range(part) for value in values for part in value.split(",")):
                    return HttpResponseRedirect(request.path + "?e=1")
        return self.get_response(request)
