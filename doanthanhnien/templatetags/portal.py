from django import template
from django.utils.formats import number_format

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
