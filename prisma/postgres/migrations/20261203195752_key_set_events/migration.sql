-- The table exists so that both providers have the same models; Postgres leaves it empty, because its
-- writes announce key-set change events with NOTIFY on the channel jwkgw_key_events instead
-- (src/persistence/keys/change-events.ts).
-- CreateTable
CREATE TABLE "key_set_event" (
    "seq" SERIAL NOT NULL,
    "set" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "kids" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "key_set_event_pkey" PRIMARY KEY ("seq")
);
