-- Key rotation (`npm run keys -- rotate ID [--grace-days N]`): the old key keeps working until
-- the end of its grace period, to the second, then stops like an expired key.

-- AlterTable
ALTER TABLE "api_key" ADD COLUMN "expires_at" TIMESTAMPTZ(3);
