"""axe-core finds no serious or critical WCAG 2.2 AA problem on any page any role can reach.

For every demo account (and for a visitor who is not logged in) the test starts at the home
page and follows the portal's own links breadth-first: same origin, GET only (``<a href>``),
one page per URL pattern (numbers in the path and the query string do not make a new page),
no log-out, downloads or Django admin. Crawling instead of a fixed list means a
page added later is checked as soon as a menu or a page links to it.

Each page is checked at 1280 px and again at 390 px (one browser, one context per person, the
viewport resized in place); the home page also with the phone menu and the account menu open.
axe-core is vendored in ``vendor/`` (see its README) and injected as a context init script, so
the portal's Content-Security-Policy stays in force. The pages checked are listed in
``test-artifacts/accessibility.txt``; the home pages are screenshotted there too.
"""

import re
import time
from io import StringIO
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

from doanthanhnien.management.commands.seed_demo import DEMO_ACCOUNTS, DEMO_PASSWORD

from .conftest import ARTIFACTS, DESKTOP, PHONE, new_page, screenshot

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SERIOUS = ("serious", "critical")
# Enough for every kind of page a role has today, with room for the pages still to come.
MAX_PAGES_PER_PERSON = 40

# Not pages to look at: leaving the session, files, the language switch, Django's admin.
SKIP_PATH = re.compile(
    r"^/(admin|i18n|static|media)/|^/accounts/logout"
    r"|/(plan|download|evidence|file)/|\.(pdf|xlsx|xls|csv|docx?|zip|png|jpe?g)$"
)

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target.join(" "),
        html: n.html.slice(0, 160),
        summary: (n.failureSummary || "").split("\\n").slice(1, 2).join(" ").trim(),
      })),
    }));
}"""

# Boxes that scroll sideways (more than a pixel of rounding) without being reachable by keyboard
# or without a name (axe only flags them from 13 px of overflow, and not when a link inside
# can take the focus; arrow keys scroll only a box that has the focus itself).
UNREACHABLE_SCROLLERS = """() => Array.from(document.querySelectorAll("main *"))
  .filter((el) => el.scrollWidth > el.clientWidth + 1
                  && ["auto", "scroll"].includes(getComputedStyle(el).overflowX))
  .filter((el) => el.getAttribute("tabindex") !== "0" || !el.getAttribute("aria-label")
                  && !el.getAttribute("aria-labelledby"))
  .map((el) => el.outerHTML.slice(0, 120))"""

LINKS = """() => Array.from(document.querySelectorAll("a[href]"))
  .filter((a) => !a.hasAttribute("download") && !a.dataset.bsToggle)
  .map((a) => a.href)"""


def url_pattern(url: str) -> str:
    """ "/registry/models/12/edit/?year=2022" → "/registry/models/#/edit/": numbers in the path
    and the query string (filters, pages, years) show the same template."""
    return re.sub(r"\d+", "#", urlsplit(url).path)


def test_url_pattern_ignores_numbers_and_the_query():
    assert url_pattern("http://x/registry/models/12/?year=2022&page=2") == "/registry/models/#/"
    assert url_pattern("http://x/registry/models/7/edit/") != url_pattern("http://x/registry/")


def test_describe_lists_rule_elements_and_pages_once_per_problem():
    findings = {
        ("color-contrast (serious): Elements must meet …", "contrast of 3.54"): {
            "elements": {f"a:nth-child({i})": f"<a>{i}</a>" for i in range(5)},
            "pages": [f"demo_tinh /p{i}/ @390" for i in range(8)],
        }
    }

    text = describe(findings)

    assert text.count("color-contrast") == 1
    assert "contrast of 3.54" in text
    assert "a:nth-child(0)  <a>0</a>" in text and "… and 2 more elements" in text
    assert "on 8 page(s): demo_tinh /p0/ @390;" in text and "… and 2 more" in text


class Crawl:
    """Walks one person's pages breadth-first and runs axe on each at both widths."""

    def __init__(self, page, base_url: str, who: str):
        self.page, self.base, self.who = page, base_url, who
        self.findings: dict[tuple, dict] = {}  # (rule, what failed) → elements and pages
        self.visited: list[str] = []
        self.seconds = 0.0

    def check(self, where: str):
        started = time.monotonic()
        # Let a resize reach the page's layout (and portal.js's observers) before axe looks.
        self.page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        for v in self.page.evaluate(RUN_AXE, WCAG_TAGS):
            for node in v["nodes"]:
                key = (f"{v['id']} ({v['impact']}): {v['help']}", node["summary"])
                found = self.findings.setdefault(key, {"elements": {}, "pages": []})
                found["elements"].setdefault(node["target"], node["html"])
                if f"{self.who} {where}" not in found["pages"]:
                    found["pages"].append(f"{self.who} {where}")
        self.seconds += time.monotonic() - started

    def links(self) -> list[str]:
        found = []
        for href in self.page.evaluate(LINKS):
            href = urldefrag(href).url
            if href.startswith(self.base) and not SKIP_PATH.search(urlsplit(href).path):
                found.append(href)
        return found

    def walk(self, start: str, on_home=None, limit=MAX_PAGES_PER_PERSON):
        queue, seen = [self.base + start], set()
        while queue and len(self.visited) < limit:
            url = queue.pop(0)
            if url_pattern(url) in seen:
                continue
            seen.add(url_pattern(url))
            self.page.set_viewport_size(DESKTOP)
            response = self.page.goto(url)
            where = self.page.url.removeprefix(self.base)
            if response is not None and response.status >= 500:
                key = (f"HTTP {response.status}", "the page failed")
                self.findings.setdefault(key, {"elements": {}, "pages": []})["pages"].append(
                    f"{self.who} {where}"
                )
                continue
            if self.page.url != url:  # redirected: the page it led to counts as that page
                if url_pattern(self.page.url) in seen and self.visited:
                    continue
                seen.add(url_pattern(self.page.url))
            self.visited.append(where)
            self.check(f"{where} @1280")
            if on_home and len(self.visited) == 1:
                on_home(self, "desktop")
            queue.extend(self.links())
            self.page.set_viewport_size(PHONE)
            self.check(f"{where} @390")
            for html in self.page.evaluate(UNREACHABLE_SCROLLERS):
                key = ("scrolling box not focusable or not named", "needs tabindex=0 and a name")
                found = self.findings.setdefault(key, {"elements": {}, "pages": []})
                found["elements"].setdefault(html, "")
                found["pages"].append(f"{self.who} {where} @390")
            if on_home and len(self.visited) == 1:
                on_home(self, "phone")


