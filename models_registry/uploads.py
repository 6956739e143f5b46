"""Upload checks: a file is opened with the parser of the type its name claims, and refused
when it does not parse, or carries something that runs (scripts, macros) or explodes (zip bombs,
giant images). Images are re-encoded, which drops anything appended after the picture.

The checks lean on well-kept parsers (pypdf, Pillow, zipfile) rather than on first bytes only.
Legacy Word/Excel files (.doc, .xls) are refused with a message to save them again as
.docx/.xlsx/.pdf: a structural check of an OLE file cannot see the exploits that format is
known for (embedded equation objects, macros hidden in streams), and every office programme the
unions use saves the newer formats in one step.
"""

import io
import os
import re
import warnings
import zipfile
from xml.etree import ElementTree

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageFile, ImageOps
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

ALLOWED_EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".png": "png",
}
LEGACY_OFFICE = {".doc", ".xls"}
ALLOWED_HELP = gettext_lazy("PDF, Word (.docx), Excel (.xlsx), JPEG or PNG")
ACCEPT = ",".join(ALLOWED_EXTENSIONS)

# Phone cameras save 12–50 megapixels; 50 million pixels decode to about 150 MB of RAM.
MAX_IMAGE_PIXELS = 50_000_000
# A 10 MB .docx/.xlsx inflates to well under 100 MB (XML compresses about 10:1).
MAX_INFLATED_BYTES = 100 * 1024 * 1024
# Ordinary XML deflates up to about 100:1; a zip bomb reaches 1000:1.
MAX_RATIO = 200
RATIO_CHECKED_FROM = 1024 * 1024  # tiny parts may compress at any ratio without harm
MAX_ZIP_ENTRIES = 5000
# Checking reads every object (about a millisecond each): a plan has hundreds, a long report
# with links a few thousand. pypdf itself bounds each inflated stream (75 MB).
MAX_PDF_OBJECTS = 50_000
READ_CHUNK = 64 * 1024

_MAGIC = {
    "pdf": b"%PDF-",
    "jpeg": b"\xff\xd8\xff",
    "png": b"\x89PNG\r\n\x1a\n",
    "docx": b"PK\x03\x04",
    "xlsx": b"PK\x03\x04",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Tags a browser would run as a page. Long enough (with the delimiter after the name) that
# compressed binary data matches them by chance about once in a million 10 MB files.
_HTML = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|object|embed)[\s>/]", re.IGNORECASE
)
_OOXML_MAIN = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def _error(message, code):
    return ValidationError(message, code=code)


def _too_big(upload, limit):
    if getattr(upload, "truncated", False):
        return _error(
            _("The file is larger than %(limit)s, the limit. Choose a smaller file.")
            % {"limit": filesizeformat(limit)},
            "too_big",
        )
    return _error(
        _("The file is %(size)s; the limit is %(limit)s.")
        % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        "too_big",
    )


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


# --- PDF -----------------------------------------------------------------------------------------

_PDF_JS = {"/JS", "/JavaScript", "/XFA"}  # XFA forms carry their own scripts
_PDF_LAUNCH = {"/Launch"}
_PDF_EMBEDDED = {"/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/FileAttachment"}
_PDF_AUTO = {"/AA"}
# Actions that run something, open another file or send data, by their /S name.
_PDF_ACTIONS = {
    "/JavaScript": "js",
    "/Launch": "launch",
    "/ImportData": "auto",
    "/SubmitForm": "auto",
    "/GoToE": "embedded",
    "/RichMediaExecute": "embedded",
}
_PDF_OPENING = {"/GoTo", "/JavaScript", "/Launch"}


def _resolved(value):
    # A name can hide behind a reference (/S 9 0 R): compare what it points to.
    return value.get_object() if isinstance(value, IndirectObject) else value


def _pdf_problem(value, seen, budget) -> str | None:
    """What a PDF object carries that runs or hides something, following references once."""
    stack = [value]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > budget:
                return "too_complex"
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            for name, value in obj.items():
                item = _resolved(value)
                if name in _PDF_JS:
                    return "js"
                if name in _PDF_LAUNCH:
                    return "launch"
                if name in _PDF_EMBEDDED:
                    return "embedded"
                if name in _PDF_AUTO:
                    return "auto"
                if name == "/S" and isinstance(item, NameObject) and item in _PDF_ACTIONS:
                    return _PDF_ACTIONS[item]
                if name in ("/Type", "/Subtype") and item in _PDF_EMBEDDED:
                    return "embedded"
                # Opening at a page is common and harmless; any other action on opening is
                # refused (a script or a launch is named by the walk).
                if (
                    name == "/OpenAction"
                    and isinstance(item, DictionaryObject)
                    and _resolved(item.get("/S")) not in _PDF_OPENING
                ):
                    return "auto"
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return None


