"""What the fuzz tests feed the service: hostile text, bad dates and numbers, and the
ways a browser (or someone pretending to be one) can mangle a form or a query string.

A value is a `str`, or `bytes` for what no browser would send as UTF-8: a lone
surrogate written as its (invalid) UTF-8 bytes, or a stray continuation byte. The test
client cannot encode a lone surrogate itself, so requests are encoded here (`encode`).
"""

from urllib.parse import quote_plus

from hypothesis import strategies as st

SCRIPT = "<script>alert(1)</script>"
IMG_ONERROR = '"><img src=x onerror=alert(1)>'
SVG_ONLOAD = "'><svg onload=alert(1)>"
# What must never appear in an HTML page as given: each would run in a browser.
UNESCAPED_MARKERS = (SCRIPT, "<img src=x onerror=", "<svg onload=")

HTML = [
    SCRIPT,
    IMG_ONERROR,
    SVG_ONLOAD,
    f"</textarea>{SCRIPT}",
    f"</title>{SCRIPT}",
    "javascript:alert(1)",
    "{{ request.user.password }}",
    "{% debug %}",
    "&lt;script&gt;",
]
SQL = [
    "' OR 1=1 --",
    "1' OR '1'='1",
    '" OR ""="',
    "1; DROP TABLE meetings_meeting; --",
    "' UNION SELECT password FROM accounts_user --",
    "%",
    "_",
    "\\",
    "%%' --",
]
UNICODE = [
    "\u202e",  # right-to-left override
    "\u202egnp.exe",
    "\u200b",  # zero-width space
    "\ufeff",  # byte order mark / zero-width no-break space
    "\u200d\u200c",
    "\x00",
    "a\x00b",
    "\r\n",
    "\t",
    "\x0b\x0c\x1f\x7f",
    "ﷺ",
    "👍🏽🏳️‍🌈",
    "Z̴̧̛a̶l̷g̸o̵",
    "\u0130\u0131ß",
    "٣٤",
    "𝟙𝟚",
    "\U0010ffff",
    " ",
    "",
]
BAD_DATES = [
    "2024-02-30",
    "0000-01-01",
    "0001-01-01",
    "99999-01-01",
    "9999-12-31",
    "10000-01-01",
    "2024-13-01",
    "2024-00-10",
    "-2024-01-01",
    "2024-02-29",
    "1900-02-29",
    "31/12/2024",
    "12/31/2024",
    "2024-1-1T00:00",
    "2024-01-01 25:61",
    "yesterday",
    "1e309",
]
BAD_NUMBERS = [
    "-1",
    "0",
    "1e309",
    "-1e309",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    str(2**63),
    str(2**63 - 1),
    str(-(2**63) - 1),
    str(2**64),
    "9" * 400,
    "0x10",
    "1_000",
    "1.5",
    " 7 ",
    "+5",
    "٣",
    "00000000000000000001",
]
FRAGMENTS = HTML + SQL + UNICODE + BAD_DATES + BAD_NUMBERS
# Not UTF-8 at all: a lone surrogate (U+D800) as a browser could never encode it, a
# stray continuation byte, an overlong NUL.
RAW_BYTES = [b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\x80", b"\xc0\x80", b"\xff\xfe"]

HUGE = 100_000


def huge() -> st.SearchStrategy[str]:
    """About HUGE characters: one fragment or a few generated characters, repeated."""
    seed = st.one_of(
        st.sampled_from(["A", SCRIPT, "\u202e\u200b", "é", "' OR 1=1 --", "1"]),
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=3),
    )
    return seed.map(lambda s: (s * (HUGE // len(s) + 1))[:HUGE])


def text() -> st.SearchStrategy[str]:
    """Any Unicode a browser could send (every category but surrogates)."""
    return st.text(st.characters(codec="utf-8"), max_size=40)


def hostile(*valid: str) -> st.SearchStrategy[str | bytes]:
    """One value for a field: hostile most of the time, now and then one of `valid`, or a
    valid one with something hostile around it."""
    options: list[st.SearchStrategy] = [
        st.sampled_from(FRAGMENTS),
        text(),
        huge(),
        st.sampled_from(RAW_BYTES),
    ]
    if valid:
        options += [
            st.sampled_from(valid),
            st.tuples(st.sampled_from(valid), st.sampled_from(FRAGMENTS)).map("".join),
        ]
    return st.one_of(options)


Pairs = list[tuple[str, str | bytes]]


def pairs_of(data: dict) -> Pairs:
    """A form's dict (a list value for a repeated key) as (key, value) pairs."""
    pairs: Pairs = []
    for key, value in data.items():
        for each in value if isinstance(value, list | tuple) else [value]:
            pairs.append((key, str(each)))
    return pairs


@st.composite
def mutated(draw, valid: dict, *, extra_keys: tuple[str, ...] = ()) -> Pairs:
    """A valid form's data with some of its values made hostile, some dropped, some
    repeated, and perhaps a field it does not have (from `extra_keys` or made up)."""
    pairs = pairs_of(valid)
    keys = sorted({key for key, _ in pairs})
    chosen = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=4, unique=True))
    result: Pairs = []
    for key, value in pairs:
        if key not in chosen:
            result.append((key, value))
            continue
        how = draw(st.sampled_from(["replace", "replace", "drop", "repeat", "append"]))
        if how == "drop":
            continue
        hostile_value = draw(hostile(value) if isinstance(value, str) and value else hostile())
        if how == "replace":
            result.append((key, hostile_value))
        elif how == "repeat":
            result += [(key, value), (key, hostile_value)]
        else:
            result.append((key, value + hostile_value if isinstance(hostile_value, str) else value))
    if draw(st.booleans()):
        extra = draw(st.sampled_from([*extra_keys, "id", "pk", "status", "author", "x" * 300]))
        result.append((extra, draw(hostile())))
    return result


@st.composite
def query(draw, params: dict[str, tuple[str, ...]], *, max_size: int = 4) -> Pairs:
    """A query string over `params` ({name: valid values}), each name perhaps repeated,
    each value hostile or valid, and now and then a parameter nobody asked for."""
    names = sorted(params)
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=max_size))
    pairs: Pairs = [(name, draw(hostile(*params[name]))) for name in chosen]
    if draw(st.integers(0, 5)) == 0:
        pairs.append((draw(st.sampled_from(["", "%", "a[]", "\x00", "x" * 300])), "1"))
    return pairs


def encode(pairs: Pairs) -> bytes:
    """`pairs` as application/x-www-form-urlencoded bytes, invalid UTF-8 kept as given."""
    return "&".join(f"{_quote(key)}={_quote(value)}" for key, value in pairs).encode("ascii")


def _quote(value: str | bytes) -> str:
    return quote_plus(value if isinstance(value, bytes) else value.encode("utf-8"))
