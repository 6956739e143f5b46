"""Upload checks: the type is read from the file's content, not trusted from its name."""

import os
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ALLOWED_EXTENSIONS = {
    ".pdf": "pdf",
    ".doc": "ole",
    ".xls": "ole",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".png": "png",
}
ALLOWED_HELP = gettext_lazy("PDF, Word (.doc, .docx), Excel (.xls, .xlsx), JPEG or PNG")


def sniff(head: bytes, upload) -> str | None:
    """The real kind of an upload from its first bytes (and, for Office files, its parts)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"  # legacy Word / Excel
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            upload.seek(0)
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
    return None


def validate_document(upload) -> None:
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_big",
        )
    ext = os.path.splitext(upload.name)[1].lower()
    expected = ALLOWED_EXTENSIONS.get(ext)
    if expected is None:
        raise ValidationError(
            _("This type of file is not accepted. Upload %(allowed)s.") % {"allowed": ALLOWED_HELP},
            code="bad_extension",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if sniff(head, upload) != expected:
        raise ValidationError(
            _("The content of this file does not match its name (%(ext)s). Upload %(allowed)s.")
            % {"ext": ext, "allowed": ALLOWED_HELP},
            code="bad_content",
        )
