"""Hostile uploads are refused by their content, with a message that names the problem.

Every file is built here: small ones as bytes, zip bombs on the fly from zeros (which deflate
about 1000:1). Legitimate files are made with the same libraries people's programmes use.
"""

import io
import struct
import zipfile
import zlib

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import LimitedStream
from django.test import RequestFactory
from django.test.client import FakePayload
from django.urls import reverse
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from doanthanhnien.upload_handlers import OversizeUpload, SizeLimitUploadHandler
from models_registry import uploads
from models_registry.models import Registration, ResultReport, ResultReportEvidence
from models_registry.uploads import MAX_IMAGE_PIXELS, clean_document
from tests.factories import PDF_BYTES

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MB = 1024 * 1024


# --- Builders ------------------------------------------------------------------------------------


def raw_pdf(*objects: bytes, header: bytes = b"%PDF-1.4\n") -> bytes:
    """A PDF written by hand (object 1 is the catalog), with a correct cross-reference table."""
    out = bytearray(header)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PAGES = (
    b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
    b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
)


def pdf_with(change) -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    change(writer, page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def action(kind: str, **entries) -> DictionaryObject:
    result = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        result[NameObject(f"/{key}")] = TextStringObject(value)
    return result


def names_js(writer, page):
    """Document-level JavaScript, run when the file opens (the /Names /JavaScript tree)."""
    tree = DictionaryObject(
        {
            NameObject("/Names"): ArrayObject(
                [TextStringObject("start"), action("/JavaScript", JS="app.alert(1)")]
            )
        }
    )
    writer.root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_parts(main_type: str = DOCX_MAIN) -> dict[str, bytes]:
    return {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{main_type}"/></Types>'
        ).encode(),
        "_rels/.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            b"</Relationships>"
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
            'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Kế hoạch '
            "triển khai mô hình</w:t></w:r></w:p></w:body></w:document>"
        ).encode(),
    }


