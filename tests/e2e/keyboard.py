"""Keyboard-only helpers: move focus with Tab and check that focus can always be seen."""

import datetime
import re

from playwright.sync_api import Page

# The focused element (or, for GOV.UK radios and checkboxes, whose real input is
# transparent, the label's ::before circle or box) and the styles that show focus.
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const choice = el.type === 'radio' || el.type === 'checkbox';
  const target = choice && el.labels.length ? el.labels[0] : el;
  const style = getComputedStyle(target, choice ? '::before' : null);
  return {
    outlineStyle: style.outlineStyle,
    outlineWidth: style.outlineWidth,
    outlineColor: style.outlineColor,
    boxShadow: style.boxShadow,
    backgroundColor: style.backgroundColor,
    opacity: getComputedStyle(target).opacity,
  };
}"""

# What the focused element is called, the legends of the fieldsets around it, and its
# state, so a test can say "Tab until 'Reason, if not full' in 'Officer 2'".
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const squash = (text) => (text || '').replace(/\\s+/g, ' ').trim();
  const name = el.labels && el.labels.length ? el.labels[0].innerText
    : el.getAttribute('aria-label') || el.innerText || el.value;
  const groups = [];
  for (let set = el.closest('fieldset'); set; set = set.parentElement.closest('fieldset')) {
    const legend = set.querySelector(':scope > legend');
    if (legend) groups.push(squash(legend.innerText));
  }
  return {
    name: squash(name), groups, tag: el.tagName.toLowerCase(), type: el.type || '',
    id: el.id, value: el.value ?? null, checked: !!el.checked,
  };
}"""

GOVUK_FOCUS_YELLOW = "rgb(255, 221, 0)"


def _transparent(colour: str) -> bool:
    return colour == "transparent" or bool(re.search(r"rgba\(.*,\s*0\)$", colour))


def focus_indicator_problem(style: dict | None) -> str | None:
    """None if focus is visible: GOV.UK's yellow (#ffdd00) in the outline, box-shadow
    or background, or else a visible outline of some other colour."""
    if style is None:
        return "nothing has focus"
    if float(style["opacity"]) == 0:
        return "the focused element is transparent"
    outline = (
        style["outlineStyle"] != "none"
        and float(style["outlineWidth"].removesuffix("px") or 0) > 0
        and not _transparent(style["outlineColor"])
    )
    yellow = GOVUK_FOCUS_YELLOW in (
        (style["outlineColor"] if outline else "") + style["boxShadow"] + style["backgroundColor"]
    )
    if yellow or outline:
        return None
    return f"no visible focus indicator: {style}"


def focused(page: Page) -> dict | None:
    return page.evaluate(FOCUSED)


def assert_focus_visible(page: Page) -> None:
    problem = focus_indicator_problem(page.evaluate(FOCUS_STYLE))
    assert problem is None, f"Focus cannot be seen on {focused(page)}: {problem}"


def press(page: Page, key: str, *, may_leave_page: bool = False) -> dict | None:
    """Press a key, check the focus that results can be seen, return what has focus.

    Tab from the last control leaves the page for the browser's own controls (nothing
    in the page has focus); the next Tab comes back to the first, the skip link.
    """
    page.keyboard.press(key)
    element = focused(page)
    if element is not None or not may_leave_page:
        assert_focus_visible(page)
    return element


def tab_to(page: Page, name: str, *, within: str | None = None, max_presses: int = 200) -> dict:
    """Press Tab until the element called `name` has focus (inside a fieldset whose
    legend starts with `within`, when given), checking focus is visible at every stop."""
    stops = []
    for _ in range(max_presses):
        element = press(page, "Tab", may_leave_page=True)
        stops.append(element and element["name"])
        if (
            element
            and element["name"] == name
            and (within is None or any(g.startswith(within) for g in element["groups"]))
        ):
            return element
    place = f" in '{within}'" if within else ""
    raise AssertionError(
        f"'{name}'{place} not reached in {max_presses} presses of Tab; focus went to {stops}"
    )


def type_date(page: Page, day: datetime.date) -> None:
    """Type a date into the focused <input type="date">, one segment after another.

    Chromium orders the segments by its own interface language (the Debian package
    ships en-US only), not the page's, so the test uses dates whose day and month are
    the same number: they type the same as dd/mm/yyyy and mm/dd/yyyy.
    """
    assert day.day == day.month, "use a date that reads the same in either order"
    page.keyboard.type(f"{day:%d%m%Y}")
    value = page.evaluate("() => document.activeElement.value")
    assert value == day.isoformat(), f"typed {day} but the field holds {value!r}"


def press_to_navigate(page: Page, key: str = "Enter") -> None:
    """Press a key that follows a link or submits a form, and wait for the new page."""
    with page.expect_navigation():
        page.keyboard.press(key)
