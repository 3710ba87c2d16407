"""A synthetic province's households, members and their facts over several review years.

Pure numpy: it builds columns, not objects, so that 100,000 households take seconds. One latent
"disadvantage" score per household drives both income and the chance of each deprivation, so
that poverty and deprivation go together as they do in the surveys (statistics.md: Red River
Delta poor ≈ 0.5–2.2 %, near-poor ≈ 1–2.3 %; household size ≈ 3.5–3.7).
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

FAMILY_NAMES = np.array(
    [
        "Nguyễn",
        "Trần",
        "Lê",
        "Phạm",
        "Hoàng",
        "Vũ",
        "Phan",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Đinh",
        "Mạc",
        "Tạ",
        "Cao",
        "Lương",
        "Trịnh",
    ]
)
FAMILY_WEIGHTS = np.array(
    [38, 11, 9.5, 7, 5, 4, 4.5, 2.1, 2, 1.4, 1.3, 1.3, 1, 0.5, 1, 0.5, 0.5, 0.6, 0.6, 0.7]
)
MALE_MIDDLE = np.array(["Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thanh", "Ngọc"])
FEMALE_MIDDLE = np.array(["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương"])
MALE_GIVEN = np.array(
    [
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Đức",
        "Hải",
        "Hùng",
        "Huy",
        "Khánh",
        "Long",
        "Mạnh",
        "Nam",
        "Phong",
        "Quân",
        "Sơn",
        "Thắng",
        "Tuấn",
        "Tùng",
        "Việt",
        "Vinh",
    ]
)
FEMALE_GIVEN = np.array(
    [
        "Anh",
        "Châu",
        "Dung",
        "Giang",
        "Hà",
        "Hạnh",
        "Hoa",
        "Hương",
        "Lan",
        "Linh",
        "Mai",
        "Nga",
        "Ngọc",
        "Nhung",
        "Oanh",
        "Phương",
        "Thảo",
        "Trang",
        "Vân",
        "Yến",
    ]
)
SIZE_P = np.array([0.10, 0.20, 0.22, 0.27, 0.13, 0.05, 0.03])  # sizes 1..7, mean ≈ 3.5


@dataclass
class Population:
    """Stable identity columns; `facts(year)` derives each review year's facts from them."""

    household_village: np.ndarray  # index into the villages list
    household_area: np.ndarray  # 0 rural, 1 urban
    household_size: np.ndarray
    disadvantage: np.ndarray
    income_base: np.ndarray  # income per person per month in the base year
    merit: np.ndarray
    minority: np.ndarray
    member_household: np.ndarray  # index of each member's household, contiguous
    member_no: np.ndarray
    member_sex: np.ndarray  # 0 male, 1 female
    member_birth: np.ndarray  # datetime64[D]
    member_relation: np.ndarray  # contract relation strings
    member_name: np.ndarray
    base_year: int
    seed: int

    @property
    def n(self) -> int:
        return len(self.household_village)

    @property
    def head_index(self) -> np.ndarray:
        return np.flatnonzero(self.member_no == 1)


