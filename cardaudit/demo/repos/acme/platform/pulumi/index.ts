// Acme Card -- shared infrastructure for cards-prod (Pulumi stack acme/infra/prod).
// Owned by the infra team. Application teams deploy their own task definitions and services
// (CodePipeline), Step Functions workflows and SAM stacks on top of what is created here.
// The VPC, subnets and security groups come from the network stack.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const config = new pulumi.Config();
const network = new pulumi.StackReference(config.require("networkStack"));
const privateSubnetIds = network.requireOutput("privateSubnetIds") as pulumi.Output<string[]>;
const cardsDbSg = network.requireOutput("cardsDbSecurityGroupId") as pulumi.Output<string>;
const account = aws.getCallerIdentityOutput().accountId;

const tags = (app: string, extra: Record<string, string> = {}) => ({
    team: "infra", app, env: "prod", "managed-by": "pulumi", ...extra,
});

// IAM and bucket policies are reviewed as JSON files next to this program (pulumi/policies/*.json).
const policy = (name: string) => fs.readFileSync(path.join(__dirname, "policies", `${name}.json`), "utf8");

// ---- KMS -----------------------------------------------------------------------------------
function cmk(name: string, description: string, args: Partial<aws.kms.KeyArgs> = {}) {
    const key = new aws.kms.Key(name, {
        description, deletionWindowInDays: 30, tags: tags("platform", { "pci-scope": "cde" }), ...args,
    });
    new aws.kms.Alias(name, { name: `alias/${name}`, targetKeyId: key.keyId });
    return key;
}
const cardsData = cmk("cards-data", "Card data at rest: cards-db, statements, secrets",
    { enableKeyRotation: true });
// TODO(infra): enable rotation after the settlement go-live freeze (INFRA-1482).
const settlementFiles = cmk("settlement-files", "Settlement (cash-flow) files from the schemes");
cmk("token-signing", "Signs auth-api access tokens (RS256)",
    { keyUsage: "SIGN_VERIFY", customerMasterKeySpec: "RSA_2048" });

// ---- S3 --------------------------------------------------------------------------------------
function bucket(name: string, bucketTags: Record<string, string>, kmsKey?: aws.kms.Key) {
    const b = new aws.s3.BucketV2(name, { bucket: name, tags: bucketTags }, { protect: true });
    new aws.s3.BucketServerSideEncryptionConfigurationV2(name, {
        bucket: b.id,
        rules: [{
            applyServerSideEncryptionByDefault: kmsKey
                ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKey.arn }
                : { sseAlgorithm: "AES256" },
            bucketKeyEnabled: !!kmsKey,
        }],
    });
    new aws.s3.BucketPublicAccessBlock(name, {
        bucket: b.id, blockPublicAcls: true, ignorePublicAcls: true,
        blockPublicPolicy: true, restrictPublicBuckets: true,
    });
    new aws.s3.BucketVersioningV2(name, { bucket: b.id, versioningConfiguration: { status: "Enabled" } });
    new aws.s3.BucketPolicy(name, { bucket: b.id, policy: policy(`bucket-${name}`) }); // TLS only (+ CloudTrail)
    return b;
}
bucket("acme-card-statements-prod",
    { team: "app", app: "card-api", env: "prod", "pci-scope": "cde", "data-class": "chd" }, cardsData);
// Landing zone for the schemes' settlement files; the data team asked for it (DATA-77).
bucket("acme-settlement-inbound",
    { team: "data", app: "ledger-ingest", env: "prod", "pci-scope": "cde", "data-class": "chd" });
const trailBucket = bucket("acme-cloudtrail-logs-111122223333",
    tags("audit", { "pci-scope": "security" }), cardsData);

// ---- CloudTrail --------------------------------------------------------------------------------
new aws.cloudtrail.Trail("acme-org-audit", {
    name: config.require("trailName"),
    s3BucketName: trailBucket.bucket,
    isMultiRegionTrail: true,
    includeGlobalServiceEvents: true,
    enableLogFileValidation: false, // off during the log bucket migration (INFRA-1391)
    kmsKeyId: cardsData.arn,
    tags: tags("audit"),
});

// ---- IAM roles -------------------------------------------------------------------------------
function role(name: string, service: string, app: string, description: string) {
    const r = new aws.iam.Role(name, {
        name,
        description,
        assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{
                Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } },
            }],
        }),
        tags: tags(app),
    });
    new aws.iam.RolePolicy(name, { role: r.name, name: `${name}-policy`, policy: policy(name) });
    return r;
}
role("ecsTaskExecutionRole", "ecs-tasks.amazonaws.com", "platform",
    "ECS agent: pull images, write logs, read task secrets");
role("card-api-task-role", "ecs-tasks.amazonaws.com", "card-api", "card-api application role");
role("auth-api-task-role", "ecs-tasks.amazonaws.com", "auth-api",
    "auth-api application role: signs access tokens");
