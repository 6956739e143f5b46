"""Template helpers read off the workflow specs (no queries, no rules of their own)."""

from django import template

from models_registry.workflow import spec_for

register = template.Library()


@register.filter
def badge_class(obj) -> str:
    """The Bootstrap badge class of ``obj``'s status, as its workflow spec says."""
    try:
        return spec_for(obj).badge(obj.status)
    except KeyError:
        return "text-bg-secondary"
