"""Accessibility and layout checks for every page a journey visits.

axe-core is vendored (tests/e2e/vendor, refreshed by scripts/build-assets) and injected
with `page.evaluate`, which a Content-Security-Policy forbidding inline scripts does not
block, unlike a <script> tag added to the page.
"""

import re
import shutil
import warnings
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
SCREENSHOTS = ROOT / "test-output" / "screenshots"

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

# WCAG 2.0, 2.1 and 2.2 A and AA, plus axe's best practices (headings, landmarks,
# skip link): they catch real problems in templates and cost nothing when clean.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# Rules switched off, each with the reason. Keep this empty unless a rule is wrong
# about a GOV.UK component that is known to be accessible.
DISABLED_RULES: dict[str, str] = {}

AXE_RUN = """
async ([tags, disabled]) => {
  const rules = Object.fromEntries(disabled.map((id) => [id, {enabled: false}]));
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, rules});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(' '), summary: n.failureSummary})),
  }));
}
"""


def axe_violations(page: Page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(AXE_RUN, [AXE_TAGS, list(DISABLED_RULES)])


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page, where: str) -> None:
    violations = axe_violations(page)
    assert not violations, (
        f"axe found {len(violations)} accessibility problem(s) on {where} ({page.url}):\n"
        + format_violations(violations)
    )


def page_scroll_width(page: Page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def widest_elements(page: Page, limit: int) -> list[str]:
    """The elements sticking out furthest past `limit` (not counting those inside a
    container that scrolls or clips them), to say what makes the page too wide."""
    return page.evaluate(
        """(limit) => {
          const clipped = (el) => {
            for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
              if (getComputedStyle(up).overflowX !== 'visible') return true;
            }
            return false;
          };
          const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
            + [...el.classList].map((c) => '.' + c).join('');
          return [...document.body.querySelectorAll('*')]
            .map((el) => [el, el.getBoundingClientRect().right])
            .filter(([el, right]) => right > limit && !clipped(el))
            .sort((a, b) => b[1] - a[1]).slice(0, 5)
            .map(([el, right]) => `${describe(el)} (right edge ${Math.round(right)}px)`);
        }""",
        limit,
    )


def slug(text: str) -> str:
    return re.sub(r"[^\w-]+", "-", text).strip("-").lower()


def screenshot(page: Page, path: Path) -> None:
    """Evidence, not a check: a screenshot that fails on a busy machine warns and the
    journey goes on."""
    try:
        page.screenshot(path=path, full_page=True, timeout=120_000, animations="disabled")
    except PlaywrightError as error:
        warnings.warn(f"No screenshot {path.name}: {error}", stacklevel=2)


class PageChecker:
    """`check(page, name)` checks the page at desktop and phone widths, and saves a
    screenshot of each to test-output/screenshots/<journey>/<NN-name>-<width>.png."""

    def __init__(self, journey: str):
        self.folder = SCREENSHOTS / slug(journey)
        self.count = 0
        # Only this run's pictures: a page the journey no longer visits leaves none.
        shutil.rmtree(self.folder, ignore_errors=True)

    def __call__(self, page: Page, name: str) -> None:
        self.count += 1
        stem = f"{self.count:02d}-{slug(name)}"
        self.folder.mkdir(parents=True, exist_ok=True)
        viewport = page.viewport_size or DESKTOP
        try:
            page.set_viewport_size(DESKTOP)
            screenshot(page, self.folder / f"{stem}-desktop.png")
            assert_no_axe_violations(page, f"{name} at desktop width")

            page.set_viewport_size(PHONE)
            screenshot(page, self.folder / f"{stem}-phone.png")
            width = page_scroll_width(page)
            assert width <= PHONE["width"], (
                f"{name} scrolls sideways on a {PHONE['width']}px phone: the page is"
                f" {width}px wide. Widest elements: {widest_elements(page, PHONE['width'])}"
            )
            assert_no_axe_violations(page, f"{name} at phone width")
        finally:
            page.set_viewport_size(viewport)
