-- Territories can be retired (an OKTMO reform: a district turned into an okrug, a settlement
-- abolished) rather than deleted, so that old codes still resolve and history stays explainable.

-- CreateEnum
CREATE TYPE "TerritoryStatus" AS ENUM ('ACTIVE', 'RETIRED');

-- AlterTable
ALTER TABLE "territory" ADD COLUMN "status" "TerritoryStatus" NOT NULL DEFAULT 'ACTIVE';
