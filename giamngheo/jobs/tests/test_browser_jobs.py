import pytest

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UnitFactory, UserFactory
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.jobs.results import JobError, JobResult
from giamngheo.tests.browser import browser_page, screenshot, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_running_job_page_turns_into_its_result_with_the_rows_to_fix(live_server):
    officer = UserFactory(username="lan", role=Role.COMMUNE_OFFICER, unit=UnitFactory())
    job = Job.objects.create(
        kind="import_households",
        title="Nhập hộ: thon-a1.xlsx",
        owner=officer,
        status=JobStatus.RUNNING,
        total=10,
        done=3,
    )
    with browser_page() as page:
        page.goto(f"{live_server.url}/accounts/login/?next=/jobs/{job.pk}/")
        page.get_by_label("Tên đăng nhập").fill("lan")
        page.get_by_label("Mật khẩu").fill("pw-for-tests-only")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_selector("progress[value='30']")
        result = JobResult(
            summary="Phát hiện 1 lỗi; chưa nhập dữ liệu nào.",
            errors=[
                JobError(
                    sheet="households",
                    row=7,
                    column="village_code",
                    value="11002-B1",
                    message="thôn không thuộc xã của bạn",
                )
            ],
        )
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.SUCCEEDED_WITH_ERRORS, done=10, result=result.as_dict()
        )
        wait_until(page, "document.querySelector('table.errors') !== null")
        status = page.locator(".job-status.warning")
        assert "chưa nhập dữ liệu nào" in status.inner_text()
        assert page.locator("table.errors tbody td").all_inner_texts()[:4] == [
            "households",
            "7",
            "village_code",
            "11002-B1",
        ]
        assert page.get_by_role("link", name="Tải báo cáo lỗi").is_visible()
        screenshot(page, "job-finished-with-errors")
