# The header's sections, by URL name prefix; each section's list page is its own "page".
SECTIONS = {
    "meetings": (("meeting-", "review-", "dispute-"), "meeting-list"),
    "follow_ups": (("follow-up-", "report-back-"), "follow-up-list"),
    "groups": (("group-",), "group-list"),
}

OWN_NAMESPACES = {
    "dashboards": "dashboard",
    "audit": "audit-list",
    "retention": "retention-queue",
}


def nav_section(request) -> dict:
    """Which header item is current: {"meetings": "page" | True, ...} for the template."""
    match = getattr(request, "resolver_match", None)
    url_name = match.url_name if match and match.namespace == "meetings" else ""
    current = {}
    for section, (prefixes, list_name) in SECTIONS.items():
        if url_name and url_name.startswith(prefixes):
            current[section] = "page" if url_name == list_name else True
    # Sections that are a namespace of their own, by their list page.
    for namespace, list_name in OWN_NAMESPACES.items():
        if match and match.namespace == namespace:
            current[namespace] = "page" if match.url_name == list_name else True
    return {"nav_section": current}