def xlsx_parts() -> dict[str, bytes]:
    workbook = Workbook()
    workbook.active["A1"] = "Kế hoạch triển khai"
    workbook.active["B2"] = 5_000_000
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def deflated_zeros(size: int) -> tuple[bytes, int]:
    """Raw deflate data for ``size`` zero bytes, and its CRC: one compressed megabyte, repeated
    (a full flush makes each copy stand alone), so a 300 MB bomb takes a moment to build."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final block
    crc = 0
    for _ in range(size // MB):
        crc = zlib.crc32(bytes(MB), crc)
    return block * (size // MB) + last, crc


def with_bomb(parts: dict[str, bytes], name: str, size: int) -> bytes:
    """An Office file plus one part of ``size`` zero bytes, written as a zip by hand."""
    members = []
    for part, data in parts.items():
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        raw = compressor.compress(data) + compressor.flush()
        members.append((part.encode(), raw, zlib.crc32(data), len(data)))
    members.append((name.encode(), *deflated_zeros(size), size))
    out, directory = bytearray(), bytearray()
    for filename, raw, crc, length in members:
        offset = len(out)
        sizes = struct.pack("<III", crc, len(raw), length)
        out += struct.pack("<IHHHHH", 0x04034B50, 20, 0, 8, 0, 0) + sizes
        out += struct.pack("<HH", len(filename), 0) + filename + raw
        directory += struct.pack("<IHHHHHH", 0x02014B50, 20, 20, 0, 8, 0, 0) + sizes
        directory += struct.pack("<HHHHHII", len(filename), 0, 0, 0, 0, 0, offset) + filename
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(out), 0
    )
    return bytes(out + directory + end)


def image_bytes(kind: str, size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 40)).save(buffer, format=kind)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` × ``height`` with almost no pixel data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def refused(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        clean_document(SimpleUploadedFile(name, content))
    return caught.value


# --- PDF -----------------------------------------------------------------------------------------


def test_a_pdf_that_is_also_a_web_page_is_refused(english):
    polyglot = raw_pdf(
        b"<</Type/Catalog/Pages 2 0 R>>",
        *PAGES,
        header=b"%PDF-1.4\n%<html><body><script>alert(document.cookie)</script></body></html>\n",
    )

    error = refused("ke-hoach.pdf", polyglot)

    assert error.code == "pdf_html"
    assert "web page (HTML)" in error.messages[0]


@pytest.mark.parametrize(
    ("change", "code", "words"),
    [
        (
            lambda w, p: w.root_object.__setitem__(
                NameObject("/OpenAction"), action("/JavaScript", JS="app.alert(1)")
            ),
            "pdf_js",
            "JavaScript",
        ),
        (names_js, "pdf_js", "JavaScript"),
        (
            lambda w, p: w.root_object.__setitem__(
                NameObject("/OpenAction"), action("/Launch", F="cmd.exe")
            ),
            "pdf_launch",
            "opens another program",
        ),
        (lambda w, p: w.add_attachment("setup.exe", b"MZ\x90\x00"), "pdf_embedded", "embedded"),
        (
            lambda w, p: p.__setitem__(
                NameObject("/AA"),
                DictionaryObject({NameObject("/O"): action("/URI", URI="http://example.com")}),
            ),
            "pdf_auto",
            "run by themselves",
        ),
        (
            lambda w, p: w.root_object.__setitem__(
                NameObject("/OpenAction"), action("/URI", URI="http://example.com")
            ),
            "pdf_auto",
            "run by themselves",
        ),
    ],
    ids=["openaction-js", "names-js", "launch", "embedded-file", "page-aa", "openaction-uri"],
)
def test_a_pdf_that_runs_or_hides_something_is_refused(english, change, code, words):
    error = refused("ke-hoach.pdf", pdf_with(change))

    assert error.code == code
    assert words in error.messages[0]


def test_javascript_under_an_escaped_name_is_found(english):
    # "/Java#53cript" and "/J#53" are "/JavaScript" and "/JS" to a PDF reader; a byte search
    # for "/JS" would miss them.
    hidden = raw_pdf(
        b"<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>",
        *PAGES,
        b"<</S/Java#53cript/J#53 (app.alert(1))>>",
    )

    assert refused("ke-hoach.pdf", hidden).code == "pdf_js"


def test_an_action_named_through_a_reference_is_found(english):
    indirect = raw_pdf(
        b"<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>",
        *PAGES,
        b"<</S 5 0 R/F (cmd.exe)>>",
        b"/Launch",
    )

    assert refused("ke-hoach.pdf", indirect).code == "pdf_launch"


def test_javascript_in_an_object_no_page_uses_is_found(english):
    orphan = raw_pdf(
        b"<</Type/Catalog/Pages 2 0 R>>", *PAGES, b"<</S/JavaScript/JS (app.alert(1))>>"
    )

    assert refused("ke-hoach.pdf", orphan).code == "pdf_js"


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.7\nnothing else", b"%PDF-1.4\n" + b"\x00" * 2048, PDF_BYTES[: len(PDF_BYTES) // 2]],
    ids=["no-body", "zeros", "cut-in-half"],
)
def test_a_damaged_pdf_is_refused(english, content):
    assert refused("ke-hoach.pdf", content).code == "pdf_damaged"


def test_a_pdf_with_too_many_objects_to_check_is_refused(english, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PDF_OBJECTS", 3)
    many = raw_pdf(b"<</Type/Catalog/Pages 2 0 R>>", *PAGES, b"<<>>")

    assert refused("ke-hoach.pdf", many).code == "pdf_too_complex"


def test_a_plain_pdf_that_opens_at_its_first_page_is_accepted():
    # /OpenAction to a page (a destination, or a GoTo action) is what most office programmes write.
    def open_at_page(writer, page):
        writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/GoTo"), NameObject("/D"): page.indirect_reference}
        )

    content = pdf_with(open_at_page)

    assert clean_document(SimpleUploadedFile("ke-hoach.pdf", content)).read() == content


# --- Word / Excel --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "parts", "member"),
    [
        ("ke-hoach.docx", docx_parts, "word/media/image1.png"),
        ("du-toan.xlsx", xlsx_parts, "xl/media/image1.png"),
    ],
)
def test_a_zip_bomb_named_as_an_office_file_is_refused(english, name, parts, member):
    bomb = with_bomb(parts(), member, 300 * MB)
    assert len(bomb) < 1 * MB  # small enough to pass the size limit

    error = refused(name, bomb)

    assert error.code == "zip_bomb"
    assert "zip bomb" in error.messages[0]


def test_a_part_that_inflates_far_beyond_its_size_is_refused(english):
    # 20 MB is under the total bound: the ratio (about 1000:1) gives it away.
    assert refused("a.docx", with_bomb(docx_parts(), "word/big.xml", 20 * MB)).code == "zip_bomb"


def test_a_zip_directory_that_understates_a_part_is_caught_while_reading(english):
    bomb = bytearray(with_bomb(docx_parts(), "word/big.xml", 8 * MB))
    # Rewrite the declared size of the last part, in the central directory, to 1 KB.
    struct.pack_into("<I", bomb, bomb.rfind(b"PK\x01\x02") + 24, 1024)

    error = refused("a.docx", bytes(bomb))

    assert error.code in {"office_damaged", "zip_bomb"}


def xlsm(*, vba=True, content_type=True) -> bytes:
    parts = xlsx_parts()
    if vba:
        parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    if content_type:
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
    return zip_bytes(parts)


@pytest.mark.parametrize(
    "content",
    [
        xlsm(),
        xlsm(content_type=False),
        xlsm(vba=False),
        zip_bytes({**xlsx_parts(), "xl/macrosheets/sheet1.xml": b"<xm:macrosheet/>"}),
    ],
    ids=["xlsm-renamed", "vba-project-only", "macro-content-type-only", "excel4-macro-sheet"],
)
def test_an_office_file_with_macros_is_refused(english, content):
    error = refused("du-toan.xlsx", content)

    assert error.code == "office_macros"
    assert "macros" in error.messages[0]


def test_a_word_document_with_macros_named_docx_is_refused(english):
    docm = docx_parts("application/vnd.ms-word.document.macroEnabled.main+xml")
    docm["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0"

    assert refused("ke-hoach.docx", zip_bytes(docm)).code == "office_macros"


def test_a_spreadsheet_named_docx_is_refused(english):
    assert refused("ke-hoach.docx", zip_bytes(xlsx_parts())).code == "bad_content"


@pytest.mark.parametrize("name", ["ke-hoach.doc", "du-toan.xls", "ke-hoach.docx"])
def test_an_ole_file_is_refused_with_a_message_to_save_it_again(english, name):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8

    error = refused(name, ole)

    assert error.code == "legacy_office"
    assert ".docx, .xlsx or .pdf" in error.messages[0]


# --- Images --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kind"), [("anh.jpg", "JPEG"), ("anh.png", "PNG")])
def test_an_image_with_a_web_page_appended_is_refused(english, name, kind):
    content = image_bytes(kind) + b"<html><body><script>alert(1)</script></body></html>"

    error = refused(name, content)

    assert error.code == "image_html"
    assert "web page (HTML)" in error.messages[0]


def test_a_png_claiming_65535_by_65535_pixels_is_refused_before_decoding(english):
    error = refused("anh.png", png_header_only(65535, 65535))

    assert error.code == "image_too_big"
    assert "million pixels" in error.messages[0]


def test_an_image_over_the_pixel_limit_names_its_size(english):
    error = refused("anh.png", png_header_only(10_000, MAX_IMAGE_PIXELS // 10_000 + 1))

    assert error.code == "image_too_big"
    assert "10000 × 5001 pixels" in error.messages[0]


@pytest.mark.parametrize(("name", "kind"), [("anh.jpg", "JPEG"), ("anh.png", "PNG")])
def test_a_cut_off_image_is_refused(english, name, kind):
    content = image_bytes(kind, size=(400, 300))

    assert refused(name, content[: len(content) // 2]).code == "image_damaged"


@pytest.mark.parametrize(("name", "kind"), [("anh.jpg", "JPEG"), ("anh.png", "PNG")])
def test_a_reencoded_image_has_no_appended_bytes(name, kind):
    trailer = b"\x00PK\x03\x04 anything after the picture"
    original = image_bytes(kind)

    cleaned = clean_document(SimpleUploadedFile(name, original + trailer)).read()

    assert trailer not in cleaned
    assert cleaned.endswith(b"\xff\xd9" if kind == "JPEG" else b"IEND\xaeB`\x82")
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == kind
        assert image.size == (40, 30)


def test_a_photo_loses_its_location_but_keeps_its_orientation():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: the camera was held upright
    exif[0x8825] = {1: "N", 2: (18.0, 20.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 20, 30)).save(buffer, format="JPEG", exif=exif)

    cleaned = clean_document(SimpleUploadedFile("anh.jpg", buffer.getvalue())).read()

    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.size == (30, 40)
        assert not image.getexif()


# --- What people really upload -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("Kế hoạch.pdf", PDF_BYTES),
        ("Kế hoạch.docx", zip_bytes(docx_parts())),
        ("Dự toán.xlsx", zip_bytes(xlsx_parts())),
        ("Ảnh.JPG", image_bytes("JPEG")),
        ("Ảnh.jpeg", image_bytes("JPEG")),
        ("Ảnh.png", image_bytes("PNG")),
    ],
)
def test_legitimate_files_pass(name, content):
    cleaned = clean_document(SimpleUploadedFile(name, content))

    assert cleaned.name == name
    if name.lower().endswith((".pdf", ".docx", ".xlsx")):
        assert cleaned.read() == content  # documents are stored as sent
    else:
        with Image.open(io.BytesIO(cleaned.read())) as image:
            image.load()


def test_a_spreadsheet_with_thousands_of_rows_passes():
    workbook = Workbook()
    sheet = workbook.active
    for row in range(1, 5001):
        sheet.append([row, f"Đoàn xã {row}", row * 1000, "Hỗ trợ thanh niên khuyết tật"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    assert clean_document(SimpleUploadedFile("du-toan.xlsx", buffer.getvalue()))


# --- Through the registration form ---------------------------------------------------------------


@pytest.fixture
def in_english(client, english):
    """Pages in English, so messages (and numbers like "200.0 KB") read as in the source."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def create_url(model):
    return reverse("registry:registration-create", args=[model.pk])


