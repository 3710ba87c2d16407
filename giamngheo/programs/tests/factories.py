import datetime as dt
import importlib

from giamngheo.accounts.models import Organisation, OrganisationKind, Role
from giamngheo.accounts.tests.factories import OrganisationFactory, UserFactory
from giamngheo.geo.models import AdminUnit
from giamngheo.programs.models import ContentCategory, CoordinationProgram
from giamngheo.programs.services import AreaSpec, LegalBasisSpec, PartySpec, program_create

SIX_AREAS = [
    ("propaganda", "Tuyên truyền chủ trương của Đảng, chính sách, pháp luật của Nhà nước"),
    ("resource-mobilisation", "Vận động nguồn lực giúp người nghèo thoát nghèo bền vững"),
    ("poverty-reduction-models", "Xây dựng mô hình giảm nghèo"),
    ("inspection-supervision", "Kiểm tra, giám sát việc thực hiện"),
    ("review-commendation", "Sơ kết, tổng kết, khen thưởng"),
    ("conferences", "Tổ chức hội nghị, hội thảo"),
]


def default_categories() -> dict[str, ContentCategory]:
    """The categories migration 0002 seeds, put back if a transactional test flushed them."""
    seed = importlib.import_module("giamngheo.programs.migrations.0002_default_content_categories")
    for position, (code, name) in enumerate(seed.CATEGORIES, start=1):
        ContentCategory.objects.get_or_create(
            code=code, defaults={"name": name, "position": position * 10}
        )
    return {c.code: c for c in ContentCategory.objects.all()}


def two_organisations(unit: AdminUnit) -> tuple[Organisation, Organisation]:
    department = OrganisationFactory(
        unit=unit, name=f"Sở LĐTBXH {unit.name}", kind=OrganisationKind.DEPARTMENT
    )
    front = OrganisationFactory(
        unit=unit, name=f"Ủy ban MTTQ {unit.name}", kind=OrganisationKind.FATHERLAND_FRONT
    )
    return department, front


def make_program(
    unit: AdminUnit,
    organisations: tuple[Organisation, Organisation] | None = None,
    *,
    start_year: int = 2021,
    end_year: int = 2025,
) -> CoordinationProgram:
    """A program like Hải Dương's: two parties, six content areas, three legal bases."""
    department, front = organisations or two_organisations(unit)
    admin = UserFactory(role=Role.SYSTEM_ADMIN, unit=None)
    categories = default_categories()
    return program_create(
        actor=admin,
        title="Chương trình phối hợp thực hiện Chương trình MTQG giảm nghèo bền vững",
        document_number="01/CTr-SLĐTBXH-MTTQ",
        signed_on=dt.date(2023, 8, 7),
        start_year=start_year,
        end_year=end_year,
        unit=unit,
        parties=[
            PartySpec(department, "Chủ trì, tham mưu"),
            PartySpec(front, "Vận động nguồn lực, giám sát"),
        ],
        content_areas=[AreaSpec(title, categories[code]) for code, title in SIX_AREAS],
        legal_bases=[
            LegalBasisSpec("05-CT/TW", dt.date(2021, 6, 23), "Ban Bí thư"),
            LegalBasisSpec("24/2021/QH15", dt.date(2021, 7, 28), "Quốc hội"),
        ],
    )