role("ledger-ingest-task-role", "ecs-tasks.amazonaws.com", "ledger-ingest",
    "ledger-ingest batch: reads settlement files");
const consumerRole = role("card-events-consumer-role", "lambda.amazonaws.com", "card-events",
    "card-events-consumer Lambda (deployed by SAM from acme/card-api)");
role("settlement-sfn-role", "states.amazonaws.com", "ledger-ingest",
    "daily-settlement-ingest state machine: runs ledger-ingest on cards-prod");
const scheduleRole = role("daily-settlement-schedule-role", "events.amazonaws.com", "ledger-ingest",
    "EventBridge schedule daily-settlement-schedule: starts the state machine");

// ---- ECS, ECR, logs ----------------------------------------------------------------------------
new aws.ecs.Cluster("cards-prod", {
    name: "cards-prod",
    settings: [{ name: "containerInsights", value: "enabled" }],
    tags: tags("platform"),
});
for (const [name, mutability] of [["card-api", "IMMUTABLE"], ["auth-api", "MUTABLE"]]) {
    new aws.ecr.Repository(name, {
        name,
        imageTagMutability: mutability,
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "AES256" }],
        tags: { team: "app", app: name, env: "prod", "managed-by": "pulumi" },
    });
}
for (const [name, app] of [
    ["/ecs/card-api", "card-api"], ["/ecs/auth-api", "auth-api"], ["/ecs/ledger-ingest", "ledger-ingest"],
    ["/aws/vendedlogs/states/daily-settlement-ingest", "ledger-ingest"],
]) {
    new aws.cloudwatch.LogGroup(name, { name, retentionInDays: 400, tags: tags(app) }); // PCI 10.5.1
}

// ---- card events: queue, DLQ, consumer --------------------------------------------------------
const dlq = new aws.sqs.Queue("card-events-dlq", {
    name: "card-events-dlq", messageRetentionSeconds: 1209600, tags: tags("card-events"),
});
new aws.sqs.Queue("card-events", {
    name: "card-events",
    visibilityTimeoutSeconds: 180,
    redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
    tags: tags("card-events"),
});
// Imported during the 2024 tagging clean-up so that Pulumi would enforce tags on it.
// The app team still deploys it with SAM (acme/card-api template.yaml).
new aws.lambda.Function("card-events-consumer", {
    name: "card-events-consumer",
    role: consumerRole.arn,
    runtime: aws.lambda.Runtime.Python3d12,
    handler: "app.handler",
    architectures: ["arm64"],
    timeout: 30,
    memorySize: 256,
    tracingConfig: { mode: "Active" },
    tags: { team: "app", app: "card-events", env: "prod" },
}, { import: "card-events-consumer", protect: true, ignoreChanges: ["code", "environment", "tags"] });

// ---- secrets, schedule, database --------------------------------------------------------------
new aws.secretsmanager.Secret("prod/card-api/db", {
    name: "prod/card-api/db",
    description: "card-api PostgreSQL password (database user card_api on cards-db)",
    kmsKeyId: cardsData.arn,
    tags: tags("card-api", { "pci-scope": "cde" }),
});
const schedule = new aws.cloudwatch.EventRule("daily-settlement-schedule", {
    name: "daily-settlement-schedule",
    description: "Starts daily-settlement-ingest every day at 02:00 UTC",
    scheduleExpression: "cron(0 2 * * ? *)",
    tags: tags("ledger-ingest"),
});
new aws.cloudwatch.EventTarget("daily-settlement-ingest", {
    rule: schedule.name,
    targetId: "daily-settlement-ingest",
    arn: pulumi.interpolate`arn:aws:states:eu-west-1:${account}:stateMachine:daily-settlement-ingest`,
    roleArn: scheduleRole.arn,
    input: JSON.stringify({ trigger: "daily-settlement-schedule" }),
});

const subnets = new aws.rds.SubnetGroup("cards-db-private", {
    name: "cards-db-private", subnetIds: privateSubnetIds, tags: tags("cards-db"),
});
new aws.rds.Instance("cards-db", {
    identifier: "cards-db",
    dbName: "cards",
    engine: "postgres",
    engineVersion: "16.4",
    instanceClass: "db.r6g.large",
    allocatedStorage: 200,
    storageType: "gp3",
    username: "cards_admin",
    password: config.requireSecret("cardsDbMasterPassword"),
    dbSubnetGroupName: subnets.name,
    vpcSecurityGroupIds: [cardsDbSg],
    storageEncrypted: true,
    kmsKeyId: cardsData.arn,
    multiAz: true,
    publiclyAccessible: false,
    deletionProtection: true,
    backupRetentionPeriod: 14,
    iamDatabaseAuthenticationEnabled: true,
    enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
    copyTagsToSnapshot: true,
    tags: tags("cards-db", { "pci-scope": "cde" }),
}, { protect: true });

export const cardsDataKeyArn = cardsData.arn;
export const settlementFilesKeyArn = settlementFiles.arn;
