from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from doanthanhnien.text import quote_inner

register = template.Library()


@register.filter
def number(value, decimals=None):
    """1234567 → "1.234.567" in Vietnamese, grouped whatever USE_THOUSAND_SEPARATOR says."""
    if value is None or value == "":
        return ""
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def money(value):
    """Amounts in đồng: "1.500.000 đ"."""
    if value is None or value == "":
        return ""
    return f"{number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)} đ"


@register.filter
def inner_quotes(value):
    """For a name placed inside “…”: its own “…” become ‘…’ (see text.quote_inner)."""
    return quote_inner(str(value or ""))


@register.simple_tag(takes_context=True)
def nav_link(context, url_name, label, *args, css="nav-link"):
    """A menu link; the one for the page being shown says so (``aria-current="page"``), and
    the link of the section the page belongs to is marked active."""
    href = reverse(url_name, args=args)
    path = context["request"].path
    current = path == href
    in_section = current or (href != "/" and path.startswith(href))
    return format_html(
        '<a class="{}{}" href="{}"{}>{}</a>',
        css,
        " active" if in_section else "",
        href,
        mark_safe(' aria-current="page"') if current else "",  # noqa: S308 (a constant)
        label,
    )
