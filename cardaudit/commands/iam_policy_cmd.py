"""`cardaudit iam-policy`: the read-only IAM policy an audit needs, derived from the declarations."""

from __future__ import annotations

import sys

import typer

from cardaudit.commands.common import run_command


def iam_policy_command(ctx: typer.Context) -> None:
    """Print the least-privilege, read-only IAM policy for the audit role (docs/iam-policy.json).

    It lists exactly the actions cardaudit's collectors and set-up calls use, no wildcard: attach
    it to the role `audit --role-name` assumes, or to the caller. The same list is the allow-list
    of the guard that refuses any other call at run time.
    """

    def body() -> None:
        from cardaudit.collect.policy import render_policy

        sys.stdout.write(render_policy())

    run_command(ctx, body)
