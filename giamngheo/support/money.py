"""VND is written with dots between thousands in Vietnamese documents: 1.250.000 đ."""


def vnd(amount: int | None) -> str:
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(int(amount)):,}".replace(",", ".")