def _check_pdf(data: bytes) -> None:
    if _HTML.search(data):
        raise _error(
            _(
                "The PDF file also contains a web page (HTML). Print it to PDF again from the "
                "original document and upload that."
            ),
            "pdf_html",
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _error(
                _("The PDF file is protected by a password. Save it without a password."),
                "pdf_encrypted",
            )
        listed = sum(len(objects) for objects in reader.xref.values()) + len(reader.xref_objStm)
        if listed > MAX_PDF_OBJECTS:
            raise _error(
                _("The PDF file is too complex to check. Print it to PDF again, or split it."),
                "pdf_too_complex",
            )
        if len(reader.pages) < 1:
            raise _error(_("The PDF file has no pages."), "pdf_empty")
        seen: set = set()
        problem = _pdf_problem(reader.trailer, seen, MAX_PDF_OBJECTS)
        # Objects no page points to still reach a viewer that rebuilds a broken file: check all.
        for generation, objects in reader.xref.items():
            for idnum in objects:
                if problem:
                    break
                problem = _pdf_problem(
                    IndirectObject(idnum, generation, reader), seen, MAX_PDF_OBJECTS
                )
        for idnum in reader.xref_objStm:
            if problem:
                break
            problem = _pdf_problem(IndirectObject(idnum, 0, reader), seen, MAX_PDF_OBJECTS)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
        # AttributeError and friends: pypdf on a file too broken to be a PDF.
        raise _error(
            _("The PDF file is damaged and cannot be read. Save it again as PDF."), "pdf_damaged"
        ) from error
    except RecursionError as error:
        raise _error(
            _("The PDF file is too complex to check. Print it to PDF again, or split it."),
            "pdf_complex",
        ) from error
    messages = {
        "js": _(
            "The PDF file contains JavaScript code. Print it to PDF again without scripts "
            "and upload that."
        ),
        "launch": _(
            "The PDF file contains a command that opens another program (Launch). Print it "
            "to PDF again and upload that."
        ),
        "embedded": _(
            "The PDF file has other files embedded in it. Upload the plan alone, as a plain PDF."
        ),
        "auto": _(
            "The PDF file contains actions that run by themselves when it is opened. Print it "
            "to PDF again and upload that."
        ),
        "too_complex": _(
            "The PDF file is too complex to check. Print it to PDF again, or split it."
        ),
    }
    if problem:
        raise _error(messages[problem], f"pdf_{problem}")


# --- Word / Excel (OOXML) ------------------------------------------------------------------------


def _bomb():
    return _error(
        _(
            "The Office file unpacks to far more data than a document holds (a “zip bomb”). "
            "Open it and save it again."
        ),
        "zip_bomb",
    )


def _check_ooxml(upload, kind: str) -> None:
    damaged = _error(
        _("The Word or Excel file is damaged and cannot be read. Open it and save it again."),
        "office_damaged",
    )
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise _bomb()
            # First from the directory: the sizes the archive declares.
            declared = sum(info.file_size for info in infos)
            if declared > MAX_INFLATED_BYTES:
                raise _bomb()
            for info in infos:
                if info.file_size > RATIO_CHECKED_FROM and info.file_size > MAX_RATIO * max(
                    info.compress_size, 1
                ):
                    raise _bomb()
            names = {info.filename.lower() for info in infos}
            if "[content_types].xml" not in names:
                raise damaged
            if any(
                name.endswith(("vbaproject.bin", "vbaprojectsignature.bin", "vbadata.xml"))
                or "/macrosheets/" in name
                for name in names
            ):
                raise _macros()
            # Then while reading: a directory can lie, the inflated bytes cannot.
            inflated = 0
            content_types = b""
            for info in infos:
                with archive.open(info) as member:
                    part = []
                    while chunk := member.read(READ_CHUNK):
                        inflated += len(chunk)
                        if inflated > MAX_INFLATED_BYTES:
                            raise _bomb()
                        if info.filename.lower() == "[content_types].xml":
                            part.append(chunk)
                    if part:
                        content_types = b"".join(part)
    except ValidationError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        RuntimeError,
        OSError,
        EOFError,
    ):
        # NotImplementedError: an unknown compression method; RuntimeError: an encrypted part.
        raise damaged from None
    finally:
        upload.seek(0)
    if b"macroenabled" in content_types.lower() or b"vbaproject" in content_types.lower():
        raise _macros()
    try:
        root = ElementTree.fromstring(content_types)  # noqa: S314 (expat refuses entity bombs)
    except ElementTree.ParseError:
        raise damaged from None
    types = {
        element.get("ContentType", "")
        for element in root
        if element.tag in (f"{_CT_NS}Override", f"{_CT_NS}Default")
    }
    if _OOXML_MAIN[kind] not in types:
        raise _mismatch(f".{kind}")


def _macros():
    return _error(
        _(
            "The Office file contains macros. Save it as a Word document (.docx) or Excel "
            "workbook (.xlsx) without macros."
        ),
        "office_macros",
    )


# --- Images --------------------------------------------------------------------------------------


