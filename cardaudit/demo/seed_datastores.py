"""Demo estate, datastores: DynamoDB, EFS, SNS, KMS policies, Secrets Manager, Backup.

Mostly compliant: the card-token table, the settlement file system, the alarm topic and the card
data vault use the cards-data key. The gaps are listed in DOMAIN_GAPS. moto emulates neither
backup selections nor ListProtectedResources, so the demo's backup-coverage findings are
NOT_ASSESSED, as they would be for an auditor refused those calls.
"""

from __future__ import annotations

import boto3

from cardaudit.demo.seed import (
    CARD_DATA_TAGS,
    DEMO_ACCOUNT,
    HOME_REGION,
    Seeded,
    _arn,
    _client,
    _policy,
    _tag_list,
    _tags,
)

PARTNER_KEY_ALIAS = "alias/partner-settlement-share"
LEGACY_SECRET = "prod/ledger-ingest/sftp"

DOMAIN_GAPS: dict[str, str] = {
    _arn("dynamodb", "table/sessions"): "AWS owned key only, and no point-in-time recovery",
    # EFS ids are random in moto: by the file system's Name.
    "batch-scratch": "file system not encrypted at rest, no automatic backups",
    _arn("sns", "ops-notices"): "topic not encrypted at rest",
    PARTNER_KEY_ALIAS: "key policy lets Principal \"*\" decrypt without any condition",
    LEGACY_SECRET: "encrypted with the AWS managed key aws/secretsmanager",
    _arn("backup", "backup-vault:ops-vault"): "vault on AWS Backup's default AWS managed key",
}

_KEYS = {"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
         "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"}


def seed(session: boto3.session.Session, seeded: Seeded) -> None:
    """Create this domain's resources: compliant ones and the gaps listed in DOMAIN_GAPS."""
    cards_data = seeded.keys.cards_data
    _seed_dynamodb(session, cards_data)
    _seed_efs(session, cards_data)
    _seed_sns(session, cards_data)
    _seed_partner_key(session)
    _seed_secret(session)
    _seed_backup(session, cards_data)


def _seed_dynamodb(session: boto3.session.Session, cards_data: str) -> None:
    ddb = _client(session, "dynamodb", HOME_REGION)
    ddb.create_table(
        TableName="card-tokens", SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": cards_data},
        Tags=_tag_list(_tags("app", "card-api", **{"pci-scope": "cde", "data-class": "chd"}, **CARD_DATA_TAGS)),
        **_KEYS,
    )
    ddb.update_continuous_backups(TableName="card-tokens",
                                  PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    # Created from the console during an incident "for now": default key, no PITR (gap).
    ddb.create_table(TableName="sessions", Tags=_tag_list(_tags("app", "auth-api", **{"pci-scope": "cde"})), **_KEYS)


def _seed_efs(session: boto3.session.Session, cards_data: str) -> None:
    efs = _client(session, "efs", HOME_REGION)
    efs.create_file_system(
        CreationToken="settlement-files", Encrypted=True, KmsKeyId=cards_data, Backup=True,
        Tags=_tag_list(_tags("infra", "ledger-ingest", Name="settlement-files", **{"pci-scope": "cde"})),
    )
    # Scratch space of the batch; unencrypted and not backed up (gap).
    efs.create_file_system(
        CreationToken="batch-scratch", Encrypted=False,
        Tags=_tag_list(_tags("infra", "ledger-ingest", Name="batch-scratch")),
    )


def _seed_sns(session: boto3.session.Session, cards_data: str) -> None:
    sns = _client(session, "sns", HOME_REGION)
    sns.create_topic(Name="card-alarms", Attributes={"KmsMasterKeyId": cards_data},
                     Tags=_tag_list(_tags("infra", "monitoring")))
    sns.create_topic(Name="ops-notices", Tags=_tag_list(_tags("infra", "monitoring")))  # unencrypted (gap)


def _seed_partner_key(session: boto3.session.Session) -> None:
    """A key shared with the settlement partner by opening it to everyone (gap)."""
    kms = _client(session, "kms", HOME_REGION)
    admin = {"Sid": "AccountAdmin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{DEMO_ACCOUNT}:root"},
             "Action": "kms:*", "Resource": "*"}
    partner = {"Sid": "PartnerDecrypt", "Effect": "Allow", "Principal": "*",
               "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"}
    key_id = kms.create_key(
        Description="Settlement files shared with the acquirer", KeyUsage="ENCRYPT_DECRYPT",
        KeySpec="SYMMETRIC_DEFAULT", Policy=_policy(admin, partner),
        Tags=_tag_list(_tags("infra", "platform", **{"managed-by": "pulumi"}), "TagKey", "TagValue"),
    )["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=PARTNER_KEY_ALIAS, TargetKeyId=key_id)
    kms.enable_key_rotation(KeyId=key_id)


def _seed_secret(session: boto3.session.Session) -> None:
    secrets = _client(session, "secretsmanager", HOME_REGION)
    arn = secrets.create_secret(
        Name=LEGACY_SECRET, Description="SFTP password of the scheme settlement drop",
        SecretString="hV3!pQ8#nZ2rWk5m",  # no KmsKeyId: aws/secretsmanager (gap)
        Tags=_tag_list(_tags("infra", "ledger-ingest", **{"pci-scope": "cde"})),
    )["ARN"]
    secrets.rotate_secret(SecretId=arn, RotationRules={"AutomaticallyAfterDays": 30}, RotateImmediately=False)


def _seed_backup(session: boto3.session.Session, cards_data: str) -> None:
    backup = _client(session, "backup", HOME_REGION)
    tags = _tags("infra", "platform", **{"managed-by": "pulumi"})
    backup.create_backup_vault(BackupVaultName="card-data-vault", EncryptionKeyArn=cards_data, BackupVaultTags=tags)
    backup.create_backup_vault(BackupVaultName="ops-vault", BackupVaultTags=tags)  # aws/backup (gap)
    backup.create_backup_plan(
        BackupPlan={"BackupPlanName": "card-data-daily", "Rules": [
            {"RuleName": "daily-35d", "TargetBackupVaultName": "card-data-vault",
             "ScheduleExpression": "cron(0 3 * * ? *)", "Lifecycle": {"DeleteAfterDays": 35}}]},
        BackupPlanTags=tags,
    )
