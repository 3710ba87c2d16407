"""The poverty map: one symbol per commune of today, drawn from the figures the tables show.

The map reads nothing of its own: it takes the `Summary` the statistics page or the dashboard
already computed (`figures.published_summary` / `unit_summary`, one row per commune of today,
historic years carried there through the lineage), so a symbol can never disagree with its
row. Places come from the units' coordinates (`AdminUnit.latitude/longitude`, loaded from
`vietnamadminunits`); a commune the source gives no point for is listed, never placed by guess.
The projection is equirectangular, scaled to the province's bounding box: at a province's size
the distortion is far below a symbol's width, and no tiles or boundaries are needed. A commune
far from every other (an island district such as Bạch Long Vĩ, 100 km off Hải Phòng) would
shrink the rest of the province to a corner, so it is drawn in a marked box under the map,
named, instead of at its place.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache

from django.utils.translation import gettext as _

from giamngheo.geo.models import AdminUnit
from giamngheo.reports import formats
from giamngheo.reports.selectors.common import NoApprovedRound
from giamngheo.reports.selectors.figures import Row, Summary, published_summary
from giamngheo.reports.selectors.lineage import Resolver

WIDTH = 640
PADDING = 24
MIN_RADIUS, MAX_RADIUS = 3.0, 14.0
MAX_HEIGHT = 720
INSET_HEIGHT = 64
# A commune is drawn in the box when its nearest neighbour is farther than this many times the
# typical (median) distance between neighbours, and at least OUTLIER_MIN_DEGREES away.
OUTLIER_FACTOR, OUTLIER_MIN_DEGREES = 8, 0.25

# Poverty rate classes (percent, lower bounds) and their colours: a sequential yellow-to-red
# scale (ColorBrewer YlOrRd, 6 classes) that stays readable for the common colour deficiencies.
RATE_BREAKS = (Decimal(0), Decimal(1), Decimal(3), Decimal(5), Decimal(10), Decimal(20))
RATE_COLOURS = ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")
NO_FIGURES_COLOUR = "#d9d9d9"


@dataclass
class Symbol:
    unit_pk: int
    name: str
    x: float
    y: float
    radius: float
    colour: str
    rate: Decimal | None
    poor: int | None
    href: str | None
    highlighted: bool = False
    exact: bool = True
    in_box: bool = False  # drawn in the box for far-off communes, not at its place

    @property
    def label_x(self) -> float:
        """Where a boxed commune's name starts, right of its symbol."""
        return self.x + MAX_RADIUS + 6

    @cached_property
    def label(self) -> str:
        """What a screen reader and a hovering pointer are told: name, rate, poor households.

        Kept: the map prints it twice per symbol (its label and its title)."""
        if self.rate is None:
            return _("%(name)s: no approved figures") % {"name": self.name}
        return _("%(name)s: poverty rate %(rate)s, %(poor)s poor households") % {
            "name": self.name,
            "rate": formats.vn_percent(self.rate),
            "poor": formats.vn_number(self.poor or 0),
        }


@dataclass
class LegendClass:
    colour: str
    label: str


@dataclass
class SizeKey:
    radius: float
    label: str


@dataclass
class Box:
    x: float
    y: float
    width: float
    height: float


@dataclass
class PovertyMap:
    unit: AdminUnit
    year: int
    width: int
    height: int
    symbols: list[Symbol]
    classes: list[LegendClass]
    sizes: list[SizeKey]
    unplaced: list[str] = field(default_factory=list)
    box: Box | None = None  # where far-off communes are drawn

    @property
    def boxed(self) -> list[Symbol]:
        return [s for s in self.symbols if s.in_box]

    @property
    def drawn(self) -> int:
        return len(self.symbols)


def rate_colour(rate: Decimal | None) -> str:
    if rate is None:
        return NO_FIGURES_COLOUR
    colour = RATE_COLOURS[0]
    for lower, candidate in zip(RATE_BREAKS, RATE_COLOURS, strict=True):
        if rate >= lower:
            colour = candidate
    return colour


def _classes() -> list[LegendClass]:
    out = []
    bounds = [*RATE_BREAKS[1:], None]
    for lower, upper, colour in zip(RATE_BREAKS, bounds, RATE_COLOURS, strict=True):
        if upper is None:
            text = _("%(lower)s%% or more") % {"lower": formats.vn_number(int(lower))}
        else:
            text = _("%(lower)s to under %(upper)s%%") % {
                "lower": formats.vn_number(int(lower)),
                "upper": formats.vn_number(int(upper)),
            }
        out.append(LegendClass(colour, text))
    out.append(LegendClass(NO_FIGURES_COLOUR, _("no approved figures")))
    return out


def _radius(poor: int, largest: int) -> float:
    """Area, not radius, grows with the count (the eye compares areas)."""
    if largest <= 0:
        return MIN_RADIUS
    return MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(max(poor, 0) / largest)


def _sizes(largest: int) -> list[SizeKey]:
    if largest <= 0:
        return []
    steps = sorted({largest, max(1, round(largest / 4)), max(1, round(largest / 16))})
    return [
        SizeKey(_radius(n, largest), formats.vn_number(n)) for n in reversed(steps) if n <= largest
    ]


