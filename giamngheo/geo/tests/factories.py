"""Lookups into the loaded units and users for the geo tests."""

from giamngheo.accounts.models import Role, User
from giamngheo.geo.models import AdminUnit, Level

HAI_PHONG = "31"
FORMER_HAI_DUONG = "30"
HONG_BANG = "11311"  # Phường Hồng Bàng, Hải Phòng
NAM_SACH = "10606"  # Xã Nam Sách, Hải Phòng (former Hải Dương territory)
CAM_THUONG = "10507"  # Phường Cẩm Thượng, former Hải Dương: no commune of today has its code


def current_unit(level: str, code: str) -> AdminUnit:
    return AdminUnit.objects.get(level=level, code=code, valid_to__isnull=True)


def former_unit(level: str, code: str) -> AdminUnit:
    return AdminUnit.objects.get(level=level, code=code, valid_to__isnull=False)


def hai_phong() -> AdminUnit:
    return current_unit(Level.PROVINCE, HAI_PHONG)


def user_in(
    unit: AdminUnit, *, role: str = Role.COMMUNE_OFFICER, username: str = "officer"
) -> User:
    return User.objects.create_user(username=username, password="x", role=role, unit=unit)
