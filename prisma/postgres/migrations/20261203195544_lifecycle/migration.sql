-- Key lifecycle (src/domain/lifecycle.ts; README, "Key rotation").
-- DropIndex
DROP INDEX "json_web_key_set_createdAt_seq_idx";

-- AlterTable
ALTER TABLE "json_web_key" ADD COLUMN     "activatedAt" TIMESTAMP(3),
ADD COLUMN     "publishedUntil" TIMESTAMP(3),
ADD COLUMN     "retiredAt" TIMESTAMP(3),
ADD COLUMN     "revokedAt" TIMESTAMP(3),
ADD COLUMN     "state" TEXT NOT NULL DEFAULT 'ACTIVE';

-- Every key stored before lifecycles existed is ACTIVE (the column default), and has signed since it was stored.
UPDATE "json_web_key" SET "activatedAt" = "createdAt";

-- CreateTable
CREATE TABLE "json_web_key_set_policy" (
    "set" TEXT NOT NULL,
    "alg" TEXT NOT NULL,
    "rotationPeriodSeconds" INTEGER NOT NULL,
    "publishAheadSeconds" INTEGER NOT NULL,
    "retirementPeriodSeconds" INTEGER NOT NULL,
    "nextRotationAt" TIMESTAMP(3),
    "nextStepAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "json_web_key_set_policy_pkey" PRIMARY KEY ("set")
);

-- CreateIndex
CREATE INDEX "json_web_key_set_policy_nextStepAt_idx" ON "json_web_key_set_policy"("nextStepAt");

-- CreateIndex
CREATE INDEX "json_web_key_set_state_createdAt_seq_idx" ON "json_web_key"("set", "state", "createdAt" DESC, "seq" DESC);
