"""IAM: the root user, the password policy, who holds full administrator rights, policies attached
to users directly, and credentials: MFA for console sign-in, key age, idle credentials."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import (
    AwsResource,
    IamGroup,
    IamManagedPolicy,
    IamPasswordPolicy,
    IamRole,
    IamRootAccount,
    IamUser,
    InlinePolicy,
    PolicyStatement,
    Unknown,
)

MAX_KEY_AGE = timedelta(days=90)
MAX_IDLE = timedelta(days=90)  # PCI DSS v4.0.1 8.2.6: accounts idle for 90 days
MIN_PASSWORD_LENGTH = 12  # v4.0.1 8.3.6 (v3.2.1 8.2.3 asked for 7)
MIN_REUSE_PREVENTION = 4  # v4.0.1 8.3.7: not any of the last four
MAX_PASSWORD_AGE_DAYS = 90  # v4.0.1 8.3.9, where the password is the only factor


@check(
    title="IAM users who can sign in to the console have MFA",
    severity=Severity.HIGH, category="identity", resource_type="AWS::IAM::User",
    needs=("iam_users",),
)
def iam_console_user_mfa_enabled(users: list[IamUser]) -> Iterator[Result]:
    """What it checks:
    Every IAM user with a console password (a login profile) has at least one MFA device.

    Why it matters:
    A password alone is one stolen or guessed secret away from console access to the
    environment; multi-factor authentication is required for access into it.

    How to fix:
    Assign a virtual, hardware or passkey MFA device to the user, enforce MFA with an IAM
    policy condition, or move people to IAM Identity Center and delete the login profile.
    """
    for user in users:
        if isinstance(user.console_access, Unknown):
            yield Result.not_assessed(user.ref(), f"console access could not be read ({user.console_access.reason})")
        elif not user.console_access:
            continue
        elif isinstance(user.mfa_devices, Unknown):
            yield Result.not_assessed(user.ref(), f"MFA devices could not be read ({user.mfa_devices.reason})")
        elif user.mfa_devices == 0:
            yield Result.failed(user.ref(), "console password without any MFA device", mfa_devices=0)
        else:
            yield Result.passed(user.ref(), f"console password with {user.mfa_devices} MFA device(s)",
                                mfa_devices=user.mfa_devices)


def _age_days(created: datetime, now: datetime) -> int:
    def aware(moment: datetime) -> datetime:
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    return (aware(now) - aware(created)).days


@check(
    title="Active IAM access keys are younger than 90 days",
    severity=Severity.MEDIUM, category="identity", resource_type="AWS::IAM::User",
    needs=("clock", "iam_users"),
)
def iam_access_key_rotated_90_days(now: datetime, users: list[IamUser]) -> Iterator[Result]:
    """What it checks:
    Every active access key of every IAM user was created less than 90 days ago. Users without
    active keys are not judged.

    Why it matters:
    Long-lived keys are the most common leaked AWS credential; a key that is never rotated
    stays valid for as long as the leak goes unnoticed.

    How to fix:
    Create a new key, move the consumer to it, deactivate then delete the old one; better,
    replace user keys with roles (instance, task or OIDC federation).
    """
    for user in users:
        keys = user.access_keys
        if isinstance(keys, Unknown):
            yield Result.not_assessed(user.ref(), f"access keys could not be read ({keys.reason})")
            continue
        active = [k for k in keys if k.status == "Active"]
        if not active:
            continue
        ages = {f"...{k.id_suffix}": _age_days(k.created, now) for k in active}
        old = {key: age for key, age in ages.items() if age >= MAX_KEY_AGE.days}
        if old:
            listed = ", ".join(f"{key} ({age} days)" for key, age in sorted(old.items()))
            yield Result.failed(user.ref(), f"active access key(s) older than 90 days: {listed}",
                                key_ages_days=ages)
        else:
            yield Result.passed(user.ref(), f"{len(active)} active key(s), oldest {max(ages.values())} days",
                                key_ages_days=ages)


def _idle(credential: str, last_used: datetime | None, since: datetime, now: datetime) -> str | None:
    """Why one credential counts as idle for 90 days, or None when it was used (or made) since."""
    if last_used is not None:
        days = _age_days(last_used, now)
        return f"{credential} last used {days} days ago" if days >= MAX_IDLE.days else None
    days = _age_days(since, now)
    return f"{credential} never used, created {days} days ago" if days >= MAX_IDLE.days else None


@check(
    title="IAM users have no console password or active access key left unused for 90 days",
    severity=Severity.MEDIUM, category="identity", resource_type="AWS::IAM::User",
    needs=("clock", "iam_users"),
)
def iam_user_credentials_unused_90_days(now: datetime, users: list[IamUser]) -> Iterator[Result]:
    """What it checks:
    For every IAM user, its console password (when it has one) was used in the last 90 days
    (ListUsers `PasswordLastUsed`) and each active access key was used in the last 90 days
    (GetAccessKeyLastUsed). A credential never used counts from its creation: the user's for the
    password, the key's for a key, so a user created last week is not idle. A user with neither
    credential PASSes. A user whose login profile, keys or key use could not be read is
    NOT_ASSESSED. AWS records password use only since October 2014, and an absent
    `PasswordLastUsed` is read as never used.

    Why it matters:
    A credential nobody uses is a door nobody watches: it belongs to someone who left, a
    retired job or a forgotten test, and its compromise would go unnoticed. Accounts idle for
    90 days are to be removed or disabled.

    How to fix:
    Delete the login profile (`aws iam delete-login-profile`) or deactivate and delete the key
    (`aws iam update-access-key --status Inactive`, then `delete-access-key`); delete the user
    when nothing of it is in use. IAM Access Analyzer's unused access findings list them
    continuously.
    """
    for user in users:
        console, keys = user.console_access, user.access_keys
        if isinstance(console, Unknown) or isinstance(keys, Unknown):
            unreadable = [v.reason for v in (console, keys) if isinstance(v, Unknown)]
            yield Result.not_assessed(user.ref(), f"credentials could not be read ({'; '.join(unreadable)})")
            continue
        active = [k for k in keys if k.status == "Active"]
        key_use = [(k, k.last_used) for k in active]
        unread = sorted({used.reason for _, used in key_use if isinstance(used, Unknown)})
        if unread:
            yield Result.not_assessed(user.ref(), f"access key use could not be read ({'; '.join(unread)})")
            continue
        found = [_idle("console password", user.password_last_used, user.created, now)] if console else []
        found += [_idle(f"access key ...{k.id_suffix}", used, k.created, now)
                  for k, used in key_use if not isinstance(used, Unknown)]
        idle = [reason for reason in found if reason]
        held = (["console password"] if console else []) + [f"...{k.id_suffix}" for k in active]
        if idle:
            yield Result.failed(user.ref(), f"unused for 90 days or more: {'; '.join(idle)}", idle=idle)
        elif held:
            yield Result.passed(user.ref(), f"every credential used or created in the last 90 days: "
                                f"{', '.join(held)}", credentials=held)
        else:
            yield Result.passed(user.ref(), "no console password and no active access key", credentials=[])


# --------------------------------------------------------------------------------------------
# the root user


@check(
    title="The root user has MFA",
    severity=Severity.CRITICAL, category="identity", resource_type="AWS::IAM::RootAccount",
    needs=("iam_root_accounts",),
)
def iam_root_mfa_enabled(roots: list[IamRootAccount]) -> Iterator[Result]:
    """What it checks:
    The account's root user has an MFA device (GetAccountSummary `AccountMFAEnabled`). Whether
    the device is hardware or virtual is not read. In an AWS Organizations member account whose
    root credentials were removed centrally, the summary reports no MFA and this FAILs: the
    reason is then the removal, which cardaudit does not read.

    Why it matters:
    The root user can do everything in the account, including closing it and changing its
    contact and billing details, and no IAM policy limits it. Its password alone must not be
    enough to sign in.

    How to fix:
    Sign in as root, open Security credentials and assign an MFA device (a hardware key or
    passkey for root is best); keep it with a named custodian, or remove the member accounts'
    root credentials centrally (IAM root access management).
    """
    for root in roots:
        if isinstance(root.mfa_enabled, Unknown):
            yield Result.not_assessed(root.ref(), f"account summary could not be read ({root.mfa_enabled.reason})")
        elif root.mfa_enabled:
            yield Result.passed(root.ref(), "the root user has MFA", mfa_enabled=True)
        else:
            yield Result.failed(root.ref(), "the root user has no MFA device", mfa_enabled=False)


@check(
    title="The root user has no access keys",
    severity=Severity.CRITICAL, category="identity", resource_type="AWS::IAM::RootAccount",
    needs=("iam_root_accounts",),
)
def iam_root_no_access_keys(roots: list[IamRootAccount]) -> Iterator[Result]:
    """What it checks:
    The root user has no access key, active or not (GetAccountSummary `AccountAccessKeysPresent`).

    Why it matters:
    A root access key is a long-lived secret with unlimited power over the account that no
    policy can restrict; it is the vendor-default super-user credential of an AWS account, and
    programmatic use should go through IAM roles.

    How to fix:
    Sign in as root, open Security credentials, deactivate then delete each access key (after
    moving whatever used it to a role); do not create new ones.
    """
    for root in roots:
        if isinstance(root.access_keys_present, Unknown):
            yield Result.not_assessed(root.ref(),
                                      f"account summary could not be read ({root.access_keys_present.reason})")
        elif root.access_keys_present:
            yield Result.failed(root.ref(), "the root user has access keys", access_keys_present=True)
        else:
            yield Result.passed(root.ref(), "the root user has no access keys", access_keys_present=False)


# --------------------------------------------------------------------------------------------
# the password policy


def _unreadable(policy: IamPasswordPolicy, unknown: Unknown) -> Result:
    return Result.not_assessed(policy.ref(), f"password policy could not be read ({unknown.reason})")


NO_POLICY = "the account has no IAM password policy (NoSuchEntity)"


@check(
    title="The IAM password policy asks for at least 12 characters",
    severity=Severity.MEDIUM, category="identity", resource_type="AWS::IAM::AccountPasswordPolicy",
    needs=("iam_password_policies",),
)
def iam_password_policy_min_length(policies: list[IamPasswordPolicy]) -> Iterator[Result]:
    """What it checks:
    The account's password policy sets `MinimumPasswordLength` to 12 or more. An account
    without a password policy FAILs (IAM then applies its default of 8 characters).

    Why it matters:
    Length is what makes a password hard to guess or crack. PCI DSS v4.0.1 (8.3.6) asks for at
    least 12 characters, or 8 where the system cannot do 12; v3.2.1 (8.2.3) asked for 7. IAM
    can do 12, so the lower figure does not apply.

    How to fix:
    `aws iam update-account-password-policy --minimum-password-length 14` together with the
    other settings you keep (the call replaces the whole policy).
    """
    for policy in policies:
        settings = policy.policy
        if isinstance(settings, Unknown):
            yield _unreadable(policy, settings)
        elif settings is None:
            yield Result.failed(policy.ref(), f"{NO_POLICY}: IAM's default minimum is 8 characters",
                                minimum_length=None)
        elif settings.minimum_length < MIN_PASSWORD_LENGTH:
            yield Result.failed(policy.ref(), f"minimum length {settings.minimum_length}, below "
                                f"{MIN_PASSWORD_LENGTH}", minimum_length=settings.minimum_length)
        else:
            yield Result.passed(policy.ref(), f"minimum length {settings.minimum_length}",
                                minimum_length=settings.minimum_length)


@check(
    title="The IAM password policy requires letters and numbers",
    severity=Severity.MEDIUM, category="identity", resource_type="AWS::IAM::AccountPasswordPolicy",
    needs=("iam_password_policies",),
)
def iam_password_policy_complexity(policies: list[IamPasswordPolicy]) -> Iterator[Result]:
    """What it checks:
    The account's password policy requires at least one number (`RequireNumbers`) and at least
    one letter (`RequireUppercaseCharacters` or `RequireLowercaseCharacters`). Symbols and both
    letter cases are reported but not required. An account without a password policy FAILs.

    Why it matters:
    Passwords must mix numeric and alphabetic characters (PCI DSS v4.0.1 8.3.6, v3.2.1 8.2.3),
    so that an all-digit PIN or a dictionary word alone is refused.

    How to fix:
    `aws iam update-account-password-policy --require-numbers --require-uppercase-characters
    --require-lowercase-characters` together with the other settings you keep.
    """
    for policy in policies:
        settings = policy.policy
        if isinstance(settings, Unknown):
            yield _unreadable(policy, settings)
            continue
        if settings is None:
            yield Result.failed(policy.ref(), f"{NO_POLICY}: neither numbers nor letters are required")
            continue
        required = {"numbers": settings.require_numbers, "uppercase": settings.require_uppercase,
                    "lowercase": settings.require_lowercase, "symbols": settings.require_symbols}
        missing = ([] if settings.require_numbers else ["numbers"]) + (
            [] if settings.require_uppercase or settings.require_lowercase else ["letters"])
        if missing:
            yield Result.failed(policy.ref(), f"does not require {' or '.join(missing)}", required=required)
        else:
            yield Result.passed(policy.ref(), "requires numbers and letters", required=required)


@check(
    title="The IAM password policy refuses the last four passwords",
    severity=Severity.MEDIUM, category="identity", resource_type="AWS::IAM::AccountPasswordPolicy",
    needs=("iam_password_policies",),
)
def iam_password_policy_reuse_prevention(policies: list[IamPasswordPolicy]) -> Iterator[Result]:
    """What it checks:
    The account's password policy sets `PasswordReusePrevention` to 4 or more. An account
    without a password policy, or a policy without reuse prevention, FAILs.

    Why it matters:
    A password changed back to one used before gives an attacker who knew the old one their
    access back; a new password may not repeat any of the last four (PCI DSS v4.0.1 8.3.7,
    v3.2.1 8.2.5).

    How to fix:
    `aws iam update-account-password-policy --password-reuse-prevention 24` together with the
    other settings you keep.
    """
    for policy in policies:
        settings = policy.policy
        if isinstance(settings, Unknown):
            yield _unreadable(policy, settings)
        elif settings is None:
            yield Result.failed(policy.ref(), f"{NO_POLICY}: earlier passwords may be reused", reuse_prevention=None)
        elif (settings.reuse_prevention or 0) < MIN_REUSE_PREVENTION:
            said = (f"only the last {settings.reuse_prevention} password(s) are refused"
                    if settings.reuse_prevention else "no reuse prevention")
            yield Result.failed(policy.ref(), f"{said}; at least {MIN_REUSE_PREVENTION} are required",
                                reuse_prevention=settings.reuse_prevention)
        else:
            yield Result.passed(policy.ref(), f"the last {settings.reuse_prevention} passwords are refused",
                                reuse_prevention=settings.reuse_prevention)


def _single_factor(users: Sequence[IamUser]) -> tuple[list[str], list[str]]:
    """(console users without MFA, users whose console access or MFA could not be read)."""
    without: list[str] = []
    unknown: list[str] = []
    for user in sorted(users, key=lambda u: u.name):
        if isinstance(user.console_access, Unknown) or (user.console_access and isinstance(user.mfa_devices,
                                                                                            Unknown)):
            unknown.append(user.name)
        elif user.console_access and user.mfa_devices == 0:
            without.append(user.name)
    return without, unknown


def _names(names: list[str], most: int = 5) -> str:
    return ", ".join(names[:most]) + (f" and {len(names) - most} more" if len(names) > most else "")


@check(
    title="IAM passwords that are the only factor expire within 90 days",
    severity=Severity.LOW, category="identity", resource_type="AWS::IAM::AccountPasswordPolicy",
    needs=("iam_password_policies", "iam_users"), scope="account",
)
def iam_password_policy_max_age(account: str, policies: list[IamPasswordPolicy],
                                users: list[IamUser]) -> Iterator[Result]:
    """What it checks:
    The account's password policy makes passwords expire within 90 days (`MaxPasswordAge` 1 to
    90), or no IAM user signs in with a password alone. PCI DSS v4.0.1 8.3.9 asks for a change
    every 90 days only where the password is the only factor, so a policy without expiry, or
    without a password policy at all, PASSes when every console user has MFA, with that said in
    the reason, and FAILs naming the console users without MFA otherwise. It is NOT_ASSESSED
    when some user's console access or MFA could not be read and none is known to sign in
    with a password alone. The root user's password is outside the IAM password policy and is
    not judged here.

    Why it matters:
    A password that is the only factor and never changes stays usable for as long as its leak
    goes unnoticed. Expiry is the v4.0.1 fallback (8.3.9; v3.2.1 8.2.4 asked for it of every
    password); MFA, or dynamic analysis of each account's security posture, are the
    alternatives, and NIST SP 800-63B advises against forced expiry where they are in place.

    How to fix:
    Give every console user MFA (preferred, see iam_console_user_mfa_enabled), or
    `aws iam update-account-password-policy --max-password-age 90` together with the other
    settings you keep.
    """
    without, unknown = _single_factor(users)
    del account  # the runner hands each account's policy and users together
    for policy in policies:
        settings = policy.policy
        if isinstance(settings, Unknown):
            yield _unreadable(policy, settings)
            continue
        max_age = settings.max_age_days if settings is not None else None
        evidence = {"max_age_days": max_age, "console_users_without_mfa": without}
        if max_age is not None and max_age <= MAX_PASSWORD_AGE_DAYS:
            yield Result.passed(policy.ref(), f"passwords expire after {max_age} days", **evidence)
            continue
        said = (NO_POLICY if settings is None else
                "passwords never expire" if max_age is None else f"passwords expire after {max_age} days")
        if without:
            yield Result.failed(policy.ref(), f"{said}, and the password is the only factor for console "
                                f"user(s) without MFA: {_names(without)}", **evidence)
        elif unknown:
            yield Result.not_assessed(policy.ref(), f"{said}; whether any console user signs in with a password "
                                      f"alone could not be read ({_names(unknown)})", **evidence)
        else:
            yield Result.passed(policy.ref(), f"{said}, but every console user has MFA: no password is the only "
                                "factor, which is when PCI DSS asks for 90-day expiry", **evidence)


# --------------------------------------------------------------------------------------------
# full administrator rights and direct policies


def _full_admin(statement: PolicyStatement) -> bool:
    """Allows every action (`*`, `*:*`) on every resource (`*`)."""
    return (statement.effect == "Allow" and any(a in ("*", "*:*") for a in statement.actions)
            and "*" in statement.resources)


def _admin_statements(statements: Sequence[PolicyStatement]) -> list[PolicyStatement]:
    return [s for s in statements if _full_admin(s)]


@check(
    title="Customer managed IAM policies do not grant full administrator rights",
    severity=Severity.HIGH, category="identity", resource_type="AWS::IAM::ManagedPolicy",
    needs=("iam_policies",),
)
def iam_policy_no_full_admin(policies: list[IamManagedPolicy]) -> Iterator[Result]:
    """What it checks:
    The default version of each customer managed policy has no statement that allows every
    action (`*` or `*:*`) on every resource (`*`). A policy FAILs whether it is attached or not
    (an unattached one is one attachment away from use), and the reason says how many users,
    groups and roles it is attached to; a statement with a Condition still FAILs, with the
    condition mentioned. AWS managed policies (AdministratorAccess) are not judged here; inline
    policies are judged by iam_inline_policy_no_full_admin.

    Why it matters:
    Access is granted by least privilege, for the job at hand. A policy that allows `*` on `*`
    makes whoever holds it an administrator of everything in the account, card data and audit
    logs included.

    How to fix:
    Replace the policy's statements with the actions and resources the job needs (IAM Access
    Analyzer can generate a policy from CloudTrail activity), create that as a new default
    version and delete the old versions; keep administrator access in one tightly held role.
    """
    for policy in policies:
        if isinstance(policy.statements, Unknown):
            yield Result.not_assessed(policy.ref(), f"default version {policy.default_version} could not be read "
                                      f"({policy.statements.reason})")
            continue
        admin = _admin_statements(policy.statements)
        attached = f"attached to {policy.attachments} user(s), group(s) or role(s)" if policy.attachments else (
            "not attached")
        evidence = {"attachments": policy.attachments, "default_version": policy.default_version}
        if admin:
            condition = " (with a Condition)" if all(s.conditional for s in admin) else ""
            yield Result.failed(policy.ref(), f"allows * on *{condition}; {attached}", **evidence)
        else:
            yield Result.passed(policy.ref(), f"no statement allows * on *; {attached}", **evidence)


def _admin_inline(policies: list[InlinePolicy]) -> list[str]:
    return sorted(p.name for p in policies if _admin_statements(p.statements))


@check(
    title="Inline policies of IAM users, groups and roles do not grant full administrator rights",
    severity=Severity.HIGH, category="identity", resource_type="AWS::IAM::Role",
    needs=("iam_users", "iam_groups", "iam_roles"),
)
def iam_inline_policy_no_full_admin(users: list[IamUser], groups: list[IamGroup],
                                    roles: list[IamRole]) -> Iterator[Result]:
    """What it checks:
    Every IAM user, group and role that has inline (embedded) policies has none that allows
    every action (`*` or `*:*`) on every resource (`*`). Principals without inline policies,
    and service-linked roles (their policies are AWS's), are not judged. A principal whose
    inline policies could not be read is NOT_ASSESSED.

    Why it matters:
    An inline policy with `*` on `*` makes the principal an administrator of the whole account
    outside any reviewed, reusable policy, where least-privilege reviews of managed policies do
    not see it.

    How to fix:
    Delete the inline policy (`aws iam delete-role-policy`, `delete-user-policy`,
    `delete-group-policy`) and grant what the job needs with a scoped managed policy, attached
    to a group for people and to the role for workloads.
    """
    principals: list[tuple[AwsResource, list[InlinePolicy] | Unknown]] = [
        *((u, u.inline_policies) for u in users), *((g, g.inline_policies) for g in groups),
        *((r, r.inline_policies) for r in roles if not r.aws_managed)]
    for principal, inline in principals:
        if isinstance(inline, Unknown):
            yield Result.not_assessed(principal.ref(), f"inline policies could not be read ({inline.reason})")
        elif not inline:
            continue
        elif admin := _admin_inline(inline):
            yield Result.failed(principal.ref(), f"inline polic(ies) allowing * on *: {', '.join(admin)}",
                                inline_policies=sorted(p.name for p in inline), admin_policies=admin)
        else:
            yield Result.passed(principal.ref(), f"{len(inline)} inline polic(ies), none allows * on *",
                                inline_policies=sorted(p.name for p in inline))


@check(
    title="IAM users get their permissions through groups, not policies of their own",
    severity=Severity.LOW, category="identity", resource_type="AWS::IAM::User",
    needs=("iam_users",),
)
def iam_user_no_direct_policies(users: list[IamUser]) -> Iterator[Result]:
    """What it checks:
    No IAM user has an inline policy or a managed policy attached to it directly
    (GetAccountAuthorizationDetails `UserPolicyList` and `AttachedManagedPolicies`); permissions
    come from the groups the user is in. A user whose policies could not be read is
    NOT_ASSESSED.

    Why it matters:
    Access is assigned by job function: a group per role makes who may do what reviewable in
    one place, and a leaver's or mover's rights change with their group. Policies attached to
    single users are exceptions nobody reviews.

    How to fix:
    Create a group for the job function, attach the managed policy to it, add the user, then
    `aws iam detach-user-policy` / `delete-user-policy`. Machine users are better replaced by
    roles.
    """
    for user in users:
        embedded, attached_arns = user.inline_policies, user.attached_policies
        if isinstance(embedded, Unknown) or isinstance(attached_arns, Unknown):
            unreadable = {v.reason for v in (embedded, attached_arns) if isinstance(v, Unknown)}
            yield Result.not_assessed(user.ref(), f"user policies could not be read ({'; '.join(sorted(unreadable))})")
            continue
        inline = sorted(p.name for p in embedded)
        attached = sorted(arn.rsplit("/", 1)[-1] for arn in attached_arns)
        if inline or attached:
            parts = ([f"inline: {', '.join(inline)}"] if inline else []) + (
                [f"attached: {', '.join(attached)}"] if attached else [])
            yield Result.failed(user.ref(), f"policies on the user itself ({'; '.join(parts)})",
                                inline_policies=inline, attached_policies=sorted(attached_arns))
        else:
            yield Result.passed(user.ref(), "no policy of its own", inline_policies=[], attached_policies=[])
