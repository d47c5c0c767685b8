-- CreateTable
CREATE TABLE "pooled_key" (
    "id" SERIAL NOT NULL,
    "alg" TEXT NOT NULL,
    "modulusLength" INTEGER NOT NULL,
    "ref" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "kekId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pooled_key_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "pooled_key_ref_key" ON "pooled_key"("ref");

-- CreateIndex
CREATE INDEX "pooled_key_alg_modulusLength_id_idx" ON "pooled_key"("alg", "modulusLength", "id");