def generate_population(
    *, villages_area: np.ndarray, households: int, base_year: int, seed: int
) -> Population:
    rng = np.random.default_rng(seed)
    n = households
    village = rng.integers(0, len(villages_area), n)
    area = villages_area[village]
    size = rng.choice(np.arange(1, 8), n, p=SIZE_P)
    z = rng.standard_normal(n)
    median = np.where(area == 1, 5_200_000, 3_900_000)
    income = median * np.exp(0.40 * rng.standard_normal(n) - 0.32 * z)
    merit = rng.random(n) < 0.03
    minority = rng.random(n) < 0.01

    hh = np.repeat(np.arange(n), size)
    member_no = np.arange(len(hh)) - np.repeat(np.cumsum(size) - size, size) + 1
    m = len(hh)
    reference = np.datetime64(f"{base_year}-07-01")
    head_age = np.clip(rng.gamma(9.0, 5.6, n) + 18, 20, 92).astype(int)
    relation = np.full(m, "child", dtype=object)
    age = np.zeros(m, dtype=int)
    first = member_no == 1
    relation[first] = "head"
    age[first] = head_age
    second = member_no == 2
    spouse = second & (rng.random(m) < 0.85)
    relation[spouse] = "spouse"
    age[spouse] = np.clip(head_age[hh[spouse]] + rng.integers(-6, 4, spouse.sum()), 18, 95)
    rest = ~(first | spouse)
    parent_age = head_age[hh[rest]]
    elderly_head = parent_age >= 62
    child_age = np.where(
        elderly_head,
        rng.integers(20, 45, rest.sum()),
        np.clip(parent_age - 20 - rng.integers(0, 22, rest.sum()), 0, 40),
    )
    grand = elderly_head & (rng.random(rest.sum()) < 0.45)
    child_age = np.where(grand, rng.integers(0, 18, rest.sum()), child_age)
    rest_rel = np.where(grand, "grandchild", "child").astype(object)
    young_head_parent = (~elderly_head) & (rng.random(rest.sum()) < 0.12)
    child_age = np.where(young_head_parent, np.clip(parent_age + 25, 50, 95), child_age)
    rest_rel = np.where(young_head_parent, "parent", rest_rel)
    relation[rest] = rest_rel
    age[rest] = child_age
    sex = np.where(
        first,
        (rng.random(m) < 0.28).astype(int),
        np.where(
            spouse, 1 - np.repeat((rng.random(n) < 0.28).astype(int), size), rng.integers(0, 2, m)
        ),
    )
    sex[first] = (rng.random(n) < 0.28).astype(int)
    sex[spouse] = 1 - sex[np.flatnonzero(first)][hh[spouse]]
    birth = reference - (age * 365.25 + rng.integers(0, 365, m)).astype("timedelta64[D]")

    family = rng.choice(FAMILY_NAMES, n, p=FAMILY_WEIGHTS / FAMILY_WEIGHTS.sum())
    own_family = np.where(relation == "spouse", rng.choice(FAMILY_NAMES, m), family[hh])
    middle = np.where(sex == 0, rng.choice(MALE_MIDDLE, m), rng.choice(FEMALE_MIDDLE, m))
    given = np.where(sex == 0, rng.choice(MALE_GIVEN, m), rng.choice(FEMALE_GIVEN, m))
    name = np.char.add(np.char.add(np.char.add(own_family.astype(str), " "), middle), " ")
    name = np.char.add(name, given)

    return Population(
        household_village=village,
        household_area=area,
        household_size=size,
        disadvantage=z,
        income_base=income,
        merit=merit,
        minority=minority,
        member_household=hh,
        member_no=member_no,
        member_sex=sex,
        member_birth=birth,
        member_relation=relation.astype(str),
        member_name=name,
        base_year=base_year,
        seed=seed,
    )


def _select(conditions: list[np.ndarray], labels: list[str], default: str) -> pl.Series:
    """`np.select` over text labels, as a Polars column.

    `np.select` on strings broadcasts every label to a full-length unicode array first: for a
    million households' members that alone is gigabytes. Codes, then labels, take a few MB.
    """
    codes = np.select(conditions, np.arange(len(labels)), default=len(labels))
    return pl.Series(codes).replace_strict(
        list(range(len(labels) + 1)), [*labels, default], return_dtype=pl.String
    )


