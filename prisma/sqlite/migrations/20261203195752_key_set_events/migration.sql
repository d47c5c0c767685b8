-- Key-set change events for subscriptions (src/domain/changes.ts): the key repository appends one row
-- per write in the write's transaction; every gateway's SQLite change feed reads the new rows
-- (src/persistence/cache/feeds.ts). Only the newest rows are kept (src/persistence/keys/change-events.ts).
-- CreateTable
CREATE TABLE "key_set_event" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "set" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "kids" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