def form_data(**changes):
    data = {"expected_results": "Hỗ trợ 10 thanh niên.", "planned_budget": "", "save": "1"}
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("ke-hoach.pdf", pdf_with(names_js), "JavaScript"),
        ("ke-hoach.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".docx"),
        ("du-toan.xlsx", xlsm(), "macros"),
    ],
)
def test_the_form_refuses_a_hostile_file_and_names_the_problem(
    client, secretary_a, in_english, model_a, period_year, media_files, name, content, words
):
    client.force_login(secretary_a)

    response = client.post(
        create_url(model_a), form_data(plan_document=SimpleUploadedFile(name, content))
    )

    assert response.status_code == 200
    [message] = response.context["form"].errors["plan_document"]
    assert words in message
    assert not Registration.objects.exists()
    assert media_files() == []


def test_the_form_stores_the_reencoded_image(
    client, secretary_a, model_a, period_year, media_files, settings
):
    client.force_login(secretary_a)
    photo = image_bytes("JPEG") + b"trailing bytes"

    response = client.post(
        create_url(model_a), form_data(plan_document=SimpleUploadedFile("anh.jpg", photo))
    )

    assert response.status_code == 302
    registration = Registration.objects.get()
    stored = (settings.MEDIA_ROOT / registration.plan_document.name).read_bytes()
    assert b"trailing bytes" not in stored
    assert registration.plan_document_name == "anh.jpg"


