"""The one place that calls WeasyPrint: HTML template in, PDF bytes out.

The report's serif (Liberation Serif 2.x, metric-compatible with Times New Roman and complete
for Vietnamese) is bundled in static/fonts/ and loaded by file URL, so the PDF looks the same
on every server whatever fonts the machine has installed.
"""

import gc
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

FONT_FILES = {
    ("normal", "normal"): "fonts/LiberationSerif-Regular.ttf",
    ("bold", "normal"): "fonts/LiberationSerif-Bold.ttf",
    ("normal", "italic"): "fonts/LiberationSerif-Italic.ttf",
    ("bold", "italic"): "fonts/LiberationSerif-BoldItalic.ttf",
}
FONT_FAMILY = "Report Serif"


def font_faces() -> list[dict]:
    faces = []
    for (weight, style), name in FONT_FILES.items():
        found = finders.find(name) or str(Path(settings.BASE_DIR) / "static" / name)
        faces.append({"weight": weight, "style": style, "url": Path(found).resolve().as_uri()})
    return faces


def render_pdf(template: str, context: dict) -> bytes:
    """Render ``template`` (under templates/reports/) to a PDF, always in Vietnamese."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    with translation.override("vi"):
        html = render_to_string(
            template,
            {
                **context,
                "font_faces": font_faces(),
                "font_family": FONT_FAMILY,
                "margins": settings.REPORT_MARGINS_MM,
            },
        )
    fonts = FontConfiguration()
    # WeasyPrint allocates boxes and styles by the hundred thousand; with the collector on, each
    # of its passes also walks the whole Django heap (about 15 % of a district summary's CPU).
    # What the render leaves behind is collected once it is done.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=fonts)
    finally:
        if collecting:
            gc.enable()
