-- CreateTable
CREATE TABLE "json_web_key" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "set" TEXT NOT NULL,
    "kid" TEXT NOT NULL,
    "format" TEXT NOT NULL DEFAULT 'jwk+json/v1',
    "data" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "json_web_key_set_createdAt_seq_idx" ON "json_web_key"("set", "createdAt" DESC, "seq" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "json_web_key_set_kid_key" ON "json_web_key"("set", "kid");
