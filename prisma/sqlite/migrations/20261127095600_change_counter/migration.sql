-- CreateTable
CREATE TABLE "change_counter" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "value" INTEGER NOT NULL DEFAULT 0
);

-- Change counters for the SQLite change feed (src/persistence/feeds.ts): every change to a key or a
-- token moves its counter in the same transaction, so other commits (audit records, the key pool)
-- do not empty the gateways' caches.
INSERT INTO "change_counter" ("name", "value") VALUES ('keys', 0), ('tokens', 0);

CREATE TRIGGER "json_web_key_changed_insert" AFTER INSERT ON "json_web_key"
BEGIN UPDATE "change_counter" SET "value" = "value" + 1 WHERE "name" = 'keys'; END;
CREATE TRIGGER "json_web_key_changed_update" AFTER UPDATE ON "json_web_key"
BEGIN UPDATE "change_counter" SET "value" = "value" + 1 WHERE "name" = 'keys'; END;
CREATE TRIGGER "json_web_key_changed_delete" AFTER DELETE ON "json_web_key"
BEGIN UPDATE "change_counter" SET "value" = "value" + 1 WHERE "name" = 'keys'; END;

CREATE TRIGGER "api_token_changed_insert" AFTER INSERT ON "api_token"
BEGIN UPDATE "change_counter" SET "value" = "value" + 1 WHERE "name" = 'tokens'; END;
CREATE TRIGGER "api_token_changed_update" AFTER UPDATE ON "api_token"
BEGIN UPDATE "change_counter" SET "value" = "value" + 1 WHERE "name" = 'tokens'; END;
CREATE TRIGGER "api_token_changed_delete" AFTER DELETE ON "api_token"
BEGIN UPDATE "change_counter" SET "value" = "value" + 1 WHERE "name" = 'tokens'; END;
