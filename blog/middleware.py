from .errors import database_unavailable, is_database_unavailable, method_not_allowed


class DatabaseUnavailableMiddleware:
    """Turn "the database is not answering" into a friendly 503 with Retry-After.

    Errors raised in a view become the 503 here; errors raised in other middleware reach
    `blog.errors.server_error` (handler500), which gives the same page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return database_unavailable(request)
        return None


class MethodNotAllowedPageMiddleware:
    """Give Django's empty 405 answers a page naming the methods the address accepts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not response.streaming
            and not response.content
            and response.has_header("Allow")
        ):
            return method_not_allowed(request, response["Allow"])
        return response
