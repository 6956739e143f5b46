"""Server-side SVG charts drawn from the summary's own rows (no JavaScript, no library).

Each chart is an accessible image: ``role="img"`` with a ``<title>`` and a ``<desc>`` that
reads the numbers out, dark text on white for contrast, and a viewBox that scales down to a
390 px phone. The page shows the same numbers in a table next to each chart.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 360
TEXT = "#212529"  # contrast 16:1 on white
BAR = "#0a4ea2"  # the union's blue, as on the navigation bar
SECOND = "#146c43"  # green: a second measure beside the blue one (7:1 on white)
TARGET = "#b02a37"


@dataclass
class Bar:
    label: str
    value: int
    shown: str  # the value as the page prints it ("1.234")


def _svg(chart_id: str, title: str, desc: str, height: int, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 — every text below went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'class="chart" id="{chart_id}" font-family="system-ui, sans-serif" font-size="13">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _wrap(text: str, width: int = 42) -> list[str]:
    """Words into lines of at most ``width`` characters (SVG text does not wrap by itself)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def horizontal_bars(
    chart_id: str,
    title: str,
    bars: list[Bar],
    second: list[Bar] | None = None,
    legend: tuple[str, str] = ("", ""),
) -> SafeString:
    """Label lines above each bar (long Vietnamese names need the whole width on a phone).
    With ``second`` (the same labels, another measure, e.g. youth supported beside youth
    planned) each label gets a pair of bars and the chart a legend."""
    values = [b.value for b in bars] + [b.value for b in second or []]
    top = max(values, default=0) or 1
    line, body, y = 16, [], 0
    if second is not None:
        for index, (name, colour) in enumerate(zip(legend, (BAR, SECOND), strict=True)):
            x = index * WIDTH // 2
            body.append(
                f'<rect x="{x}" y="2" width="12" height="12" fill="{colour}"/>'
                f'<text x="{x + 18}" y="13" fill="{TEXT}">{escape(name)}</text>'
            )
        y = 22
    for index, bar in enumerate(bars):
        for text in _wrap(bar.label):
            y += line
            body.append(f'<text x="0" y="{y - 3}" fill="{TEXT}">{escape(text)}</text>')
        pairs = [(bar, BAR)] + ([(second[index], SECOND)] if second is not None else [])
        for shown, colour in pairs:
            length = round((WIDTH - 60) * shown.value / top)
            body.append(
                f'<rect x="0" y="{y + 2}" width="{max(length, 1)}" height="14" fill="{colour}"/>'
                f'<text x="{length + 6}" y="{y + 14}" fill="{TEXT}" font-weight="bold">'
                f"{escape(shown.shown)}</text>"
            )
            y += 18
        y += 6
    if second is None:
        desc = "; ".join(f"{b.label}: {b.shown}" for b in bars)
    else:
        desc = "; ".join(
            f"{b.label}: {legend[0]} {b.shown}, {legend[1]} {o.shown}"
            for b, o in zip(bars, second, strict=True)
        )
    return _svg(chart_id, title, desc, max(y, 24), body)


def trend(
    chart_id: str, title: str, bars: list[Bar], target: int | None, target_label: str = ""
) -> SafeString:
    """Vertical bars per year (a share in per cent, 0–100) with the target as a line."""
    height, base, top_pad = 200, 170, 20
    slot = WIDTH / max(len(bars), 1)
    body = [f'<line x1="0" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="{TEXT}"/>']
    for index, bar in enumerate(bars):
        h = round((base - top_pad) * min(bar.value, 100) / 100)
        x = round(index * slot + slot * 0.2)
        w = round(slot * 0.6)
        body.append(
            f'<rect x="{x}" y="{base - h}" width="{w}" height="{h}" fill="{BAR}"/>'
            f'<text x="{x + w / 2}" y="{base - h - 4}" text-anchor="middle" fill="{TEXT}" '
            f'font-weight="bold">{escape(bar.shown)}</text>'
            f'<text x="{x + w / 2}" y="{base + 18}" text-anchor="middle" fill="{TEXT}">'
            f"{escape(bar.label)}</text>"
        )
    if target is not None:
        y = base - round((base - top_pad) * target / 100)
        body.append(
            f'<line x1="0" y1="{y}" x2="{WIDTH}" y2="{y}" stroke="{TARGET}" '
            f'stroke-dasharray="6 4" stroke-width="2"/>'
            f'<text x="{WIDTH}" y="{y - 4}" text-anchor="end" fill="{TARGET}">'
            f"{escape(target_label)}</text>"
        )
    desc = "; ".join(f"{b.label}: {b.shown}" for b in bars)
    return _svg(chart_id, title, desc, height, body)
