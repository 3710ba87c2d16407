import json

from django.test import Client

from giamngheo.api.credentials import token_create


def token_client(user) -> Client:
    _token, raw = token_create(actor=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def body(response) -> dict | list:
    return json.loads(response.content)


def assert_error_body(response, status: int) -> dict:
    assert response.status_code == status, response.content
    data = body(response)
    assert isinstance(data["detail"], str) and data["detail"]
    assert isinstance(data["errors"], list)
    return data


def items_or_refused(response) -> list | None:
    """A list's items, or None when the caller's role lacks the endpoint's capability (403)."""
    if response.status_code == 403:
        assert_error_body(response, 403)
        return None
    return body(response)["items"]
