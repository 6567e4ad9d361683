-- The version of the data: one row, bumped inside every load's transaction (the import, loads
-- over HTTP, the push mutations), so that each database (the primary, a replica as far as it has
-- replayed) says which load its figures include.

-- CreateTable
CREATE TABLE "data_version" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" BIGINT NOT NULL DEFAULT 0,
    "committed_at" TIMESTAMPTZ(3),

    CONSTRAINT "data_version_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "data_version_one_row" CHECK ("id" = 1)
);

-- The one row: no load applied yet.
INSERT INTO "data_version" ("id", "version", "committed_at") VALUES (1, 0, NULL);
