-- CreateTable
CREATE TABLE "json_web_key" (
    "seq" SERIAL NOT NULL,
    "set" TEXT NOT NULL,
    "kid" TEXT NOT NULL,
    "format" TEXT NOT NULL DEFAULT 'jwk+json/v1',
    "data" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "json_web_key_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE INDEX "json_web_key_set_createdAt_seq_idx" ON "json_web_key"("set", "createdAt" DESC, "seq" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "json_web_key_set_kid_key" ON "json_web_key"("set", "kid");