def test_the_file_input_carries_the_limit_for_the_page_to_check(
    client, secretary_a, in_english, model_a, period_year, settings
):
    settings.UPLOAD_MAX_BYTES = 3 * MB
    client.force_login(secretary_a)

    page = client.get(create_url(model_a)).content.decode()

    assert 'data-max-bytes="3145728"' in page
    # The plan widget says it in its own words (static/js/file-input.js).
    assert 'data-too-big="{name} is {size}; the limit is {limit}.' in page
    assert 'accept=".pdf,.docx,.xlsx,.jpg,.jpeg,.png"' in page
    assert "js/upload-limit.js" in page


# --- The size limit, while the upload streams ----------------------------------------------------


class CountingPayload(FakePayload):
    """The request body, counting the bytes the server reads."""

    def __init__(self, content):
        super().__init__(content)
        self.bytes_read = 0

    def read(self, size=-1, /):
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def multipart_request(fields):
    request = RequestFactory().post("/", fields)
    body = request.environ["wsgi.input"].read()
    payload = CountingPayload(body)
    request._stream = LimitedStream(payload, len(body))
    return request, payload, len(body)


def test_the_handler_stops_reading_past_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 100 * 1024
    big = SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4\n" + b"0" * (5 * MB))
    request, payload, total = multipart_request(
        {"expected_results": "giữ lại", "plan_document": big}
    )

    files = request.FILES

    [upload] = files.getlist("plan_document")
    assert isinstance(upload, OversizeUpload)
    assert upload.truncated
    assert upload.name == "ke-hoach.pdf"
    assert upload.size > settings.UPLOAD_MAX_BYTES
    assert request.POST["expected_results"] == "giữ lại"  # sent before the file: kept
    # Read: the limit plus at most one chunk of the parser, not the 5 MB sent.
    assert payload.bytes_read < settings.UPLOAD_MAX_BYTES + 2 * SizeLimitUploadHandler.chunk_size
    assert payload.bytes_read < total // 10
    with pytest.raises(ValueError, match="no content"):
        upload.read()


