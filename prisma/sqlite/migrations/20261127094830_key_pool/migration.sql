-- CreateTable
CREATE TABLE "pooled_key" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "alg" TEXT NOT NULL,
    "modulusLength" INTEGER NOT NULL,
    "ref" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "kekId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "pooled_key_ref_key" ON "pooled_key"("ref");

-- CreateIndex
CREATE INDEX "pooled_key_alg_modulusLength_id_idx" ON "pooled_key"("alg", "modulusLength", "id");
