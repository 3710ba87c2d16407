"""Uploaded documents: checked by content, stored under MEDIA_ROOT with a generated name.

The uploader's file name never reaches the disk (it may carry a path, a misleading extension or
personal data).
"""

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# Leading bytes of each accepted type; the extension alone proves nothing.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


@deconstructible
class SafeName:
    """upload_to callable: `<folder>/<year>/<random hex><ext>`."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: object, filename: str) -> str:
        ext = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if ext not in SIGNATURES:
            ext = ".bin"
        return f"{self.folder}/{dt.date.today():%Y}/{uuid.uuid4().hex}{ext}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SafeName) and other.folder == self.folder


@deconstructible
class FileCheck:
    """Validator: size limit, allowed extension and matching leading bytes."""

    def __init__(self, extensions: tuple[str, ...]) -> None:
        self.extensions = tuple(extensions)

    def __call__(self, file: UploadedFile) -> None:
        name = (getattr(file, "name", "") or "").lower()
        ext = "." + name.rsplit(".", 1)[-1] if "." in name else ""
        if file.size is not None and file.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is larger than %(size)d MB."),
                code="too_large",
                params={"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
        if ext not in self.extensions or not self._content_matches(file, ext):
            if self.extensions == (".pdf",):
                raise ValidationError(_("Upload a PDF document."), code="bad_type")
            raise ValidationError(
                _("Upload a PDF document or a JPEG or PNG photo."), code="bad_type"
            )

    @staticmethod
    def _content_matches(file: UploadedFile, ext: str) -> bool:
        position = file.tell() if hasattr(file, "tell") else 0
        file.seek(0)
        head = file.read(16)
        file.seek(position)
        return any(head.startswith(sig) for sig in SIGNATURES[ext])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileCheck) and other.extensions == self.extensions


validate_pdf = FileCheck((".pdf",))
validate_evidence = FileCheck((".pdf", ".jpg", ".jpeg", ".png"))
