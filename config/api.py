"""API conventions shared by every endpoint: pagination and JSON errors with field messages."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc, context):
    """Turn every error into JSON: `{"detail": ..., "errors": {field: [messages]}}`.

    Domain errors raised by services (Django's ValidationError) become HTTP 400 with their field
    messages instead of a 500; a 404 never says whether the record exists but is out of scope.
    """
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                # Model-wide (constraint) errors come keyed "__all__": name them as DRF does.
                ("non_field_errors" if field == NON_FIELD_ERRORS else field): [str(m) for m in messages]
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": [str(m) for m in exc.messages]}
        exc = exceptions.ValidationError(detail)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        data = response.data
        if isinstance(data, list):
            data = {"non_field_errors": data}
        response.data = {"detail": "The request has errors.", "errors": data}
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    return response


def validated_data(request, serializer_class, **kwargs) -> dict:
    """The request body checked by `serializer_class` (HTTP 400 with field messages when it is not valid), as a
    plain dict for a service call. Every write endpoint parses its input this way before calling its service."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