def _reencode(upload, data: bytes, kind: str) -> UploadedFile:
    if _HTML.search(data):
        raise _error(
            _("The image file also contains a web page (HTML). Save the picture again."),
            "image_html",
        )
    damaged = _error(
        _("The image is damaged and cannot be opened. Save the picture again."), "image_damaged"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind.upper()]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _too_many_pixels(width, height)
                # A cut-off picture is damaged, whatever another library set globally.
                ImageFile.LOAD_TRUNCATED_IMAGES = False
                image.load()
                if kind == "jpeg":
                    # Turn the picture as the camera meant; the re-encode drops EXIF (with GPS).
                    image = ImageOps.exif_transpose(image)
                    if image.mode not in ("RGB", "L", "CMYK"):
                        image = image.convert("RGB")
                    out = io.BytesIO()
                    image.save(out, format="JPEG", quality=90)
                else:
                    out = io.BytesIO()
                    image.save(out, format="PNG")
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(0, 0) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        # Pillow raises these for truncated or malformed image data.
        raise damaged from None
    return SimpleUploadedFile(upload.name, out.getvalue(), content_type=f"image/{kind}")


def _too_many_pixels(width, height):
    if width and height:
        message = _(
            "The image is %(width)d × %(height)d pixels; the limit is %(limit)d million pixels. "
            "Make the picture smaller."
        ) % {"width": width, "height": height, "limit": MAX_IMAGE_PIXELS // 1_000_000}
    else:
        message = _(
            "The image has more than %(limit)d million pixels. Make the picture smaller."
        ) % {"limit": MAX_IMAGE_PIXELS // 1_000_000}
    return _error(message, "image_too_big")


# --- Entry points --------------------------------------------------------------------------------


def _mismatch(ext):
    return _error(
        _("The content of this file does not match its name (%(ext)s). Upload %(allowed)s.")
        % {"ext": ext, "allowed": ALLOWED_HELP},
        "bad_content",
    )


def clean_document(upload) -> UploadedFile:
    """Check an upload by its content; return the file to store (images re-encoded).

    Raises ``ValidationError`` with a message that names the problem.
    """
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit or getattr(upload, "truncated", False):
        raise _too_big(upload, limit)
    ext = os.path.splitext(upload.name)[1].lower()
    if ext in LEGACY_OFFICE:
        raise _error(
            _(
                "Old Word/Excel files (.doc, .xls) are not accepted. Open the file and save it "
                "as .docx, .xlsx or .pdf."
            ),
            "legacy_office",
        )
    kind = ALLOWED_EXTENSIONS.get(ext)
    if kind is None:
        raise _error(
            _("This type of file is not accepted. Upload %(allowed)s.") % {"allowed": ALLOWED_HELP},
            "bad_extension",
        )
    data = _read_all(upload)
    if data.startswith(_OLE_MAGIC):
        raise _error(
            _(
                "This is an old Word/Excel file (.doc, .xls) or one protected by a password. "
                "Open it and save it as .docx, .xlsx or .pdf, without a password."
            ),
            "legacy_office",
        )
    if not data.startswith(_MAGIC[kind]):
        raise _mismatch(ext)
    if kind == "pdf":
        _check_pdf(data)
    elif kind in ("docx", "xlsx"):
        _check_ooxml(upload, kind)
    else:
        return _reencode(upload, data, kind)
    return upload


def validate_document(upload) -> None:
    """The checks of :func:`clean_document` as a validator (the re-encoded image is dropped)."""
    clean_document(upload)


class DocumentField(forms.FileField):
    """A file field for plans and evidence: the content checks, the stated types, and the size
    limit the page checks before sending (``static/js/upload-limit.js``)."""

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        # Only a new upload is checked; a stored file handed back as ``initial`` is kept as is.
        if isinstance(value, UploadedFile):
            value = clean_document(value)
        return value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["accept"] = ACCEPT
        return attrs

    def __deepcopy__(self, memo):
        # Each form gets its own copy of the field: read the limit now, so a changed setting
        # (and the language of the request) shows on the page.
        result = super().__deepcopy__(memo)
        limit = settings.UPLOAD_MAX_BYTES
        result.widget.attrs["data-max-bytes"] = str(limit)
        result.widget.attrs["data-too-big"] = _(
            "The file is larger than %(limit)s, the limit. Choose a smaller file."
        ) % {"limit": filesizeformat(limit)}
        return result


# --- Serving what was stored ------------------------------------------------------------------

IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


def stored_file_response(stored, filename: str, *, photos_inline: bool = False) -> FileResponse:
    """A stored upload as a download named ``filename``; 404 when the file is gone from disk.

    The caller has already found ``stored`` through the scoped queryset that decides who may
    see it. With ``photos_inline``, a photo opens in the browser (its content was checked and
    re-encoded at upload); everything else is an attachment."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    ext = os.path.splitext(stored.name)[1].lower()
    if photos_inline and ext in IMAGE_TYPES:
        return FileResponse(handle, content_type=IMAGE_TYPES[ext], filename=filename)
    return FileResponse(handle, as_attachment=True, filename=filename or stored.name)
