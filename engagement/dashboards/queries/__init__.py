"""The measures of DESIGN.md, computed in the database; one module per family of measure,
all built on `base`: the in-scope meetings of a period, through visibility."""