def test_the_handler_lets_a_file_within_the_limit_through(settings):
    settings.UPLOAD_MAX_BYTES = 100 * 1024
    content = b"%PDF-1.4\n" + b"0" * (100 * 1024 - 9)
    request, payload, total = multipart_request(
        {"plan_document": SimpleUploadedFile("ke-hoach.pdf", content), "after": "1"}
    )

    [upload] = request.FILES.getlist("plan_document")

    assert not isinstance(upload, OversizeUpload)
    assert upload.read() == content
    assert request.POST["after"] == "1"
    assert payload.bytes_read == total


def test_an_oversize_upload_through_the_view_is_stopped_and_explained(
    client, secretary_a, in_english, model_a, period_year, media_files, settings, monkeypatch
):
    settings.UPLOAD_MAX_BYTES = 200 * 1024
    client.force_login(secretary_a)
    reads = []
    original = FakePayload.read

    def counting_read(self, *args):
        data = original(self, *args)
        reads.append(len(data))
        return data

    monkeypatch.setattr(FakePayload, "read", counting_read)
    big = SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4\n" + b"0" * (8 * MB))

    response = client.post(create_url(model_a), form_data(plan_document=big))

    assert response.status_code == 200
    [message] = response.context["form"].errors["plan_document"]
    assert message == "The file is larger than 200.0\xa0KB, the limit. Choose a smaller file."
    assert sum(reads) < 1 * MB  # of the 8 MB sent
    assert not Registration.objects.exists()
    assert media_files() == []


def test_the_admin_checks_evidence_like_the_form_and_cannot_touch_a_plan(rf, admin_user, english):
    request = rf.get("/")
    request.user = admin_user
    # The plan is changed only through the portal's form and its "remove" action.
    registration_form = admin.site._registry[Registration].get_form(request)
    assert "plan_document" not in registration_form.base_fields

    report_admin = admin.site._registry[ResultReport]
    [evidence_inline] = [
        inline
        for inline in report_admin.get_inline_instances(request)
        if inline.model is ResultReportEvidence
    ]
    field = evidence_inline.get_formset(request).form.base_fields["file"]

    with pytest.raises(ValidationError) as caught:
        field.clean(SimpleUploadedFile("anh.xlsx", xlsm()))
    assert caught.value.code == "office_macros"
