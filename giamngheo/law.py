"""The law as the reader reads it: citations and standards named in the page's language.

The data cite in one compact English form ("Decision 24/2021/QĐ-TTg, Art. 4(3)");
`giamngheo.standards.citations` turns that into the Vietnamese officials write ("khoản 3 Điều 4
Quyết định số 24/2021/QĐ-TTg"). This module only asks Django which language is active, so that
every message, page and template filter cites through one door; official documents are always
Vietnamese and call the standards functions with ``"vi"`` themselves.
"""

from django.utils.functional import lazy
from django.utils.translation import get_language

from giamngheo.standards import available_standards, load_standard
from giamngheo.standards.citations import cite, standard_instrument, standard_name


def language() -> str:
    """``"vi"`` or ``"en"``: the active language, as gettext sees it (``get_language`` is None
    when translation is switched off, e.g. by makemigrations: the English msgids then show)."""
    return "vi" if (get_language() or "en").startswith("vi") else "en"


def cited(text: str, lang: str | None = None) -> str:
    """A citation in the reader's language: Vietnamese from the data, English unchanged."""
    return cite(text, lang or language())


def _cited_message(message: object, citations: dict[str, str]) -> str:
    return str(message) % {name: cited(text) for name, text in citations.items()}


def cited_message(message: object, **citations: str) -> str:
    """A lazy message whose ``%(name)s`` placeholders are citations, read in the reader's
    language when shown: ``cited_message(_("… (%(law)s)"), law="Decree 30/2020/NĐ-CP")``.

    Outside translation (makemigrations) it reads as English, so a field's help text written this
    way deconstructs to the same string as before."""
    return lazy(_cited_message, str)(message, citations)


def standard_named(standard_id: str, lang: str | None = None) -> str:
    """A stored standard id ("vn-2022") as its title and decree; an unknown id stays as stored."""
    if standard_id not in available_standards():
        return standard_id
    return standard_name(load_standard(standard_id), lang or language())


def standard_instrument_named(standard_id: str, lang: str | None = None) -> str:
    """The instrument that issues a stored standard ("Nghị định số 07/2021/NĐ-CP"), or ""."""
    if standard_id not in available_standards():
        return ""
    return standard_instrument(load_standard(standard_id), lang or language())
