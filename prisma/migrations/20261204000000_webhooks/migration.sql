-- Webhooks (src/modules/webhooks): where a key's finished loads are announced, and each
-- announcement (a delivery) with its attempts. A delivery is claimed in the database (a lease),
-- so it survives restarts and is sent by whichever API process claims it.

-- CreateEnum
CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('PENDING', 'DELIVERED', 'FAILED');

-- CreateTable
CREATE TABLE "webhook_endpoint" (
    "key_id" INTEGER NOT NULL,
    "url" TEXT NOT NULL,
    "secret_ciphertext" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_endpoint_pkey" PRIMARY KEY ("key_id")
);

-- CreateTable
CREATE TABLE "webhook_delivery" (
    "id" TEXT NOT NULL,
    "key_id" INTEGER NOT NULL,
    "load_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "body" TEXT,
    "status" "WebhookDeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_token" UUID,
    "lease_until" TIMESTAMPTZ(3),
    "last_status" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_delivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "webhook_delivery_status_next_attempt_at_idx" ON "webhook_delivery"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "webhook_delivery_key_id_created_at_idx" ON "webhook_delivery"("key_id", "created_at");

-- CreateIndex
CREATE INDEX "webhook_delivery_load_id_idx" ON "webhook_delivery"("load_id");

-- AddForeignKey
ALTER TABLE "webhook_endpoint" ADD CONSTRAINT "webhook_endpoint_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "api_key"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_delivery" ADD CONSTRAINT "webhook_delivery_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "api_key"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The hook into loads: when a load ends (SUCCEEDED or FAILED, dry runs included, whichever path
-- ends it: applied, rejected, failed, or `interrupted` by another process after a crash), one
-- delivery is queued for its key's webhook, in the same transaction as the load's end. Its body
-- (the load's JSON) is filled in by the worker that first claims it.
CREATE FUNCTION "webhook_queue_load_end"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "webhook_delivery" ("id", "key_id", "load_id", "url")
  SELECT 'msg_' || replace(gen_random_uuid()::text, '-', ''), e."key_id", NEW."id", e."url"
    FROM "webhook_endpoint" e WHERE e."key_id" = NEW."key_id";
  IF FOUND THEN
    -- Every API process's worker wakes at the commit (it also polls).
    PERFORM pg_notify('gospubliki_webhooks', '');
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "load_end_webhook" AFTER UPDATE OF "status" ON "load"
  FOR EACH ROW
  WHEN (NEW."status" IN ('SUCCEEDED', 'FAILED') AND OLD."status" IS DISTINCT FROM NEW."status")
  EXECUTE FUNCTION "webhook_queue_load_end"();
