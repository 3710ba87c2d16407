"""Closed lists of the registry, as Django choices.

Where the classifier contract (household-facts.md) has a list, its values are written once, in
`giamngheo.standards.vocab` (the rule engine imports no Django); the classes here add the
translated labels and are checked against it when the project starts (`CONTRACT`).
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _

from giamngheo.geo.models import Area
from giamngheo.standards import vocab as contract


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other")


class Diploma(models.TextChoices):
    NONE = "none", _("None")
    PRIMARY = "primary", _("Primary")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary")
    VOCATIONAL_ELEMENTARY = "vocational_elementary", _("Vocational, elementary")
    VOCATIONAL_INTERMEDIATE = "vocational_intermediate", _("Vocational, intermediate")
    COLLEGE = "college", _("College")
    UNIVERSITY = "university", _("University")


class Employment(models.TextChoices):
    WAGE_WITH_CONTRACT = "wage_with_contract", _("Wage work with a labour contract")
    WAGE_WITHOUT_CONTRACT = "wage_without_contract", _("Wage work without a labour contract")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    UNEMPLOYED = "unemployed", _("Unemployed")
    NOT_IN_LABOUR_FORCE = "not_in_labour_force", _("Not in the labour force")


class Disability(models.TextChoices):
    NONE = "none", _("None")
    MILD = "mild", _("Mild")
    SEVERE = "severe", _("Severe")
    ESPECIALLY_SEVERE = "especially_severe", _("Especially severe")


class ChildNutrition(models.TextChoices):
    NORMAL = "normal", _("Normal")
    STUNTED = "stunted", _("Stunted")
    UNDERWEIGHT = "underweight", _("Underweight")


class HousingType(models.TextChoices):
    SOLID = "solid", _("Solid (kiên cố)")
    SEMI_SOLID = "semi_solid", _("Semi-solid (bán kiên cố)")
    LESS_SOLID = "less_solid", _("Less solid (thiếu kiên cố)")
    SIMPLE = "simple", _("Simple (đơn sơ)")
    NONE = "none", _("No house")


class WaterSource(models.TextChoices):
    SAFE = "safe", _("Safe")
    UNSAFE = "unsafe", _("Unsafe")


class InfoDevice(models.TextChoices):
    TV = "tv", _("Television")
    RADIO = "radio", _("Radio")
    COMPUTER = "computer", _("Computer")
    SMARTPHONE = "smartphone", _("Smartphone")
    LANDLINE = "landline", _("Landline telephone")
    FEATURE_PHONE = "feature_phone", _("Feature phone")


class PovertyCause(models.TextChoices):
    """The eight causes of the official report on causes of poverty (Circular 07/2021, form 7.10)."""

    LACK_LAND = "lack_land", _("Lack of production land")
    LACK_CAPITAL = "lack_capital", _("Lack of capital")
    LACK_LABOUR = "lack_labour", _("Lack of labour")
    LACK_TOOLS = "lack_tools", _("Lack of tools or means of production")
    LACK_KNOWLEDGE = "lack_knowledge", _("Lack of production knowledge")
    LACK_SKILLS = "lack_skills", _("Lack of working skills")
    ILLNESS = "illness", _("Illness or accident")
    OTHER = "other", _("Other")


class LifeEventKind(models.TextChoices):
    MOVED_AWAY = "moved_away", _("Moved away")
    MOVED_IN = "moved_in", _("Moved in")
    SPLIT = "split", _("Split into a new household")
    MERGED = "merged", _("Merged into another household")
    DISSOLVED = "dissolved", _("Dissolved")
    ALL_DECEASED = "all_deceased", _("All members deceased")
    # One member's change; the household stays on the lists.
    BIRTH = "birth", _("A member was born")
    DEATH = "death", _("A member died")
    MEMBER_LEFT = "member_left", _("A member moved away")
    MEMBER_JOINED = "member_joined", _("A member moved in")


# Events of one member, not of the whole household: never in LEAVING_EVENTS or ENTERING_EVENTS.
MEMBER_EVENTS = {
    LifeEventKind.BIRTH,
    LifeEventKind.DEATH,
    LifeEventKind.MEMBER_LEFT,
    LifeEventKind.MEMBER_JOINED,
}


# Events after which the household is no longer on the commune's lists.
LEAVING_EVENTS = {
    LifeEventKind.MOVED_AWAY,
    LifeEventKind.MERGED,
    LifeEventKind.DISSOLVED,
    LifeEventKind.ALL_DECEASED,
}


class PovertyClass(models.TextChoices):
    """The classifier's output classes (household-facts.md)."""

    POOR = "poor", _("Poor")
    NEAR_POOR = "near_poor", _("Near-poor")
    MIDDLE = "middle", _("Middle living standard")
    NOT_POOR = "not_poor", _("Not poor")


