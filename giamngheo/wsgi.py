import os
from collections.abc import Callable, Iterable

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giamngheo.settings")

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def without_head_bodies(app: WSGIApp) -> WSGIApp:
    """A HEAD response carries headers only (RFC 9110 §9.3.2).

    Django's handler returns the GET body for HEAD and leaves dropping it to the server; a server
    that sends it anyway breaks keep-alive clients such as ODK Collect, which then read the stray
    body as the next status line.
    """

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        result = app(environ, start_response)
        if environ.get("REQUEST_METHOD") != "HEAD":
            return result
        # Django has called start_response already; closing sends request_finished.
        close = getattr(result, "close", None)
        if close is not None:
            close()
        return []

    return application


application = without_head_bodies(get_wsgi_application())
