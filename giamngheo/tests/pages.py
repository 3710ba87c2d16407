"""What a person sees on a page: its visible text, its heading, one region of it.

Tests that look only at a status code pass on a page that renders the wrong thing; these
helpers let a test say what the page shows instead, without depending on markup details.
"""

from html.parser import HTMLParser
from typing import Any

from django.utils import translation

# Elements without an end tag: they never open a region.
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
_HIDDEN = {"script", "style", "template", "title"}


class _Text(HTMLParser):
    """Collects the text a reader sees, optionally only inside one element."""

    def __init__(self, *, element_id: str | None = None, tag: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.element_id, self.tag = element_id, tag
        self.depth = 0  # > 0 while inside the wanted element
        self.hidden = 0
        self.found = element_id is None and tag is None
        self.parts: list[str] = []
        self.regions: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        if tag in _HIDDEN:
            self.hidden += 1
        if self.depth:
            self.depth += 1
        elif (self.element_id is not None and dict(attrs).get("id") == self.element_id) or (
            self.tag is not None and tag == self.tag
        ):
            self.depth, self.found = 1, True

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if tag in _HIDDEN and self.hidden:
            self.hidden -= 1
        if self.depth:
            self.depth -= 1
            if not self.depth:
                self.regions.append(" ".join(self.parts))
                self.parts = []

    def close(self) -> None:
        super().close()
        if self.depth:  # an element left open (HTML allows it) runs to the end of the page
            self.regions.append(" ".join(self.parts))
            self.parts = []

    def handle_data(self, data: str) -> None:
        if self.hidden or not (self.depth or (self.element_id is None and self.tag is None)):
            return
        if data.strip():
            self.parts.append(" ".join(data.split()))


def _html(page: Any) -> str:
    return page if isinstance(page, str) else page.content.decode()


def page_text(page: Any, *, within: str | None = None) -> str:
    """The visible text of a response (or HTML string), or of the element whose id is `within`.

    Fails the test when `within` names no element, so a renamed region cannot make a
    "not in" assertion pass by accident.
    """
    parser = _Text(element_id=within)
    parser.feed(_html(page))
    parser.close()
    assert parser.found, f"no element with id={within!r} on the page"
    return " ".join(parser.regions) if within else " ".join(parser.parts)


def headings(page: Any, tag: str = "h1") -> list[str]:
    """The text of each heading of the given level, in page order."""
    parser = _Text(tag=tag)
    parser.feed(_html(page))
    parser.close()
    return parser.regions


def assert_refused(response: Any, status: int, *hidden: str) -> str:
    """The response refuses with `status` and shows none of `hidden`; returns its visible text.

    `hidden` should be what the page would show if it were allowed (the other commune's
    household code, a unit's name), so the check fails if the data leaks.
    """
    assert response.status_code == status, (response.status_code, response.content[:300])
    text = page_text(response)
    for value in hidden:
        assert value not in text, f"{value!r} is shown on a {status} page"
    return text


def assert_not_found(response: Any, *hidden: str) -> str:
    """The site's own "page not found" page, in the response's language, showing none of `hidden`."""
    text = assert_refused(response, 404, *hidden)
    with translation.override(response["Content-Language"]):
        expected = translation.gettext("Page not found")
    assert headings(response) == [expected], headings(response)
    return text
