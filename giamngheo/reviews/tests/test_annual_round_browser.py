"""A commune's annual round on the demo, as its officer runs it in a browser.

The installation is made the way the Quick start makes it (`giamngheo migrate`, `giamngheo demo`)
and served by `giamngheo serve`, which runs the job worker beside the site: the workbook
import is a background job, so the test fails if no worker picks it up. Only the calendar is
moved by hand (the three working days of the public posting pass in the database).
"""

import datetime as dt
import io
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import load_workbook

from giamngheo.ops.tests.test_serve import _free_port, _wait_until_listening
from giamngheo.reviews.imports.reading import header
from giamngheo.reviews.tests.test_imports import column
from giamngheo.tests.browser import browser_page, screenshot, wait_until
from giamngheo.tests.server import manage, scratch_installation

pytestmark = [pytest.mark.browser, pytest.mark.server]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
DEMO_HOUSEHOLDS = "4000"

VALID_HOUSEHOLD = {
    "income_per_capita_month": 1_200_000,
    "nlnn": "có",
    "housing_type": "simple",
    "floor_area_m2": 6,
    "domestic_water": "unsafe",
    "hygienic_latrine": "không",
    "waste_treated": "có",
    "uses_telecom": "có",
    "info_devices": "smartphone;tv",
    "hears_loudspeaker": "có",
}


def _passwords(demo_output: str) -> dict[str, str]:
    found = re.findall(r"^\s+(\w+)\s+(\S+)\s", demo_output, flags=re.M)
    return {name: password for name, password in found if name in {"xa", "chutich"}}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("annual")
    env, db_path = scratch_installation(tmp_path)
    env["SECURE_COOKIES"] = "0"
    output = manage(env, "demo", "--households", DEMO_HOUSEHOLDS, timeout=600)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "giamngheo", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_until_listening(port, server)
        yield {
            "url": f"http://127.0.0.1:{port}",
            "db": db_path,
            "passwords": _passwords(output),
            "tmp": tmp_path,
        }
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _login(page, url: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def _review_date(today: dt.date) -> dt.date:
    """A day inside the annual review's window (1 September – 14 December) not after today."""
    if today < dt.date(today.year, 9, 1):
        return dt.date(today.year - 1, 12, 1)
    return min(today, dt.date(today.year, 12, 14))


def _advance(page, step: str) -> None:
    page.get_by_role("button", name=f"Chuyển sang: {step}").click()
    page.wait_for_load_state()
    assert step in page.locator("ol.steps li.current").inner_text(), page.content()[:3000]


def _fill_workbook(content: bytes, bad_code: str | None) -> tuple[bytes, list[str]]:
    """The Vietnamese template the officer downloaded, filled as an officer fills it."""
    wb = load_workbook(io.BytesIO(content))
    hh, mm = wb["Hộ gia đình"], wb["Thành viên"]
    codes = []
    for row in hh.iter_rows(min_row=2):
        for name, value in VALID_HOUSEHOLD.items():
            row[column(hh, name)].value = value
        code = row[column(hh, "household_code")].value
        codes.append(code)
        if code == bad_code:
            row[column(hh, "income_per_capita_month")].value = "một triệu"
    for row in mm.iter_rows(min_row=2):
        for name, value in {
            "sex": "Nữ",
            "date_of_birth": "01/05/1980",
            "health_insurance": "Có",
            "in_school": "Không",
        }.items():
            cell = row[column(mm, name)]
            if cell.value in (None, ""):
                cell.value = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), codes


def _shift_posting(db: Path, round_id: int) -> None:
    """The posting's three working days pass: the posting is moved a week back."""
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE reviews_reviewround SET posting_started_on = date('now', '-8 days'), "
            "posting_ends_on = date('now', '-6 days') WHERE id = ?",
            (round_id,),
        )


def _main_text(page) -> str:
    return page.locator("main").inner_text()[:3000]


def _upload(page, path: Path, content: bytes) -> str:
    """Upload the workbook and wait on its job page until the worker has finished it."""
    path.write_bytes(content)
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Nhập", exact=True).click()
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    wait_until(page, "!document.querySelector('#job-progress[hx-get]')", timeout=120)
    return page.url


def _keep_screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(screenshot(page, f"annual-round-{name}"), SCREENSHOTS / f"{name}.png")


def _query(db: Path, sql: str, *params) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchone()[0]


def _classified(db: Path, round_id: int) -> int:
    return _query(
        db,
        "SELECT count(*) FROM reviews_assessment WHERE round_id = ? AND poverty_class != ''",
        round_id,
    )


def _not_screened_out(db: Path, round_id: int) -> int:
    return _query(
        db,
        "SELECT count(*) FROM reviews_assessment WHERE round_id = ? AND NOT screened_out",
        round_id,
    )


def _count(db: Path, round_id: int, poverty_class: str) -> int:
    return _query(
        db,
        "SELECT count(*) FROM reviews_assessment WHERE round_id = ? AND poverty_class = ?",
        round_id,
        poverty_class,
    )


def _pdf_pages(content: bytes, tmp: Path) -> int:
    path = tmp / "certificates.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, flags=re.M)[1])


