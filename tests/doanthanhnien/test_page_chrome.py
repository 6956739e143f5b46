"""What every page around its content offers a keyboard or screen-reader user: a skip link to
the main content, a labelled main menu, and the menu link of the page being shown marked as
current (``aria-current="page"``), the one of its section highlighted."""

import re

import pytest
from django.urls import reverse


def menu_links(html: str) -> list[str]:
    """The <a> tags of the main menu (between the brand and the account menu)."""
    nav = re.search(r'<nav class="navbar[^"]*"[^>]*>(.*?)</nav>', html, re.S).group(1)
    menu = nav.split('id="mainnav"', 1)[1].split("usermenu-toggle", 1)[0]
    return re.findall(r"<a [^>]*>", menu)


def test_it_offers_a_skip_link_to_the_main_content_first(client, officer):
    client.force_login(officer)

    html = client.get(reverse("home")).text

    body = html.split("<body>", 1)[1]
    first_link = re.search(r"<a [^>]*>", body).group(0)
    assert 'href="#main"' in first_link
    assert "visually-hidden-focusable" in first_link
    assert re.search(r'<main id="main"[^>]*tabindex="-1"', html)


@pytest.mark.parametrize("path", [reverse("login"), reverse("home")])
def test_every_nav_landmark_has_a_name(client, officer, path):
    if path != reverse("login"):
        client.force_login(officer)

    html = client.get(path, follow=True).text

    navs = re.findall(r"<nav[^>]*>", html)
    assert navs
    assert all("aria-label=" in nav for nav in navs), navs


@pytest.mark.parametrize(
    ("path", "current"),
    [
        (reverse("home"), reverse("home")),
        (reverse("registry:review-queue"), reverse("registry:review-queue")),
        (reverse("registry:completeness") + "?year=2022", reverse("registry:completeness")),
        (reverse("accounts:list"), reverse("accounts:list")),
    ],
)
def test_the_menu_marks_the_current_page_and_only_it(client, officer, path, current):
    client.force_login(officer)

    links = menu_links(client.get(path).text)

    marked = [a for a in links if 'aria-current="page"' in a]
    assert len(marked) == 1, links
    assert f'href="{current}"' in marked[0]
    assert "active" in marked[0]
    assert all("active" not in a for a in links if a not in marked)


def test_the_menu_highlights_the_section_of_a_page_below_it(client, officer):
    client.force_login(officer)

    links = menu_links(client.get(reverse("accounts:create")).text)

    accounts = next(a for a in links if f'href="{reverse("accounts:list")}"' in a)
    assert "active" in accounts
    assert 'aria-current="page"' not in accounts
    home = next(a for a in links if f'href="{reverse("home")}"' in a)
    assert "active" not in home  # "/" is the start of every path, not a section


def test_the_secretary_menu_marks_my_union(client, secretary_a):
    client.force_login(secretary_a)

    links = menu_links(client.get(reverse("registry:my-unit")).text)

    marked = [a for a in links if 'aria-current="page"' in a]
    assert [f'href="{reverse("registry:my-unit")}"' in a for a in marked] == [True]