# The 54 ethnic groups of Viet Nam with the statistics office's codes (Decision 121-TCTK/PPCĐ, 1979).
ETHNIC_GROUPS = [
    ("01", "Kinh"),
    ("02", "Tày"),
    ("03", "Thái"),
    ("04", "Hoa"),
    ("05", "Khơ-me"),
    ("06", "Mường"),
    ("07", "Nùng"),
    ("08", "HMông"),
    ("09", "Dao"),
    ("10", "Gia-rai"),
    ("11", "Ngái"),
    ("12", "Ê-đê"),
    ("13", "Ba-na"),
    ("14", "Xơ-Đăng"),
    ("15", "Sán Chay"),
    ("16", "Cơ-ho"),
    ("17", "Chăm"),
    ("18", "Sán Dìu"),
    ("19", "Hrê"),
    ("20", "Mnông"),
    ("21", "Ra-glai"),
    ("22", "Xtiêng"),
    ("23", "Bru-Vân Kiều"),
    ("24", "Thổ"),
    ("25", "Giáy"),
    ("26", "Cơ-tu"),
    ("27", "Gié-Triêng"),
    ("28", "Mạ"),
    ("29", "Khơ-mú"),
    ("30", "Co"),
    ("31", "Tà-ôi"),
    ("32", "Chơ-ro"),
    ("33", "Kháng"),
    ("34", "Xinh-mun"),
    ("35", "Hà Nhì"),
    ("36", "Chu-ru"),
    ("37", "Lào"),
    ("38", "La Chí"),
    ("39", "La Ha"),
    ("40", "Phù Lá"),
    ("41", "La Hủ"),
    ("42", "Lự"),
    ("43", "Lô Lô"),
    ("44", "Chứt"),
    ("45", "Mảng"),
    ("46", "Pà Thẻn"),
    ("47", "Cơ Lao"),
    ("48", "Cống"),
    ("49", "Bố Y"),
    ("50", "Si La"),
    ("51", "Pu Péo"),
    ("52", "Brâu"),
    ("53", "Ơ Đu"),
    ("54", "Rơ-măm"),
]
KINH = "01"


def check_contract(choices: type[models.TextChoices], values: tuple[str, ...]) -> None:
    """Refuse a choices class that drifted from the contract: the engine would reject its values."""
    if tuple(choices.values) != values:
        raise ImproperlyConfigured(
            f"{choices.__name__} has {tuple(choices.values)}, the contract {values} "
            "(giamngheo/standards/vocab.py is the source)."
        )


CONTRACT: dict[type[models.TextChoices], tuple[str, ...]] = {
    Area: contract.AREA,
    Sex: contract.SEX,
    Relation: contract.RELATION,
    Diploma: contract.DIPLOMA,
    Employment: contract.EMPLOYMENT,
    Disability: contract.DISABILITY,
    ChildNutrition: contract.CHILD_NUTRITION,
    HousingType: contract.HOUSING_TYPE,
    WaterSource: contract.DOMESTIC_WATER,
    InfoDevice: contract.INFO_DEVICES,
    PovertyClass: contract.CLASSES,
}
for _choices, _values in CONTRACT.items():
    check_contract(_choices, _values)
