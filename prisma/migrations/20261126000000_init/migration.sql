-- Trigram matching for name search (territories, organisations).
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateEnum
CREATE TYPE "TerritoryLevel" AS ENUM ('FEDERATION', 'FEDERAL_DISTRICT', 'REGION', 'MUNICIPAL_DISTRICT', 'MUNICIPAL_OKRUG', 'URBAN_OKRUG', 'INTRACITY_TERRITORY', 'INTRACITY_DISTRICT', 'URBAN_SETTLEMENT', 'RURAL_SETTLEMENT', 'INTER_SETTLEMENT_TERRITORY', 'LOCALITY');

-- CreateEnum
CREATE TYPE "OrganisationKind" AS ENUM ('AUTHORITY', 'INSTITUTION', 'OTHER');

-- CreateEnum
CREATE TYPE "PageStatus" AS ENUM ('ACTIVE', 'ARCHIVED');

-- CreateTable
CREATE TABLE "territory" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "search_name" TEXT NOT NULL,
    "level" "TerritoryLevel" NOT NULL,
    "parent_id" INTEGER,
    "depth" INTEGER NOT NULL,
    "path" INTEGER[],

    CONSTRAINT "territory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sector" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "sector_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "platform" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hosts" TEXT[],

    CONSTRAINT "platform_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "organisation" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "search_name" TEXT NOT NULL,
    "kind" "OrganisationKind" NOT NULL,
    "territory_id" INTEGER NOT NULL,
    "sector_id" INTEGER NOT NULL,
    "inn" TEXT,
    "ogrn" TEXT,
    "subscribers" BIGINT NOT NULL DEFAULT 0,
    "platform_mask" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "organisation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "page" (
    "id" SERIAL NOT NULL,
    "platform_id" INTEGER NOT NULL,
    "external_id" TEXT NOT NULL,
    "organisation_id" INTEGER NOT NULL,
    "url" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "verified" BOOLEAN NOT NULL DEFAULT false,
    "status" "PageStatus" NOT NULL DEFAULT 'ACTIVE',
    "subscribers" INTEGER,
    "observed_on" DATE,

    CONSTRAINT "page_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "observation" (
    "page_id" INTEGER NOT NULL,
    "observed_on" DATE NOT NULL,
    "subscribers" INTEGER NOT NULL,

    CONSTRAINT "observation_pkey" PRIMARY KEY ("page_id","observed_on")
);

-- CreateTable
CREATE TABLE "territory_page_rollup" (
    "territory_id" INTEGER NOT NULL,
    "sector_id" INTEGER NOT NULL,
    "platform_id" INTEGER NOT NULL,
    "pages" INTEGER NOT NULL,
    "subscribers" BIGINT NOT NULL,

    CONSTRAINT "territory_page_rollup_pkey" PRIMARY KEY ("territory_id","sector_id","platform_id")
);

-- CreateTable
CREATE TABLE "territory_organisation_rollup" (
    "territory_id" INTEGER NOT NULL,
    "sector_id" INTEGER NOT NULL,
    "platform_mask" INTEGER NOT NULL,
    "organisations" INTEGER NOT NULL,

    CONSTRAINT "territory_organisation_rollup_pkey" PRIMARY KEY ("territory_id","sector_id","platform_mask")
);

-- CreateTable
CREATE TABLE "territory_subscriber_change" (
    "territory_id" INTEGER NOT NULL,
    "day" DATE NOT NULL,
    "sector_id" INTEGER NOT NULL,
    "platform_id" INTEGER NOT NULL,
    "delta" BIGINT NOT NULL,

    CONSTRAINT "territory_subscriber_change_pkey" PRIMARY KEY ("territory_id","day","sector_id","platform_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "territory_code_key" ON "territory"("code");

-- CreateIndex
CREATE INDEX "territory_parent_id_name_idx" ON "territory"("parent_id", "name");

-- CreateIndex
CREATE INDEX "territory_path_idx" ON "territory" USING GIN ("path" array_ops);

-- CreateIndex
CREATE INDEX "territory_level_idx" ON "territory"("level");

-- CreateIndex
CREATE INDEX "territory_search_name_idx" ON "territory" USING GIN ("search_name" gin_trgm_ops);

-- CreateIndex
CREATE UNIQUE INDEX "sector_code_key" ON "sector"("code");

-- CreateIndex
CREATE UNIQUE INDEX "platform_code_key" ON "platform"("code");

-- CreateIndex
CREATE UNIQUE INDEX "organisation_external_id_key" ON "organisation"("external_id");

-- CreateIndex
CREATE INDEX "organisation_territory_id_name_idx" ON "organisation"("territory_id", "name");

-- CreateIndex
CREATE INDEX "organisation_sector_id_idx" ON "organisation"("sector_id");

-- CreateIndex
CREATE INDEX "organisation_inn_idx" ON "organisation"("inn");

-- CreateIndex
CREATE INDEX "organisation_territory_id_subscribers_idx" ON "organisation"("territory_id", "subscribers");

-- CreateIndex
CREATE INDEX "organisation_search_name_idx" ON "organisation" USING GIN ("search_name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "page_organisation_id_idx" ON "page"("organisation_id");

-- CreateIndex
CREATE UNIQUE INDEX "page_platform_id_external_id_key" ON "page"("platform_id", "external_id");

-- AddForeignKey
ALTER TABLE "territory" ADD CONSTRAINT "territory_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "territory"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organisation" ADD CONSTRAINT "organisation_territory_id_fkey" FOREIGN KEY ("territory_id") REFERENCES "territory"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organisation" ADD CONSTRAINT "organisation_sector_id_fkey" FOREIGN KEY ("sector_id") REFERENCES "sector"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "page" ADD CONSTRAINT "page_platform_id_fkey" FOREIGN KEY ("platform_id") REFERENCES "platform"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "page" ADD CONSTRAINT "page_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "observation" ADD CONSTRAINT "observation_page_id_fkey" FOREIGN KEY ("page_id") REFERENCES "page"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Seed the platforms (data, not schema: a new platform needs no release).
INSERT INTO "platform" ("code", "name", "hosts") VALUES
    ('VK', 'ВКонтакте', ARRAY['vk.com', 'vk.ru', 'm.vk.com']),
    ('OK', 'Одноклассники', ARRAY['ok.ru', 'm.ok.ru']),
    ('TELEGRAM', 'Telegram', ARRAY['t.me', 'telegram.me']),
    ('MAX', 'MAX', ARRAY['max.ru']);
