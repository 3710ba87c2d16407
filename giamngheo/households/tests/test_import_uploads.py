"""A background import's upload (personal data) is deleted when the job ends, however it ends."""

import uuid

import pytest

from giamngheo.households import imports
from giamngheo.households.imports import import_job

pytestmark = pytest.mark.django_db


class _Reporter:
    def total(self, total: int) -> None: ...

    def progress(self, done: int, message: str = "") -> None: ...


@pytest.fixture
def upload(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    folder = imports.upload_dir() / uuid.uuid4().hex
    folder.mkdir()
    path = folder / "households.xlsx"
    path.write_bytes(b"not a workbook")
    return path


def _params(user_id: int, path) -> dict:
    return {"user_id": user_id, "files": [str(path)], "reason": "", "cleanup": True}


def test_a_refused_import_deletes_its_upload(commune_a_officer, upload):
    result = import_job(_Reporter(), _params(commune_a_officer.pk, upload))
    assert len(result.errors) == 1 and result.summary
    assert not upload.parent.exists()


def test_a_crashed_import_deletes_its_upload(commune_a_officer, upload):
    with pytest.raises(Exception):  # noqa: B017 - any failure at all must still clean up
        import_job(_Reporter(), _params(commune_a_officer.pk + 1000, upload))
    assert not upload.parent.exists()
