class VietnameseFirstMiddleware:
    """Vietnamese unless the person picked another language with the switch.

    Many office PCs and phones run an English browser; the union works in Vietnamese, so the
    browser's Accept-Language header is ignored and only the language cookie counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
