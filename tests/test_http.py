"""What every response says beyond its page (engagement/http.py): each page declares the
methods it takes, anything else is 405, never the page (a PUT or DELETE on a meeting
answered 200 with the page); and no signed-in page may be cached."""

import datetime
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Sample values by converter, enough to route: the method is refused before the record
# is looked for.
SAMPLES = {
    "uuid": uuid.UUID(int=1),
    "slug": "complete",
    "int": 1,
    "report_date": datetime.date(2026, 1, 1),
}


def pages(patterns=None, prefix=""):
    """(route, URL) of every pattern of the app's own, with sample arguments."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue  # the Django admin's own views declare their methods
            yield from pages(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + str(pattern.pattern), pattern


def url_of(prefix_and_pattern) -> str:
    route, pattern = prefix_and_pattern
    url = "/" + route
    for name, converter in pattern.pattern.converters.items():
        kind = next(key for key, value in SAMPLES.items() if _converter_named(converter, key))
        url = url.replace(f"<{kind}:{name}>", converter.to_url(SAMPLES[kind]))
    return url


def _converter_named(converter, kind: str) -> bool:
    from django.urls.converters import get_converters

    return type(get_converters()[kind]) is type(converter)


def all_pages() -> list[str]:
    return sorted({url_of(page) for page in pages()})


def test_every_page_is_covered():
    urls = all_pages()
    assert "/meetings/" in urls and "/dashboards/" in urls and "/reports/approve/" in urls
    assert all("<" not in url for url in urls), urls


SIGN_IN_AND_OUT = ("/accounts/sign-in/", "/accounts/sign-out/")
ROLES = ["officer", "liaison", "admin_user"]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_method_no_page_takes_is_refused(db, client, request, method):
    """405 for whoever may use the page; a page of another role stays a 404 whatever the
    method. Every page answers 405 to someone, so each declares its methods."""
    refused_by: dict[str, set[int]] = {}
    for role in ROLES:
        client.force_login(request.getfixturevalue(role))
        for url in all_pages():
            if url not in SIGN_IN_AND_OUT:
                refused_by.setdefault(url, set()).add(getattr(client, method)(url).status_code)
    client.logout()
    for url in SIGN_IN_AND_OUT:
        refused_by[url] = {getattr(client, method)(url).status_code}
    assert {url: codes for url, codes in refused_by.items() if not codes <= {404, 405}} == {}
    assert [url for url, codes in refused_by.items() if 405 not in codes] == []


def test_no_signed_in_page_may_be_cached(db, client, request, meeting):
    client.force_login(request.getfixturevalue("officer"))
    for url in ("/", "/meetings/", meeting.get_absolute_url(), "/meetings/new/"):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url
