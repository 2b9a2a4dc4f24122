"""Request hygiene shared by every page and API."""

from django.http import HttpResponseBadRequest, JsonResponse


class RejectNullCharactersMiddleware:
    """Answer 400 to a request whose path or query string holds a NUL character.

    PostgreSQL cannot store or compare strings containing NUL, so such a value reaching a query would
    raise an error (a 500) instead of a clear "bad request". Form and API fields already refuse NUL in
    bodies (Django's ProhibitNullCharactersValidator); this covers URLs and query parameters.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query_values = (value for values in request.GET.lists() for value in values[1])
        if "\x00" in request.path or any("\x00" in value for value in query_values):
            message = "The address contains a character that is not allowed."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)