def describe(findings: dict[tuple, dict]) -> str:
    """One block per problem: the rule, what is wrong, a few of the elements, where seen."""
    blocks = []
    for (rule, summary), found in findings.items():
        elements, pages = list(found["elements"].items()), found["pages"]
        lines = [rule, f"  {summary}"]
        lines += [f"  - {target}  {html}" for target, html in elements[:3]]
        if len(elements) > 3:
            lines.append(f"  - … and {len(elements) - 3} more elements")
        lines.append(
            f"  on {len(pages)} page(s): {'; '.join(pages[:6])}"
            + (f"; … and {len(pages) - 6} more" if len(pages) > 6 else "")
        )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


FOCUSED = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {href: el.getAttribute("href"), id: el.id, width: el.getBoundingClientRect().width,
          outline: `${style.outlineStyle} ${style.outlineColor}`};
}"""


def keyboard_basics(page):
    """The first Tab shows the skip link, which moves the focus to the main content; the
    brand and the menu links show a gold ring on the blue bar when they have the focus."""
    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUSED)
    assert skip["href"] == "#main" and skip["width"] > 1, f"first Tab reached {skip}"
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED)["id"] == "main"
    for selector in (".bg-union .navbar-brand", ".bg-union .navbar-nav .nav-link"):
        link = page.locator(selector).first
        if link.count():
            link.focus()  # after keys were pressed: shown as keyboard focus (:focus-visible)
            ring = page.evaluate(FOCUSED)["outline"]
            assert ring == "solid rgb(255, 205, 0)", f"focus ring of {selector}: {ring}"


def home_extras(crawl: Crawl, width: str):
    """Screenshots of the home page, and axe with the menus open (hidden until opened)."""
    page = crawl.page
    screenshot(page, f"a11y-home-{crawl.who}-{width}")
    if width == "desktop":
        account_menu = page.locator("#usermenu-toggle")
        if account_menu.count():  # (the login page puts the focus in its first field)
            keyboard_basics(page)
            account_menu.click()
            page.locator("#usermenu-toggle + .dropdown-menu.show").wait_for()
            crawl.check("/ @1280, account menu open")
            page.keyboard.press("Escape")
    else:
        toggler = page.locator(".navbar-toggler")
        if toggler.count():
            toggler.click()
            page.locator("#mainnav.collapse.show").wait_for()
            crawl.check("/ @390, menu open")
            page.screenshot(path=str(ARTIFACTS / f"a11y-home-{crawl.who}-phone-menu.png"))


@pytest.fixture
def demo_accounts():
    call_command("seed_demo", force=True, stdout=StringIO())


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_of_every_role_passes_axe(live_server, chromium, log_in, demo_accounts):
    base = live_server.url
    findings, report = {}, []

    def crawl_as(who, start, page, on_home=home_extras, limit=MAX_PAGES_PER_PERSON):
        page.context.add_init_script(path=str(AXE))
        started = time.monotonic()
        crawl = Crawl(page, base, who)
        crawl.walk(start, on_home=on_home, limit=limit)
        page.context.close()
        for key, found in crawl.findings.items():
            merged = findings.setdefault(key, {"elements": {}, "pages": []})
            merged["elements"].update(found["elements"])
            merged["pages"] += found["pages"]
        report.append(
            f"{who}: {len(crawl.visited)} pages in {time.monotonic() - started:.0f} s"
            f" (axe {crawl.seconds:.0f} s): {', '.join(crawl.visited)}"
        )
        return crawl

    visitor = crawl_as("visitor", "/accounts/login/", new_page(chromium, DESKTOP))
    assert "/accounts/password_reset/" in visitor.visited
    # The error page is the project's own too.
    missing = crawl_as(
        "visitor", "/khong-co-trang-nay/", new_page(chromium, DESKTOP), on_home=None, limit=1
    )
    assert missing.visited == ["/khong-co-trang-nay/"]

    for username, *_ in DEMO_ACCOUNTS:
        page = log_in(new_page(chromium, DESKTOP), username, DEMO_PASSWORD)
        assert page.url == f"{base}/", f"{username} did not get past the login page"
        crawl = crawl_as(username, "/", page)
        # The crawl went through the menus, not only the home page.
        assert len(crawl.visited) >= 3, f"{username} reached only {crawl.visited}"

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "accessibility.txt").write_text(
        "\n".join(report) + "\n\n" + (describe(findings) or "No serious findings.") + "\n"
    )
    assert not findings, (
        f"axe-core found {len(findings)} serious or critical problems (WCAG 2.2 AA):\n\n"
        + describe(findings)
    )
