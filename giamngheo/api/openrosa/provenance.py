"""Where a kept submission came from: the form's start and end times and the GPS reading.

Read from the XML as received, leniently: these are shown to staff, never applied, so a value
that cannot be read is simply left out.
"""

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from defusedxml import ElementTree as DefusedET

from giamngheo.api.openrosa.questionnaire_a import FORM_ID as FORM_ID_A


@dataclass(frozen=True)
class Origin:
    form: str  # "A" or "B"
    started: dt.datetime | None = None
    ended: dt.datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: float | None = None

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def _child_text(root: ET.Element, name: str) -> str:
    node = next((c for c in root if c.tag.rsplit("}", 1)[-1] == name), None)
    return (node.text or "").strip() if node is not None else ""


def _moment(text: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def origin_of(form_id: str, xml: str) -> Origin:
    form = "A" if form_id == FORM_ID_A else "B"
    try:
        root = DefusedET.fromstring(xml.encode("utf-8"), forbid_dtd=True)
    except Exception:  # noqa: BLE001 — unreadable XML has no origin to show
        return Origin(form=form)
    point = _child_text(root, "location").split()
    lat = lon = acc = None
    try:
        if len(point) >= 2:
            lat, lon = float(point[0]), float(point[1])
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                lat = lon = None
        if lat is not None and len(point) >= 4:
            acc = float(point[3])
    except ValueError:
        lat = lon = acc = None
    return Origin(
        form=form,
        started=_moment(_child_text(root, "start")),
        ended=_moment(_child_text(root, "end")),
        latitude=lat,
        longitude=lon,
        accuracy_m=acc,
    )