def facts_for_year(
    pop: Population, year: int, review_date: dt.date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The contract's households and members tables as they stood on `review_date` of `year`."""
    rng = np.random.default_rng(pop.seed * 1000 + year)
    n, hh = pop.n, pop.member_household
    m = len(hh)
    years = year - pop.base_year
    # Incomes grow about 7 % a year (GSO: 4.67 m in 2022 → 4.96 m in 2023), unevenly.
    drift = np.exp(years * 0.07 + 0.12 * years**0.5 * rng.standard_normal(n))
    income = (pop.income_base * drift).round(-3).astype(np.int64)
    z = pop.disadvantage - 0.08 * years + 0.25 * rng.standard_normal(n)

    def chance(base: float, slope: float, size: int, zz: np.ndarray) -> np.ndarray:
        return rng.random(size) < base * np.exp(slope * zz)

    housing = _select(
        [chance(0.004, 1.4, n, z), chance(0.02, 1.2, n, z), rng.random(n) < 0.35],
        ["simple", "less_solid", "semi_solid"],
        default="solid",
    )
    floor = np.clip(pop.household_size * rng.normal(22, 7, n) * np.exp(-0.15 * z), 6, 400).round(1)
    water = np.where(chance(0.01, 1.3, n, z), "unsafe", "safe")
    latrine = ~chance(0.03, 1.2, n, z)
    telecom = ~chance(0.01, 1.5, n, z)
    devices_none = chance(0.01, 1.4, n, z)
    hears = ~chance(0.06, 0.8, n, z)
    # Built as a column: a Python list per household costs seconds at a million households.
    devices = pl.select(
        pl.when(pl.lit(pl.Series(devices_none)))
        .then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise(pl.lit(["tv", "smartphone"], dtype=pl.List(pl.String)))
    ).to_series()
    nlnn = (pop.household_area == 0) & (rng.random(n) < 0.55)

    age = (np.datetime64(review_date) - pop.member_birth).astype(int) // 365
    zm = z[hh]
    working = (age >= 15) & (age < 62)
    employment = _select(
        [~working, chance(0.02, 1.0, m, zm), chance(0.10, 0.9, m, zm), rng.random(m) < 0.45],
        ["not_in_labour_force", "unemployed", "wage_without_contract", "self_employed"],
        default="wage_with_contract",
    )
    insured = ~chance(0.04, 1.2, m, zm) | (age < 6)
    school_age = (age >= 3) & (age <= 22)
    in_school = school_age & ~chance(0.015, 1.3, m, zm) & ((age < 18) | (rng.random(m) < 0.4))
    diploma = _select(
        [age < 11, age < 15, chance(0.03, 1.2, m, zm) & (age < 45), age < 18, rng.random(m) < 0.25],
        ["none", "primary", "primary", "lower_secondary", "university"],
        default="upper_secondary",
    )
    disability = np.where(
        chance(0.015, 0.9, m, zm), "severe", np.where(rng.random(m) < 0.02, "mild", "none")
    )
    allowance = ((age >= 80) | (disability == "severe")) & (rng.random(m) < 0.9)
    capacity = ~((disability == "severe") | (age >= 75))
    # Recorded up to 17: the engine counts ages by birthday, this generator by whole years.
    stunted = np.where(chance(0.03, 1.2, m, zm), "stunted", "normal")
    nutrition = pl.select(  # null for adults
        pl.when(pl.lit(pl.Series(age < 18))).then(pl.lit(pl.Series(stunted)))
    ).to_series()

    # Text ids made by Polars: numpy's int-to-str makes fixed-width 21-character arrays.
    ids = pl.select(pl.format("h{}", pl.lit(pl.Series(np.arange(n))))).to_series()
    households = pl.DataFrame(
        {
            "household_id": ids,
            "review_date": pl.Series([review_date] * n, dtype=pl.Date),
            "round_type": ["periodic"] * n,
            "area": np.where(pop.household_area == 1, "urban", "rural"),
            "income_per_capita_month": income,
            "nlnn": nlnn,
            "housing_type": housing,
            "floor_area_m2": floor,
            "domestic_water": water,
            "hygienic_latrine": latrine,
            "uses_telecom": telecom,
            "info_devices": devices,
            "hears_loudspeaker": hears,
        }
    )
    members = pl.DataFrame(
        {
            "household_id": ids.gather(hh),
            "member_id": pl.Series(pop.member_no).cast(pl.String),
            "date_of_birth": pop.member_birth.astype("datetime64[D]"),
            "sex": np.where(pop.member_sex == 0, "male", "female"),
            "relation": pop.member_relation,
            "health_insurance": insured,
            "in_school": in_school,
            "diploma": diploma,
            "vocational_training": rng.random(m) < 0.12,
            "employment": employment,
            "working_capacity": capacity,
            "disability": disability,
            "social_allowance": allowance,
            "child_nutrition": nutrition,
            "ill_untreated": np.zeros(m, dtype=bool),
        }
    )
    return households, members
