"""cardaudit's checks: pure functions over inventory slices, registered with `@check`.

Installed as `cardaudit.checks`. Checks never call AWS and know nothing of owners or PCI items;
the catalogue in `controls/` maps items to check ids.
"""