def poverty_map(
    *,
    summary: Summary,
    href: Callable[[Row], str | None],
    highlight: AdminUnit | None = None,
) -> PovertyMap:
    """The map of `summary`'s communes (a province's summary: all of today's communes).

    `href` gives each commune's link (the caller knows who is reading: the public statistics
    page, or the household list for staff who may read it); None draws a symbol without link.
    """
    placed: list[tuple[Row, float, float]] = []
    unplaced: list[str] = []
    for row in summary.rows:
        unit = row.unit
        if unit is None:
            continue
        if unit.latitude is None or unit.longitude is None:
            unplaced.append(unit.name)
            continue
        placed.append((row, float(unit.latitude), float(unit.longitude)))
    largest = max((row.count("poor") or 0 for row, _, _ in placed), default=0)
    far = _far_off([(lat, lon) for _, lat, lon in placed])
    width, height, project = _projection(
        [(lat, lon) for i, (_, lat, lon) in enumerate(placed) if i not in far]
    )
    box = None
    if far:
        box = Box(PADDING, float(height), float(width - 2 * PADDING), float(INSET_HEIGHT - 8))
        height += INSET_HEIGHT
    symbols = []
    for i, (row, lat, lon) in enumerate(placed):
        if i in far and box is not None:
            slot = sorted(far).index(i)
            x, y = box.x + MAX_RADIUS + 8 + slot * 180, box.y + box.height / 2
        else:
            x, y = project(lat, lon)
        rate = row.rate("poor")
        poor = row.count("poor")
        symbols.append(
            Symbol(
                unit_pk=row.unit_pk or 0,
                name=row.label,
                x=round(x, 1),
                y=round(y, 1),
                radius=round(_radius(poor or 0, largest), 1),
                colour=rate_colour(rate),
                rate=rate,
                poor=poor,
                href=href(row),
                highlighted=highlight is not None and row.unit_pk == highlight.pk,
                exact=row.exact,
                in_box=i in far,
            )
        )
    # Large symbols first, so a small commune beside a large one stays visible and clickable.
    symbols.sort(key=lambda s: (-s.radius, s.name))
    return PovertyMap(
        unit=summary.unit,
        year=summary.year,
        width=width,
        height=height,
        symbols=symbols,
        classes=_classes(),
        sizes=_sizes(largest),
        unplaced=sorted(unplaced),
        box=box,
    )


def _far_off(points: list[tuple[float, float]]) -> set[int]:
    """Indexes of points far from every other point (see OUTLIER_FACTOR)."""
    return set(_far_off_of(tuple(points)))


@lru_cache(maxsize=256)
def _far_off_of(points: tuple[tuple[float, float], ...]) -> frozenset[int]:
    """`_far_off`, kept per process for the same places (it depends on nothing else): it compares
    every pair of a province's communes, ≈ 13,000 distances for 114, on every map drawn."""
    if len(points) < 5:
        return frozenset()
    nearest = [
        min(math.dist(p, q) for j, q in enumerate(points) if j != i) for i, p in enumerate(points)
    ]
    typical = sorted(nearest)[len(nearest) // 2]
    limit = max(OUTLIER_FACTOR * typical, OUTLIER_MIN_DEGREES)
    far = {i for i, d in enumerate(nearest) if d > limit}
    # A box for a handful of far-off islands, never for half the province.
    return frozenset(far) if len(far) <= 3 else frozenset()


def _projection(
    points: list[tuple[float, float]],
) -> tuple[int, int, Callable[[float, float], tuple[float, float]]]:
    """Equirectangular: x = longitude · cos(mean latitude), y = −latitude, fitted to the box."""
    if not points:
        return WIDTH, WIDTH // 2, lambda lat, lon: (WIDTH / 2, WIDTH / 4)
    lats = [lat for lat, _ in points]
    lons = [lon for _, lon in points]
    squeeze = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = (max(lons) - min(lons)) * squeeze
    span_y = max(lats) - min(lats)
    inner = WIDTH - 2 * (PADDING + MAX_RADIUS)
    scale = inner / max(span_x, span_y * inner / (MAX_HEIGHT - 2 * (PADDING + MAX_RADIUS)), 1e-9)
    if span_x == 0 and span_y == 0:
        scale = 0.0
    margin = PADDING + MAX_RADIUS
    height = int(round(span_y * scale + 2 * margin))
    offset_x = (WIDTH - span_x * scale) / 2

    def project(lat: float, lon: float) -> tuple[float, float]:
        return offset_x + (lon - min(lons)) * squeeze * scale, margin + (max(lats) - lat) * scale

    return WIDTH, max(height, int(2 * margin)), project


def province_map(
    *,
    unit: AdminUnit,
    year: int,
    summary: Summary,
    href: Callable[[Row], str | None],
    resolver: Resolver | None = None,
) -> PovertyMap | None:
    """The map of `unit`'s province: a province's page draws its own `summary`; a commune's page
    draws its province's published figures with the commune outlined. None without a province,
    or when the province has no approved figures that year."""
    province = unit.province()
    if province is None:
        return None
    if province.pk == unit.pk:
        return poverty_map(summary=summary, href=href)
    try:
        summary = published_summary(unit=province, year=year, resolver=resolver)
    except NoApprovedRound:
        return None
    return poverty_map(summary=summary, href=href, highlight=unit)
