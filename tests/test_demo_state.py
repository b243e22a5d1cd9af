"""The demo platform repository's Pulumi state export matches the estate a seeded demo account holds."""

from __future__ import annotations

import json
import os

from cardaudit.demo.pulumi_state import STATE_FILE, render, seeded_inventory


def test_committed_state_export_is_current() -> None:
    current = json.loads(STATE_FILE.read_text(encoding="utf-8"))
    wanted = render(seeded_inventory(), current)
    if os.environ.get("CARDAUDIT_UPDATE_GOLDEN") == "1":
        STATE_FILE.write_text(wanted, encoding="utf-8")
    assert STATE_FILE.read_text(encoding="utf-8") == wanted, "run: python -m cardaudit.demo.pulumi_state"