def _screen_every_village(page, demo, round_id: int) -> None:
    """Phiếu A village by village: one household's markers changed, the rest confirmed unchanged."""
    round_url = page.url
    links = page.locator("#screening-by-village table a[href*='/screening/']")
    villages = sorted(
        {links.nth(i).get_attribute("href").split("?")[0] for i in range(links.count())}
    )
    assert villages
    for number, village in enumerate(villages):
        page.goto(f"{demo['url']}{village}")
        page.get_by_role("link", name="Đánh dấu “không thay đổi” cho mọi hộ chưa rà soát").click()
        page.wait_for_load_state()
        if number == 0:
            page.locator("table.screening input[name^='m-']").first.check()
            # Without the explicit confirmation nothing is recorded.
            page.get_by_role("button", name="Lưu Phiếu A của thôn").click()
            page.wait_for_load_state()
            assert _screened(demo["db"], round_id) == 0
            _keep_screenshot(page, "screening-confirm")
        page.locator("#id_confirmed").check()
        page.get_by_role("button", name="Lưu Phiếu A của thôn").click()
        page.wait_for_load_state()
        assert 'class="todo"' not in page.locator("table.screening").inner_html()
    assert _screened(demo["db"], round_id) == _listed(demo["db"], round_id)
    assert (
        _query(
            demo["db"],
            "SELECT count(*) FROM reviews_assessment WHERE round_id = ? AND screened_by_id IS NULL",
            round_id,
        )
        == 0
    )
    page.goto(round_url)


def _screened(db: Path, round_id: int) -> int:
    return _query(
        db,
        "SELECT count(*) FROM reviews_assessment WHERE round_id = ? AND screening != '{}'",
        round_id,
    )


def _listed(db: Path, round_id: int) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT count(*) FROM reviews_assessment WHERE round_id = ?", (round_id,)
        ).fetchone()[0]


def test_an_officer_runs_an_annual_round_from_opening_to_certificates(demo):
    url, passwords = demo["url"], demo["passwords"]
    review_date = _review_date(dt.date.today())
    with browser_page() as page:
        _login(page, url, "xa", passwords["xa"])
        page.goto(f"{url}/reviews/new/")
        page.get_by_label("Loại rà soát").select_option("periodic")
        page.get_by_label("Ngày rà soát").fill(review_date.isoformat())
        page.get_by_role("button", name="Mở đợt rà soát").click()
        page.wait_for_load_state()
        assert re.search(r"/reviews/\d+/$", page.url), _main_text(page)
        round_url = page.url
        round_id = int(round_url.rstrip("/").rsplit("/", 1)[1])

        page.get_by_role("button", name="Đưa tất cả hộ đang cư trú vào danh sách").click()
        page.wait_for_load_state()
        listed = _listed(demo["db"], round_id)
        assert listed >= 2
        _advance(page, "Nhận diện nhanh (Phiếu A)")

        # Phiếu A, village by village, bulk-confirmed with the explicit confirmation.
        _screen_every_village(page, demo, round_id)
        _advance(page, "Rà soát thông tin hộ (Phiếu B)")

        # Phiếu B from the commune's workbook: one bad row first, shown on the job page.
        page.get_by_role("link", name="Nhập dữ liệu phiếu").click()
        with page.expect_download() as download:
            page.get_by_role("link", name="Tải tệp mẫu").click()
        template = Path(download.value.path()).read_bytes()
        content, codes = _fill_workbook(template, bad_code=None)
        bad_code = codes[len(codes) // 2]
        bad, _codes = _fill_workbook(template, bad_code=bad_code)
        _upload(page, demo["tmp"] / "phieu-b-loi.xlsx", bad)
        errors = page.locator("#job-errors").inner_text()
        bad_row = codes.index(bad_code) + 2
        assert "Hộ gia đình" in errors and str(bad_row) in errors, errors
        with translation.override("vi"):
            income = header("income_per_capita_month")
        assert income in errors and "một triệu" in errors, errors
        assert "Xong nhưng có lỗi" in page.locator("#job-progress").inner_text()
        _keep_screenshot(page, "job-errors")
        assert _classified(demo["db"], round_id) == 0  # all or nothing

        page.goto(f"{round_url}import/")
        _upload(page, demo["tmp"] / "phieu-b.xlsx", content)
        assert page.locator("#job-errors").count() == 0
        assert _classified(demo["db"], round_id) == _not_screened_out(demo["db"], round_id)
        page.goto(round_url)
        _advance(page, "Họp dân thôn")

        page.locator("#id_kind").select_option("minutes")
        minutes = demo["tmp"] / "bien-ban-hop-dan.pdf"
        minutes.write_bytes(b"%PDF-1.4\n% bien ban\n%%EOF\n")
        page.locator("#id_file").set_input_files(str(minutes))
        page.get_by_role("button", name="Tải lên").click()
        page.wait_for_load_state()
        page.locator("#id_held_on").fill(review_date.isoformat())
        page.locator("#id_attendees").fill("40")
        page.locator("#id_agreed").fill("31")
        page.get_by_role("button", name="Ghi kết quả họp dân").click()
        page.wait_for_load_state()
        _advance(page, "Niêm yết công khai")
        _shift_posting(demo["db"], round_id)
        page.reload()
        _advance(page, "Khiếu nại và phúc tra")
        _advance(page, "Chờ Chủ tịch UBND xã quyết định")

        _login(page, url, "chutich", passwords["chutich"])
        page.goto(round_url)
        page.locator("#id_decision_number").fill("245/QĐ-UBND")
        page.locator("#id_decision_date").fill(dt.date.today().isoformat())
        page.get_by_role("button", name="Phê duyệt và khóa").click()
        page.wait_for_load_state()
        assert "Đã phê duyệt" in page.locator("ol.steps li.current").inner_text()
        with page.expect_download() as download:
            page.get_by_role("link", name="Giấy chứng nhận (Mẫu số 03)").click()
        certificates = Path(download.value.path()).read_bytes()
        assert certificates.startswith(b"%PDF")
        assert not page.console_errors
    poor = _count(demo["db"], round_id, "poor")
    assert poor > 0 and _pdf_pages(certificates, demo["tmp"]) >= poor
