-- CreateTable
CREATE TABLE "change_counter" (
    "name" TEXT NOT NULL,
    "value" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "change_counter_pkey" PRIMARY KEY ("name")
);

-- The Postgres change feed (src/persistence/feeds.ts): every change to a key or a token, by any
-- writer, is announced on the channel jwkgw_changes at commit, so that every gateway's caches hear
-- of it. (The change_counter table above serves SQLite's feed only.)
CREATE FUNCTION "jwkgw_announce_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'api_token' THEN
    PERFORM pg_notify('jwkgw_changes', '{"kind":"tokens"}');
  ELSE
    IF TG_OP <> 'INSERT' THEN
      PERFORM pg_notify('jwkgw_changes', json_build_object('kind', 'key-set', 'set', OLD."set")::text);
    END IF;
    IF TG_OP <> 'DELETE' THEN
      PERFORM pg_notify('jwkgw_changes', json_build_object('kind', 'key-set', 'set', NEW."set")::text);
    END IF;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "json_web_key_changed" AFTER INSERT OR UPDATE OR DELETE ON "json_web_key"
    FOR EACH ROW EXECUTE FUNCTION "jwkgw_announce_change"();
CREATE TRIGGER "api_token_changed" AFTER INSERT OR UPDATE OR DELETE ON "api_token"
    FOR EACH STATEMENT EXECUTE FUNCTION "jwkgw_announce_change"();
