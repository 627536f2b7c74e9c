"""Every write to meetings and what hangs off them, one module per record family.

Each service locks what it changes, checks the version the person saw, checks the
transition table, validates, saves and records its audit event in one transaction.
"""


class StaleEdit(Exception):
    """The record changed since the form was loaded; `current` is the record as it is now."""

    def __init__(self, message: str, *, current=None):
        super().__init__(message)
        self.current = current
