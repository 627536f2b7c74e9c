"""PostgreSQL's EXPLAIN, read as a tree: what the query-plan guard
(tests/meetings/test_query_plans.py) looks for in it, and how it names what it finds.

`explain` runs `EXPLAIN (ANALYZE, FORMAT JSON)` with planner settings that last only for
that statement. The checks walk the tree and return `Finding`s, each naming the plan node
at fault; an empty list means the plan is sound:

- `full_scans`: a Seq Scan of the table; or what the planner does instead when seq scans
  are off: a walk of one of its indexes with no index condition that no Limit can stop,
  or a bitmap of a whole index;
- `discarding_walks`: an index walk that a Limit stops, but only after reading and
  throwing away many rows for each one it keeps;
- `sorts_under_limit`: a Sort between a Limit and a scan of the table: every row the scan
  yields is sorted before the first is returned. Given a `Through` (a liaison's meetings
  found through their groups), a Sort whose rows of the table were all found through it
  is bounded by what the link holds for the viewer, not by the table, and passes.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction

# Nodes that pass their rows upwards as they read them, so that a Limit above them stops
# the scan below once it has its rows. Anything else (Sort, Hash, Aggregate, a bitmap)
# reads all its input before returning its first row.
STREAMING = frozenset(
    {
        "Nested Loop",
        "Merge Join",
        "Hash Join",  # its outer side; the inner side is under a Hash, which is not
        "Result",
        "Subquery Scan",
        "Incremental Sort",
        "Unique",
        "Memoize",
        "Materialize",
        "Gather",
        "Gather Merge",
        "Append",
        "Merge Append",
    }
)
INDEX_WALKS = frozenset({"Index Scan", "Index Only Scan"})
# A walk stopped by a Limit reads about the rows the Limit passes on, or a few times as
# many when the page filters what the viewer sees. One that reads more than this many
# times as many is throwing away rows the viewer may not see: with the guard's data an
# officer sees about 1.5 % of the meetings and a liaison 3 %, so such a walk reads 30 to
# 70 rows for each it keeps, and at national scale (a force's share of 40) ever more.
MOST_READ_PER_ROW_KEPT = 10


@dataclass(frozen=True)
class Node:
    """A plan node and the nodes above it, the nearest last."""

    plan: dict
    ancestors: tuple[dict, ...]

    @property
    def type(self) -> str:
        return self.plan["Node Type"]

    def rows_read(self) -> int:
        """The rows this scan read, over all its loops, the ones it kept and the ones its
        Filter (or a lossy bitmap's recheck) threw away."""
        plan = self.plan
        per_loop = (
            plan.get("Actual Rows", 0)
            + plan.get("Rows Removed by Filter", 0)
            + plan.get("Rows Removed by Index Recheck", 0)
        )
        return round(per_loop * plan.get("Actual Loops", 1))


# What a finding is, for tests that look for one kind.
SEQ_SCAN = "seq scan"
WHOLE_BITMAP = "bitmap of a whole index"
UNSTOPPED_WALK = "walk of a whole index"
DISCARDING_WALK = "discarding walk"
SORT = "sort"


@dataclass(frozen=True)
class Finding:
    kind: str
    problem: str
    node: dict
    # A bitmap of a whole index with a Limit above it (the Limit cannot stop a bitmap).
    limited_bitmap: bool = False

    def __str__(self) -> str:
        return f"{self.problem}: {describe(self.node)}"


def explain(sql: str, **settings: str) -> dict:
    """The plan PostgreSQL runs `sql` with (the captured text of a query, its parameters
    already in it), run for real to count the rows each node reads; the planner settings
    given (`enable_seqscan="off"`) hold for this statement alone."""
    with transaction.atomic(), connection.cursor() as cursor:
        for name, value in settings.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        # No parameters: psycopg leaves the text, any % in it included, as it is.
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        (document,) = cursor.fetchone()
        transaction.set_rollback(True)  # the settings end with the savepoint
    if isinstance(document, str):
        document = json.loads(document)
    return document[0]["Plan"]


def nodes(plan: dict, ancestors: tuple[dict, ...] = ()) -> Iterator[Node]:
    yield Node(plan, ancestors)
    for child in plan.get("Plans", []):
        yield from nodes(child, (*ancestors, plan))


def describe(plan: dict) -> str:
    """One line for a node: its type, where it reads, its conditions and rows."""
    text = plan["Node Type"]
    if "Index Name" in plan:
        text += f" using {plan['Index Name']}"
    if "Relation Name" in plan:
        text += f" on {plan['Relation Name']}"
    for key in ("Index Cond", "Recheck Cond", "Filter", "Sort Key"):
        if key in plan:
            value = plan[key]
            text += f"; {key}: {', '.join(value) if isinstance(value, list) else value}"
    if "Actual Rows" in plan:
        text += f"; rows {plan['Actual Rows']:,} × {plan.get('Actual Loops', 1):,} loops"
    if plan.get("Rows Removed by Filter"):
        text += f", {plan['Rows Removed by Filter']:,} removed by the filter"
    return text


def outline(plan: dict) -> str:
    """The whole tree, one node a line, indented by depth."""
    return "\n".join("  " * len(node.ancestors) + describe(node.plan) for node in nodes(plan))


def shorten(sql: str, most: int = 1_200) -> str:
    """A query for a failure message, cut to `most` characters; its outermost column list
    elided when it is only columns (no subquery in it, which the plan may be about)."""
    depth = 0
    for at, char in enumerate(sql):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and sql.startswith(" FROM ", at):
            if sql.startswith("SELECT ") and "(SELECT " not in sql[:at]:
                sql = "SELECT …" + sql[at:]
            break
    return sql if len(sql) <= most else sql[:most] + " …"


def _reads_table(node: Node, table: str) -> bool:
    return node.plan.get("Relation Name") == table


def _indexes_of(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        return {name for (name,) in cursor.fetchall()}


def _stopping_limit(node: Node) -> dict | None:
    """The Limit that stops this scan once it has its rows: the nearest Limit above it
    with only streaming nodes between them; None when something between reads all."""
    for above in reversed(node.ancestors):
        if above["Node Type"] == "Limit":
            return above
        if above["Node Type"] not in STREAMING:
            return None
    return None


def full_scans(plan: dict, table: str) -> list[Finding]:
    """Scans that read `table` whole: a Seq Scan; a bitmap of one of its indexes with no
    index condition (a bitmap is built from the whole index before any row is returned);
    a walk of one of its indexes with no index condition that no Limit can stop."""
    indexes = _indexes_of(table)
    found = []
    for node in nodes(plan):
        if node.type == "Seq Scan" and _reads_table(node, table):
            found.append(Finding(SEQ_SCAN, "a sequential scan of the whole table", node.plan))
        elif (
            node.type == "Bitmap Index Scan"
            and node.plan.get("Index Name") in indexes
            and "Index Cond" not in node.plan
        ):
            limited = any(above["Node Type"] == "Limit" for above in node.ancestors)
            found.append(
                Finding(WHOLE_BITMAP, "a bitmap of a whole index, no condition", node.plan, limited)
            )
        elif (
            node.type in INDEX_WALKS
            and _reads_table(node, table)
            and "Index Cond" not in node.plan
            and _stopping_limit(node) is None
        ):
            found.append(
                Finding(UNSTOPPED_WALK, "a walk of a whole index that no Limit stops", node.plan)
            )
    return found


def discarding_walks(plan: dict, table: str) -> list[Finding]:
    """Walks of `table`'s indexes that a Limit stops, but only after reading more than
    MOST_READ_PER_ROW_KEPT rows for each row the Limit passes on: rows the query's
    conditions (who may see them) throw away, because the index does not hold them. The
    fewer of the table's rows a person may see, the more such a walk reads: at national
    scale, nearly the whole index to fill one page."""
    found = []
    for node in nodes(plan):
        if node.type not in INDEX_WALKS or not _reads_table(node, table):
            continue
        limit = _stopping_limit(node)
        if limit is None:
            continue
        kept = round(limit.get("Actual Rows", 0) * limit.get("Actual Loops", 1))
        read = node.rows_read()
        if read > MOST_READ_PER_ROW_KEPT * max(kept, 1):
            found.append(
                Finding(
                    DISCARDING_WALK,
                    f"an index walk that read {read:,} rows for the {kept:,} its Limit "
                    "passed on: the rows are filtered after they are read, not found "
                    "through the index",
                    node.plan,
                )
            )
    return found


@dataclass(frozen=True)
class Through:
    """How a viewer's rows of a table are found when no index of the table can hold
    them: the viewer's own rows of `start` read by an index on `start_by` (a liaison's
    rows of the groups<->liaisons table, by their user id), then the `link` table by an
    index on `by` (the meetings<->groups table, by those groups), then the table by its
    primary key from the link's `to` column. Rows found so are bounded by what the link
    holds for the viewer, however large the table grows."""

    start: str
    start_by: str
    link: str
    by: str
    to: str
    # What the viewer's rows are, for a failure message: "the liaison's groups".
    name: str


def reads_by(node: Node, column: str) -> bool:
    """A scan that finds its rows by an index condition on `column`."""
    condition = {
        "Index Scan": "Index Cond",
        "Index Only Scan": "Index Cond",
        "Bitmap Heap Scan": "Recheck Cond",
    }.get(node.type)
    return condition is not None and bool(
        re.search(rf"\b{column} = ", node.plan.get(condition, ""))
    )


def _not_found_through(sort: Node, table: str, through: Through) -> str | None:
    """Why the rows of `table` below this Sort were not all found through `through`, or
    None when they were: below it, `start` is read, and only by `start_by`; the link is
    read, and only by `by`; and each scan of the table is a primary key lookup of one row
    from a link row."""
    below = list(nodes(sort.plan))
    for read, by in ((through.start, through.start_by), (through.link, through.by)):
        scans = [node for node in below if _reads_table(node, read)]
        if not scans:
            return f"nothing below it reads {read}"
        for node in scans:
            if not reads_by(node, by):
                return f"{read} read otherwise than by {by}: {describe(node.plan)}"
    aliases = {
        node.plan.get("Alias", through.link) for node in below if _reads_table(node, through.link)
    }
    key = _primary_key_of(table)
    for node in below:
        if not _reads_table(node, table):
            continue
        match = re.fullmatch(r"\((\w+) = (\w+)\.(\w+)\)", node.plan.get("Index Cond", ""))
        if not (
            node.type in INDEX_WALKS
            and match
            and match[1] == key
            and match[2] in aliases
            and match[3] == through.to
        ):
            return (
                f"{table} read otherwise than by its primary key from {through.link}."
                f"{through.to}: {describe(node.plan)}"
            )
    return None


def _primary_key_of(table: str) -> str:
    with connection.cursor() as cursor:
        return connection.introspection.get_primary_key_column(cursor, table)


def sorts_under_limit(
    plan: dict, table: str, *, found_through: Through | None = None
) -> list[Finding]:
    """Sort nodes with a Limit above and a scan of `table` below: the rows are all read
    and sorted before the first is passed on, not read in an index's order. (An
    Incremental Sort is not one: it reads in an index's order and sorts only the rows
    that tie on the index's keys.) Given `found_through`, a Sort whose rows of `table`
    were all found through it is bounded by the viewer's share of the link, and passes;
    one fed by a scan or walk of the table itself does not."""
    found = []
    for node in nodes(plan):
        if node.type != "Sort" or not any(a["Node Type"] == "Limit" for a in node.ancestors):
            continue
        if not any(_reads_table(below, table) for below in nodes(node.plan)):
            continue
        reason = ""
        if found_through is not None:
            why = _not_found_through(node, table, found_through)
            if why is None:
                continue
            reason = f", not found through {found_through.name} ({why})"
        sorted_rows = sum(
            round(child.get("Actual Rows", 0) * child.get("Actual Loops", 1))
            for child in node.plan.get("Plans", [])
        )
        found.append(
            Finding(
                SORT, f"a sort of all {sorted_rows:,} rows read, below the Limit{reason}", node.plan
            )
        )
    return found


def outermost_table(sql: str) -> str | None:
    """The table a query's outermost FROM names ("meetings_meeting" for a list of
    meetings); None when it selects from a subquery (a count of a list)."""
    depth = 0
    for at, char in enumerate(sql):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and sql.startswith(" FROM ", at):
            match = re.match(r' FROM "(\w+)"', sql[at:])
            return match[1] if match else None
    return None
