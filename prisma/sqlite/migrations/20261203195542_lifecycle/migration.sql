-- Key lifecycle (src/domain/lifecycle.ts; README, "Key rotation"). Columns are added in place rather
-- than by redefining the table, so that the change-feed triggers on json_web_key stay.
ALTER TABLE "json_web_key" ADD COLUMN "state" TEXT NOT NULL DEFAULT 'ACTIVE';
ALTER TABLE "json_web_key" ADD COLUMN "activatedAt" DATETIME;
ALTER TABLE "json_web_key" ADD COLUMN "retiredAt" DATETIME;
ALTER TABLE "json_web_key" ADD COLUMN "publishedUntil" DATETIME;
ALTER TABLE "json_web_key" ADD COLUMN "revokedAt" DATETIME;

-- Every key stored before lifecycles existed is ACTIVE (the column default), and has signed since it was stored.
UPDATE "json_web_key" SET "activatedAt" = "createdAt";

DROP INDEX "json_web_key_set_createdAt_seq_idx";
CREATE INDEX "json_web_key_set_state_createdAt_seq_idx" ON "json_web_key"("set", "state", "createdAt" DESC, "seq" DESC);

-- CreateTable
CREATE TABLE "json_web_key_set_policy" (
    "set" TEXT NOT NULL PRIMARY KEY,
    "alg" TEXT NOT NULL,
    "rotationPeriodSeconds" INTEGER NOT NULL,
    "publishAheadSeconds" INTEGER NOT NULL,
    "retirementPeriodSeconds" INTEGER NOT NULL,
    "nextRotationAt" DATETIME,
    "nextStepAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "json_web_key_set_policy_nextStepAt_idx" ON "json_web_key_set_policy"("nextStepAt");
