"""Hooks by which the programme apps add to the core app's pages and commands.

The core app (units, accounts, the home page) must not import the programme app: dependencies
point one way. Instead a programme app registers, in its ``AppConfig.ready()``, a panel for the
home page (a template and a function giving its context) and a seeder for ``seed_demo``.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HomePanel:
    template: str
    context: Callable[..., dict]  # context(user=, params=) -> dict merged into the page's


_home_panels: list[HomePanel] = []
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


def register_demo_seeder(seeder: Callable[..., None]) -> None:
    if seeder not in _demo_seeders:
        _demo_seeders.append(seeder)


def demo_seeders() -> list[Callable[..., None]]:
    return list(_demo_seeders)
