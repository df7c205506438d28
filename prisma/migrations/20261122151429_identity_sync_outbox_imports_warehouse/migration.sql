-- CreateEnum
CREATE TYPE "SubmissionOutcome" AS ENUM ('LINKED', 'ALREADY_LINKED', 'REVIEW', 'APPROVED', 'REJECTED', 'INVALID');

-- CreateEnum
CREATE TYPE "ReviewStatus" AS ENUM ('OPEN', 'APPROVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('PENDING', 'SENT', 'DRY_RUN', 'SKIPPED', 'FAILED', 'DEAD');

-- CreateEnum
CREATE TYPE "ImportStatus" AS ENUM ('UPLOADED', 'MAPPED', 'PREVIEWED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED');

-- CreateTable
CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "scene" TEXT NOT NULL,
    "qrTicket" TEXT,
    "qrUrl" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" TEXT,

    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WechatFollower" (
    "id" TEXT NOT NULL,
    "openid" TEXT NOT NULL,
    "unionid" TEXT,
    "subscribedAt" TIMESTAMP(3),
    "unsubscribedAt" TIMESTAMP(3),
    "campaignId" TEXT,
    "language" TEXT,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WechatFollower_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UserCode" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "openid" TEXT NOT NULL,
    "issuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UserCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WechatMessage" (
    "id" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "openid" TEXT NOT NULL,
    "msgType" TEXT NOT NULL,
    "event" TEXT,
    "replyXml" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WechatMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdentityLink" (
    "id" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "system" "Provider" NOT NULL,
    "externalId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "linkedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "linkedById" TEXT,

    CONSTRAINT "IdentityLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CodeSubmission" (
    "id" TEXT NOT NULL,
    "system" "Provider" NOT NULL,
    "recordId" TEXT NOT NULL,
    "rawInput" TEXT NOT NULL,
    "normalized" TEXT,
    "outcome" "SubmissionOutcome" NOT NULL,
    "openid" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CodeSubmission_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MatchReview" (
    "id" TEXT NOT NULL,
    "submissionId" TEXT NOT NULL,
    "suggestions" JSONB NOT NULL,
    "status" "ReviewStatus" NOT NULL DEFAULT 'OPEN',
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "approvedOpenid" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MatchReview_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Application" (
    "id" TEXT NOT NULL,
    "studentId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "wechatCode" TEXT,
    "appliedAt" TIMESTAMP(3),
    "enrolledAt" TIMESTAMP(3),
    "sourceUpdatedAt" TIMESTAMP(3) NOT NULL,
    "raw" JSONB NOT NULL,
    "syncedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Application_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContactCustomerMap" (
    "id" TEXT NOT NULL,
    "hubspotContactId" TEXT NOT NULL,
    "stripeCustomerId" TEXT NOT NULL,
    "email" TEXT,
    "hubspotUpdatedAt" TIMESTAMP(3),
    "stripeUpdatedAt" TIMESTAMP(3),
    "lastSyncToStripeAt" TIMESTAMP(3),
    "lastSyncToHubspotAt" TIMESTAMP(3),
    "status" TEXT NOT NULL DEFAULT 'ok',
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ContactCustomerMap_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WriteLedger" (
    "id" TEXT NOT NULL,
    "system" "Provider" NOT NULL,
    "objectId" TEXT NOT NULL,
    "fieldHash" TEXT NOT NULL,
    "fields" TEXT[],
    "writtenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "echoedAt" TIMESTAMP(3),

    CONSTRAINT "WriteLedger_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncLog" (
    "id" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "sourceSystem" "Provider",
    "sourceId" TEXT,
    "targetSystem" "Provider",
    "targetId" TEXT,
    "statusCode" INTEGER,
    "lagMs" INTEGER,
    "message" TEXT,
    "webhookEventId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SyncLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Purchase" (
    "id" TEXT NOT NULL,
    "purchaseKey" TEXT NOT NULL,
    "stripeCustomerId" TEXT,
    "hubspotContactId" TEXT,
    "amount" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "paidAt" TIMESTAMP(3) NOT NULL,
    "sources" TEXT[],
    "hubspotSyncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Purchase_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeadLetter" (
    "id" TEXT NOT NULL,
    "functionId" TEXT NOT NULL,
    "eventName" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "error" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "subject" TEXT,
    "replayCount" INTEGER NOT NULL DEFAULT 0,
    "lastReplayedAt" TIMESTAMP(3),
    "lastReplayedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeadLetter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RateLimitState" (
    "provider" "Provider" NOT NULL,
    "bucket" TEXT NOT NULL,
    "tat" TIMESTAMP(3) NOT NULL,
    "grantedTotal" BIGINT NOT NULL DEFAULT 0,
    "throttledTotal" BIGINT NOT NULL DEFAULT 0,
    "pausedUntil" TIMESTAMP(3),

    CONSTRAINT "RateLimitState_pkey" PRIMARY KEY ("provider","bucket")
);

-- CreateTable
CREATE TABLE "AppSetting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedById" TEXT,

    CONSTRAINT "AppSetting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" TEXT,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxEvent" (
    "id" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "email" TEXT,
    "externalId" TEXT,
    "properties" JSONB NOT NULL,
    "apiKeyId" TEXT,
    "status" "OutboxStatus" NOT NULL DEFAULT 'PENDING',
    "mode" TEXT NOT NULL,
    "attemptCount" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "sentPayload" JSONB,
    "hubspotContactId" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),

    CONSTRAINT "OutboxEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportJob" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" "ImportStatus" NOT NULL DEFAULT 'UPLOADED',
    "files" JSONB NOT NULL,
    "progress" JSONB,
    "report" JSONB,
    "dryRun" BOOLEAN NOT NULL DEFAULT false,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),

    CONSTRAINT "ImportJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportRow" (
    "id" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "object" TEXT NOT NULL,
    "rowNumber" INTEGER NOT NULL,
    "values" JSONB NOT NULL,
    "raw" JSONB NOT NULL,
    "quality" DOUBLE PRECISION NOT NULL,
    "outcome" TEXT NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "hubspotId" TEXT,
    "associations" JSONB,

    CONSTRAINT "ImportRow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportMappingTemplate" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "object" TEXT NOT NULL,
    "mapping" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ImportMappingTemplate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HubspotContact" (
    "id" TEXT NOT NULL,
    "email" TEXT,
    "firstName" TEXT,
    "lastName" TEXT,
    "lifecycleStage" TEXT,
    "wechatCode" TEXT,
    "wechatOpenid" TEXT,
    "createdAt" TIMESTAMP(3),
    "lastModifiedAt" TIMESTAMP(3),
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "mergedIntoId" TEXT,
    "raw" JSONB NOT NULL,
    "ingestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HubspotContact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HubspotCompany" (
    "id" TEXT NOT NULL,
    "name" TEXT,
    "domain" TEXT,
    "lastModifiedAt" TIMESTAMP(3),
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "mergedIntoId" TEXT,
    "raw" JSONB NOT NULL,
    "ingestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HubspotCompany_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HubspotDeal" (
    "id" TEXT NOT NULL,
    "name" TEXT,
    "amount" DECIMAL(18,2),
    "currency" TEXT,
    "stage" TEXT,
    "closeDate" TIMESTAMP(3),
    "lastModifiedAt" TIMESTAMP(3),
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "mergedIntoId" TEXT,
    "raw" JSONB NOT NULL,
    "ingestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HubspotDeal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HubspotAssociation" (
    "fromType" TEXT NOT NULL,
    "fromId" TEXT NOT NULL,
    "toType" TEXT NOT NULL,
    "toId" TEXT NOT NULL,

    CONSTRAINT "HubspotAssociation_pkey" PRIMARY KEY ("fromType","fromId","toType","toId")
);

-- CreateTable
CREATE TABLE "IngestRun" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "cursor" TIMESTAMP(3),
    "counts" JSONB,
    "error" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "durationMs" INTEGER,

    CONSTRAINT "IngestRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AppUser" (
    "userId" TEXT NOT NULL,
    "name" TEXT,
    "email" TEXT,
    "lifetimeSpend" DECIMAL(18,2),
    "currency" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AppUser_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "Team" (
    "teamId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Team_pkey" PRIMARY KEY ("teamId")
);

-- CreateTable
CREATE TABLE "TeamMembership" (
    "teamId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,

    CONSTRAINT "TeamMembership_pkey" PRIMARY KEY ("teamId","userId")
);

-- CreateTable
CREATE TABLE "TeamMatchOverride" (
    "companyId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "matched" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TeamMatchOverride_pkey" PRIMARY KEY ("companyId","teamId")
);

-- CreateTable
CREATE TABLE "CampaignSpend" (
    "id" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "amount" DECIMAL(18,2) NOT NULL,
    "currency" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CampaignSpend_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Campaign_name_key" ON "Campaign"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Campaign_scene_key" ON "Campaign"("scene");

-- CreateIndex
CREATE UNIQUE INDEX "WechatFollower_openid_key" ON "WechatFollower"("openid");

-- CreateIndex
CREATE INDEX "WechatFollower_campaignId_firstSeenAt_idx" ON "WechatFollower"("campaignId", "firstSeenAt");

-- CreateIndex
CREATE INDEX "WechatFollower_firstSeenAt_idx" ON "WechatFollower"("firstSeenAt");

-- CreateIndex
CREATE UNIQUE INDEX "UserCode_code_key" ON "UserCode"("code");

-- CreateIndex
CREATE UNIQUE INDEX "UserCode_openid_key" ON "UserCode"("openid");

-- CreateIndex
CREATE UNIQUE INDEX "WechatMessage_dedupeKey_key" ON "WechatMessage"("dedupeKey");

-- CreateIndex
CREATE INDEX "WechatMessage_openid_receivedAt_idx" ON "WechatMessage"("openid", "receivedAt");

-- CreateIndex
CREATE INDEX "IdentityLink_personId_idx" ON "IdentityLink"("personId");

-- CreateIndex
CREATE UNIQUE INDEX "IdentityLink_system_externalId_key" ON "IdentityLink"("system", "externalId");

-- CreateIndex
CREATE INDEX "CodeSubmission_openid_idx" ON "CodeSubmission"("openid");

-- CreateIndex
CREATE UNIQUE INDEX "CodeSubmission_system_recordId_rawInput_key" ON "CodeSubmission"("system", "recordId", "rawInput");

-- CreateIndex
CREATE UNIQUE INDEX "MatchReview_submissionId_key" ON "MatchReview"("submissionId");

-- CreateIndex
CREATE INDEX "MatchReview_status_createdAt_idx" ON "MatchReview"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Application_studentId_key" ON "Application"("studentId");

-- CreateIndex
CREATE INDEX "Application_sourceUpdatedAt_idx" ON "Application"("sourceUpdatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ContactCustomerMap_hubspotContactId_key" ON "ContactCustomerMap"("hubspotContactId");

-- CreateIndex
CREATE UNIQUE INDEX "ContactCustomerMap_stripeCustomerId_key" ON "ContactCustomerMap"("stripeCustomerId");

-- CreateIndex
CREATE INDEX "ContactCustomerMap_email_idx" ON "ContactCustomerMap"("email");

-- CreateIndex
CREATE INDEX "WriteLedger_system_objectId_writtenAt_idx" ON "WriteLedger"("system", "objectId", "writtenAt" DESC);

-- CreateIndex
CREATE INDEX "SyncLog_sourceSystem_sourceId_createdAt_idx" ON "SyncLog"("sourceSystem", "sourceId", "createdAt");

-- CreateIndex
CREATE INDEX "SyncLog_targetSystem_targetId_createdAt_idx" ON "SyncLog"("targetSystem", "targetId", "createdAt");

-- CreateIndex
CREATE INDEX "SyncLog_createdAt_direction_idx" ON "SyncLog"("createdAt", "direction");

-- CreateIndex
CREATE UNIQUE INDEX "Purchase_purchaseKey_key" ON "Purchase"("purchaseKey");

-- CreateIndex
CREATE INDEX "Purchase_stripeCustomerId_paidAt_idx" ON "Purchase"("stripeCustomerId", "paidAt");

-- CreateIndex
CREATE INDEX "Purchase_hubspotContactId_idx" ON "Purchase"("hubspotContactId");

-- CreateIndex
CREATE INDEX "DeadLetter_status_createdAt_idx" ON "DeadLetter"("status", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "DeadLetter_functionId_createdAt_idx" ON "DeadLetter"("functionId", "createdAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxEvent_eventId_key" ON "OutboxEvent"("eventId");

-- CreateIndex
CREATE INDEX "OutboxEvent_status_receivedAt_idx" ON "OutboxEvent"("status", "receivedAt");

-- CreateIndex
CREATE INDEX "OutboxEvent_receivedAt_idx" ON "OutboxEvent"("receivedAt" DESC);

-- CreateIndex
CREATE INDEX "OutboxEvent_type_receivedAt_idx" ON "OutboxEvent"("type", "receivedAt" DESC);

-- CreateIndex
CREATE INDEX "ImportJob_createdAt_idx" ON "ImportJob"("createdAt" DESC);

-- CreateIndex
CREATE INDEX "ImportRow_jobId_object_outcome_idx" ON "ImportRow"("jobId", "object", "outcome");

-- CreateIndex
CREATE UNIQUE INDEX "ImportRow_jobId_object_rowNumber_key" ON "ImportRow"("jobId", "object", "rowNumber");

-- CreateIndex
CREATE UNIQUE INDEX "ImportMappingTemplate_name_key" ON "ImportMappingTemplate"("name");

-- CreateIndex
CREATE INDEX "HubspotContact_lastModifiedAt_idx" ON "HubspotContact"("lastModifiedAt");

-- CreateIndex
CREATE INDEX "HubspotCompany_lastModifiedAt_idx" ON "HubspotCompany"("lastModifiedAt");

-- CreateIndex
CREATE INDEX "HubspotDeal_lastModifiedAt_idx" ON "HubspotDeal"("lastModifiedAt");

-- CreateIndex
CREATE INDEX "HubspotAssociation_toType_toId_idx" ON "HubspotAssociation"("toType", "toId");

-- CreateIndex
CREATE INDEX "IngestRun_startedAt_idx" ON "IngestRun"("startedAt" DESC);

-- CreateIndex
CREATE INDEX "TeamMembership_userId_idx" ON "TeamMembership"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "CampaignSpend_campaignId_date_currency_key" ON "CampaignSpend"("campaignId", "date", "currency");

-- AddForeignKey
ALTER TABLE "WechatFollower" ADD CONSTRAINT "WechatFollower_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserCode" ADD CONSTRAINT "UserCode_openid_fkey" FOREIGN KEY ("openid") REFERENCES "WechatFollower"("openid") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MatchReview" ADD CONSTRAINT "MatchReview_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "CodeSubmission"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImportRow" ADD CONSTRAINT "ImportRow_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "ImportJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamMembership" ADD CONSTRAINT "TeamMembership_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("teamId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignSpend" ADD CONSTRAINT "CampaignSpend_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;
