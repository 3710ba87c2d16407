"""How the round's documents name classes and movements, in Vietnamese whatever the interface.

Copied into each approved round's snapshot, so rewording these later never changes a signed list.
"""

from giamngheo.households.vocab import PovertyClass
from giamngheo.reviews.models import Flow

# Keyed by the stored values (a choices member is equal to its value).
CLASS_VI: dict[str, str] = {PovertyClass.POOR: "Hộ nghèo", PovertyClass.NEAR_POOR: "Hộ cận nghèo"}
# Forms 14/15 split each list into new / relapsed / continuing households.
CATEGORY_VI: dict[str, dict[str, str]] = {
    PovertyClass.POOR: {Flow.STAYED_POOR: "Nghèo cũ", Flow.RELAPSED_POOR: "Tái nghèo"},
    PovertyClass.NEAR_POOR: {
        Flow.STAYED_NEAR_POOR: "Cận nghèo cũ",
        Flow.RELAPSED_NEAR_POOR: "Tái cận nghèo",
    },
}
NEW_VI: dict[str, str] = {PovertyClass.POOR: "Nghèo mới", PovertyClass.NEAR_POOR: "Cận nghèo mới"}
ESCAPED_VI: dict[str, str] = {
    Flow.ESCAPED_TO_NEAR_POOR: "Thoát nghèo (thành hộ cận nghèo)",
    Flow.ESCAPED_ABOVE_NEAR_POOR: "Thoát nghèo (vượt chuẩn cận nghèo)",
    Flow.ESCAPED_NEAR_POVERTY: "Thoát cận nghèo",
}


def category_vi(poverty_class: str, flow: str) -> str:
    """'Nghèo cũ', 'Tái nghèo', 'Nghèo mới'…: how a listed household's movement is printed."""
    if poverty_class not in CLASS_VI:
        return ""
    return CATEGORY_VI[poverty_class].get(flow, NEW_VI[poverty_class])
