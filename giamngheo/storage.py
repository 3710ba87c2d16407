"""Private storage: uploads, stored documents and job outputs, never under a public URL.

Files live under settings.PRIVATE_ROOT with random names; the uploader's own file name (which may
carry personal data, a path or a misleading extension) is kept only in a database field and used
as the download name. A file reaches a browser only through a view that has checked the reader's
unit (accounts.scoping) or, for a job's output, its owner: `file_response` is that last step.
"""

import re
import unicodedata
import uuid
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core import checks
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.utils.deconstruct import deconstructible

# The extensions a stored name may keep; anything else is stored as `.bin`, so that a name never
# tells a web server to treat the bytes as HTML or script.
STORED_EXTENSIONS = frozenset(
    {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".odt", ".xlsx", ".csv", ".xml", ".mp4"}
    | {".3gp", ".m4a", ".amr", ".ogg", ".webm", ".txt", ".zip"}
)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]+")


class PrivateFileURL(AttributeError):
    """A private file has no URL: link to a view that checks the reader instead.

    An AttributeError so that templates and Django's file widgets treat `.url` as absent
    rather than failing, while Python code that asks for it fails loudly.
    """


class PrivateStorage(FileSystemStorage):
    """MEDIA_ROOT (= PRIVATE_ROOT) on disk, with no URL at all."""

    def url(self, name: str | None) -> str:
        raise PrivateFileURL(f"{name!r} is a private file; serve it through a checking view.")


def stored_extension(filename: str) -> str:
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    return suffix if suffix in STORED_EXTENSIONS else ".bin"


def random_name(folder: str, filename: str = "") -> str:
    """`<folder>/<32 random hex digits><known extension>`: nothing guessable, nothing personal."""
    return f"{folder.strip('/')}/{uuid.uuid4().hex}{stored_extension(filename)}"


@deconstructible
class RandomName:
    """upload_to callable giving `random_name(folder, filename)`."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: object, filename: str) -> str:
        return random_name(self.folder, filename)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder


def display_name(filename: str, default: str = "file") -> str:
    """The uploader's name without folders or control characters, at most 200 characters."""
    name = unicodedata.normalize("NFC", filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub(" ", name).strip().strip(".") or default
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot and len(ext) < 10 else name[:200]
    return name


def file_response(file: File, *, filename: str, content_type: str | None = None) -> FileResponse:
    """Send a stored file as a download under `filename` (RFC 6266 encoded by Django)."""
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=display_name(filename),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def files_left_in_old_media_folder(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Installations from before private storage kept uploads in VAR_DIR/media, which nothing reads
    any more: say so at every start until an administrator has moved them, rather than lose them."""
    old = Path(settings.VAR_DIR) / "media"
    if old.resolve() == Path(settings.PRIVATE_ROOT).resolve() or not old.is_dir():
        return []
    if not any(path.is_file() for path in old.rglob("*")):
        return []
    return [
        checks.Warning(
            f"Uploaded files are still in {old}, which is no longer read.",
            hint=f"Move its contents into {settings.PRIVATE_ROOT} (keeping the sub-folders), "
            f"then delete {old}.",
            id="giamngheo.W001",
        )
    ]
