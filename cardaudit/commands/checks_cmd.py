"""`cardaudit checks list|explain|reference`: what the registry holds, from the code itself."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cardaudit.commands.common import group, out, run_command, say
from cardaudit.commands.options import JsonOpt, ListFormatOpt, print_json, wants_json
from cardaudit.errors import ConfigError
from cardaudit.formats.text import escape

app = group("List and explain checks and ownership gap kinds.")


@app.command("list")
def list_checks(ctx: typer.Context, output: ListFormatOpt = "table", json_flag: JsonOpt = False) -> None:
    """List every check and gap kind with its stage, severity, category and PCI items."""

    def body() -> None:
        from rich.table import Table

        from cardaudit.catalogue.load import DEFAULT_CATALOGUE, load_catalogue
        from cardaudit.engine.registry import all_checks

        items = load_catalogue(DEFAULT_CATALOGUE).items_for_check()
        if wants_json(output, json_flag):
            print_json([{"id": spec.id, "stage": spec.stage, "severity": spec.severity.value,
                         "category": spec.category, "resource_type": spec.resource_type, "title": spec.title,
                         "pci_dss_4_0_1": items.get(spec.id, [])} for spec in all_checks()])
            return
        # A narrow terminal gets the id (never cut), severity and title; --json or a wider window has all.
        columns = ("id", "stage", "severity", "category", "title", "PCI DSS 4.0.1")
        shown = columns if out.width >= 140 else ("id", "severity", "title")
        table = Table()
        for column in shown:
            table.add_column(column, overflow="fold", no_wrap=column == "id")
        for spec in all_checks():
            row = dict(zip(columns, (escape(spec.id), spec.stage, spec.severity.value, escape(spec.category),
                                     escape(spec.title), ", ".join(items.get(spec.id, []))), strict=True))
            table.add_row(*(row[column] for column in shown))
        out.print(table)

    run_command(ctx, body)


@app.command("reference")
def reference(ctx: typer.Context) -> None:
    """Print the Markdown checks reference (docs/checks.md)."""

    def body() -> None:
        from cardaudit.docsgen import checks_reference

        sys.stdout.write(checks_reference())

    run_command(ctx, body)


@app.command("explain")
def explain(ctx: typer.Context,
            check_id: Annotated[str, typer.Argument(metavar="CHECK", help="Check id (or a retired alias).")],
            output: ListFormatOpt = "table", json_flag: JsonOpt = False) -> None:
    """Show what a check looks at, why it matters and how to fix it."""

    def body() -> None:
        from cardaudit.catalogue.load import DEFAULT_CATALOGUE, load_catalogue
        from cardaudit.engine.registry import DOC_SECTIONS, load_checks, resolve_id

        try:
            spec = load_checks()[resolve_id(check_id)]
        except KeyError:
            raise ConfigError(f"no check '{check_id}' (see `cardaudit checks list`)") from None
        items = load_catalogue(DEFAULT_CATALOGUE).items_for_check().get(spec.id, [])
        if wants_json(output, json_flag):
            print_json({"id": spec.id, "stage": spec.stage, "severity": spec.severity.value,
                        "category": spec.category, "resource_type": spec.resource_type, "title": spec.title,
                        "reads": list(spec.needs), "scope": spec.scope, "pci_dss_4_0_1": items,
                        **{h: spec.doc_section(h) for h in DOC_SECTIONS}})
            return
        say(f"[bold]{escape(spec.id)}[/] · {spec.stage} · {spec.severity.value} · {escape(spec.category)} · "
            f"{escape(spec.resource_type)}")
        say(escape(spec.title))
        say(f"reads: {escape(', '.join(spec.needs))} · scope: {escape(str(spec.scope))} · "
            f"PCI DSS 4.0.1: {', '.join(items) or '-'}")
        for heading in DOC_SECTIONS:
            # The docstring is hard-wrapped as written: printed without re-wrapping (soft wrap).
            say(f"\n[bold]{heading}[/]\n{escape(spec.doc_section(heading))}")

    run_command(ctx, body)
