"""Read the meeting form's HTML as a person sees it: which box is ticked, which error
sits next to which field, what the error summary says. Standard library only."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    children: list["Element | str"] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return " ".join(" ".join(parts).split())

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str | bool) -> list["Element"]:
        """Elements with this tag (any if None) whose attributes equal `attrs`; a
        `class_` value must be one of the element's classes; True means present."""
        found = []
        for element in self.iter():
            if tag is not None and element.tag != tag:
                continue
            if all(_matches(element, name, value) for name, value in attrs.items()):
                found.append(element)
        return found

    def by_id(self, element_id: str) -> "Element":
        (element,) = self.find_all(id=element_id)
        return element


def _matches(element: Element, name: str, value: str | bool) -> bool:
    if name == "class_":
        return value in (element.attrs.get("class") or "").split()
    attribute = name.replace("_", "-")
    if value is True:  # present, with or without a value (checked, selected)
        return attribute in element.attrs
    return element.attrs.get(attribute) == value


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str | bytes) -> Element:
    builder = _Builder()
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    return builder.root


def page(response) -> Element:
    return parse(response.content)


def summary(document: Element) -> list[str]:
    """The error summary's messages, in order."""
    lists = document.find_all("ul", class_="govuk-error-summary__list")
    return [link.text for ul in lists for link in ul.find_all("a")]


def summary_links(document: Element) -> dict[str, str]:
    lists = document.find_all("ul", class_="govuk-error-summary__list")
    return {link.text: link.attrs["href"] for ul in lists for link in ul.find_all("a")}


def errors_next_to(document: Element, field_id: str) -> list[str]:
    """The error messages shown in the form group of the field with this id."""
    group = document.by_id(f"div_{field_id}")
    messages = group.find_all(class_="govuk-error-message")
    return [m.text.removeprefix("Error:").strip() for m in messages]


def checkbox(document: Element, name: str, value: str) -> Element:
    (box,) = document.find_all("input", type="checkbox", name=name, value=value)
    return box


def is_checked(box: Element) -> bool:
    return "checked" in box.attrs


def field_value(document: Element, name: str) -> str:
    """What a text input or textarea holds."""
    (element,) = [e for e in document.find_all(name=name) if e.tag in ("input", "textarea")]
    if element.tag == "textarea":
        return "".join(c for c in element.children if isinstance(c, str)).strip("\n")
    return element.attrs.get("value") or ""
