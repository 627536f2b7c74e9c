"""The words of the transparency report: its note on method, each rule as a reader
reads it in the data dictionary, and the definitions of the report's own figures (the
registered measures bring their own). Every number in them comes from `suppression`,
so the words cannot drift from the rules.
"""

from engagement.dashboards import suppression
from engagement.dashboards.queries.base import Count, Gap, MedianDays, Rate

# A community group's own figures would be published only from this many in-scope
# meetings in the period. Few groups reach it, and a table of the few that do would
# point at the rest, so the report publishes no group's figures at all.
GROUP_THRESHOLD = 10

COUNT_RULE = (
    f"A count, rounded to the nearest {suppression.ROUND_TO}. Under {suppression.THRESHOLD} "
    f"(none included) it reads “{suppression.FEWER_THAN_THRESHOLD}”; it reads "
    f"“{suppression.WITHHELD}” where it would let such a figure be worked out from its "
    "table’s total."
)
RATE_RULE = (
    "A percentage of the exact counts, to one decimal place, shown only when the number "
    f"counted and the number it is out of are both {suppression.THRESHOLD} or more and "
    f"published (each a count, rounded and protected alike); otherwise "
    f"“{suppression.TOO_FEW}”."
)
GAP_RULE = (
    "Shown only when both of its shares, recorded and confirmed, can be shown as "
    f"percentages (both numbers {suppression.THRESHOLD} or more and published); otherwise "
    f"“{suppression.TOO_FEW}”."
)
MEDIAN_RULE = (
    f"Shown only when it is over {suppression.MEDIAN_MIN_ITEMS} or more items; otherwise "
    f"“{suppression.TOO_FEW}”. The number of items is a count, rounded and protected alike."
)
TABLE_RULE = (
    f"Every cell, totals included, is rounded to the nearest {suppression.ROUND_TO}. A cell "
    f"under {suppression.THRESHOLD} (none included) reads “{suppression.FEWER_THAN_THRESHOLD}”, "
    f"and the next-smallest cell of its column reads “{suppression.WITHHELD}” wherever the "
    "total would otherwise give the small one away. Rounded cells may not add up to their "
    "total."
)

METHOD = [
    "This report counts the meetings dated in the period whose record was submitted for "
    "review, reviewed or disputed, from every police unit. Drafts and withdrawn records "
    "never count.",
    "No person is named and no text written in the records is included. No community "
    "group is shown: a group’s figures would be published only from "
    f"{GROUP_THRESHOLD} meetings in the period, few groups meet the police that often, "
    "and listing the few that do would point at the rest.",
    f"Every count is rounded to the nearest {suppression.ROUND_TO}, so rounded figures may "
    f"not add up to their total. A count under {suppression.THRESHOLD}, including none, is "
    f"shown as “{suppression.FEWER_THAN_THRESHOLD}”. Where such a count could be worked out "
    "by subtracting the other figures of its table from their total (or from a figure "
    "published elsewhere in the report), the next-smallest figure is withheld as well "
    f"and shown as “{suppression.WITHHELD}”.",
    f"A percentage is shown only when the number counted and the number it is out of are "
    f"both {suppression.THRESHOLD} or more and published; otherwise it reads "
    f"“{suppression.TOO_FEW}”. Percentages are worked out from the exact counts, so they "
    "can differ a little from the rounded counts beside them. A median is shown only "
    f"when it is over {suppression.MEDIAN_MIN_ITEMS} or more items.",
]

# The report's own figures (not registered measures), for the data dictionary.
MEETINGS_IN_SCOPE = {
    "key": "meetings_in_scope",
    "label": "Meetings",
    "definition": (
        "The number of meetings dated in the period whose status is submitted, reviewed or "
        "disputed, from every unit; drafts and withdrawn meetings never count. It is also "
        "the number review coverage is out of, and the total of the tables by area risk "
        "level and by month."
    ),
    "rule": COUNT_RULE,
}
BY_RISK_LEVEL = {
    "key": "meetings_by_risk_level",
    "label": "Meetings by area risk level",
    "definition": (
        "For each risk level of the meeting’s area (standard, elevated, high), and in "
        "total: the meetings counted above; the disclosures (one per attending officer per "
        "meeting) on them recorded at level full, whose total is the number the full "
        "disclosure rate counts; and of those, the ones on reviewed or disputed meetings "
        "whose latest confirmation by the community is yes, whose total is the number the "
        "confirmed disclosure rate counts."
    ),
    "rule": TABLE_RULE,
}
BY_MONTH = {
    "key": "meetings_by_month",
    "label": "Meetings by month",
    "definition": (
        "For each month of the period, by the month of the meeting’s date, and in total: "
        "the meetings counted above. A month with no meeting is a count of none."
    ),
    "rule": TABLE_RULE,
}

RULE_BY_KIND = {Count: COUNT_RULE, Rate: RATE_RULE, Gap: GAP_RULE, MedianDays: MEDIAN_RULE}
