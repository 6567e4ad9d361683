-- API keys, bulk loads received over HTTP, and the audit trail of every write.

-- CreateEnum
CREATE TYPE "LoadStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateTable
CREATE TABLE "api_key" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "hint" TEXT NOT NULL,
    "within" TEXT[],
    "read_only" BOOLEAN NOT NULL DEFAULT false,
    "rate_points" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_on" DATE,
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "load" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "key_id" INTEGER NOT NULL,
    "status" "LoadStatus" NOT NULL DEFAULT 'QUEUED',
    "dry_run" BOOLEAN NOT NULL DEFAULT false,
    "idempotency_key" TEXT,
    "content_hash" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "folder" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL DEFAULT 0,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "progress" JSONB,
    "files" JSONB,
    "error_count" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB,
    "reason" TEXT,

    CONSTRAINT "load_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_event" (
    "id" SERIAL NOT NULL,
    "key_id" INTEGER,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "action" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "counts" JSONB,
    "load_id" UUID,
    "detail" TEXT,

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_key_secret_hash_key" ON "api_key"("secret_hash");

-- CreateIndex
CREATE UNIQUE INDEX "load_seq_key" ON "load"("seq");

-- CreateIndex
CREATE INDEX "load_key_id_received_at_idx" ON "load"("key_id", "received_at");

-- CreateIndex
CREATE INDEX "load_status_received_at_idx" ON "load"("status", "received_at");

-- CreateIndex
CREATE INDEX "load_key_id_idempotency_key_idx" ON "load"("key_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "audit_event_key_id_at_idx" ON "audit_event"("key_id", "at");

-- AddForeignKey
ALTER TABLE "load" ADD CONSTRAINT "load_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "api_key"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_event" ADD CONSTRAINT "audit_event_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "api_key"("id") ON DELETE SET NULL ON UPDATE CASCADE;
