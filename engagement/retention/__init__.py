"""Retention review under the Police Information and Records Management Code of Practice:
each meeting is reviewed on a schedule, and a person records the decision to keep it (with
the date of its next review) or to dispose of it, and why. Nothing is disposed of
automatically."""
