"""`cardaudit checks list|explain`: what the registry holds, from the code itself."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cardaudit.catalogue.load import DEFAULT_CATALOGUE, load_catalogue
from cardaudit.cli import err, guarded, out
from cardaudit.engine.registry import DOC_SECTIONS, load_checks, resolve_id
from cardaudit.exitcodes import ExitCode

app = typer.Typer(no_args_is_help=True, help="List and explain checks.")


@app.command("list")
def list_checks() -> None:
    """List every check with its severity, category and PCI items."""

    def body() -> None:
        items = load_catalogue(DEFAULT_CATALOGUE).items_for_check()
        table = Table()
        for column in ("id", "severity", "category", "title", "PCI DSS 4.0.1"):
            table.add_column(column, overflow="fold")
        for spec in sorted(load_checks().values(), key=lambda s: s.id):
            table.add_row(spec.id, spec.severity.value, spec.category, escape(spec.title),
                          ", ".join(items.get(spec.id, [])))
        out.print(table)

    guarded(body)


@app.command("reference")
def reference() -> None:
    """Print the Markdown checks reference (docs/checks.md)."""
    from cardaudit.engine.reference import checks_reference

    guarded(lambda: sys.stdout.write(checks_reference()))


@app.command("explain")
def explain(check_id: Annotated[str, typer.Argument(help="Check id (or a retired alias).")]) -> None:
    """Show what a check looks at, why it matters and how to fix it."""

    def body() -> None:
        try:
            spec = load_checks()[resolve_id(check_id)]
        except KeyError:
            err.print(f"[red]error:[/] no check '{escape(check_id)}' (see `cardaudit checks list`)")
            raise typer.Exit(ExitCode.CONFIG) from None
        items = load_catalogue(DEFAULT_CATALOGUE).items_for_check().get(spec.id, [])
        out.print(f"[bold]{spec.id}[/] · {spec.severity.value} · {spec.category} · {spec.resource_type}")
        out.print(escape(spec.title))
        out.print(f"reads: {', '.join(spec.needs)} · scope: {spec.scope} · PCI DSS 4.0.1: {', '.join(items) or '-'}")
        for heading in DOC_SECTIONS:
            out.print(f"\n[bold]{heading}[/]\n{escape(spec.doc_section(heading))}")

    guarded(body)
