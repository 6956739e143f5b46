"""Hooks by which the programme apps add to the core app's pages and commands.

The core app (units, accounts, the home page) must not import the programme app: dependencies
point one way. Instead a programme app registers, in its ``AppConfig.ready()``, a panel for the
home page and one for a unit's page (a template and a function giving its context) and a seeder
for ``seed_demo``.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HomePanel:
    template: str
    context: Callable[..., dict]  # context(user=, params=) -> dict merged into the page's


_home_panels: list[HomePanel] = []
_unit_panels: list[HomePanel] = []
_demo_seeders: list[Callable[..., None]] = []


def register_home_panel(*, template: str, context: Callable[..., dict]) -> None:
    panel = HomePanel(template=template, context=context)
    if panel not in _home_panels:
        _home_panels.append(panel)


def home_panels(*, user, params) -> dict:
    """The registered panels' templates (in order) and their merged context."""
    context, templates = {}, []
    for panel in _home_panels:
        context.update(panel.context(user=user, params=params))
        templates.append(panel.template)
    context["panel_templates"] = templates
    return context


def register_unit_panel(*, template: str, context: Callable[..., dict]) -> None:
    """A panel on a unit's page: ``context(user=, unit=, params=)``. A ``day`` in its context
    (the reference day of the year it shows) chooses which unions below the page lists."""
    panel = HomePanel(template=template, context=context)
    if panel not in _unit_panels:
        _unit_panels.append(panel)


def unit_panels(*, user, unit, params) -> dict:
    """The registered unit-page panels' templates (in order) and their merged context."""
    context, templates = {}, []
    for panel in _unit_panels:
        context.update(panel.context(user=user, unit=unit, params=params))
        templates.append(panel.template)
    context["panel_templates"] = templates
    return context


def register_demo_seeder(seeder: Callable[..., None]) -> None:
    if seeder not in _demo_seeders:
        _demo_seeders.append(seeder)


def demo_seeders() -> list[Callable[..., None]]:
    return list(_demo_seeders)
