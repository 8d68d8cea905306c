-- AlterTable
ALTER TABLE "boards" ADD COLUMN     "edit_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "legacy_owner" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "owner_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "owner_generation" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "view_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "view_generation" INTEGER NOT NULL DEFAULT 0;

-- Issue 13 migration of existing boards: their view links keep working (the view generation starts at the
-- board's one generation), and since no owner link was ever issued for them, their edit links act as owner
-- links (legacy_owner) until an owner rotates the edit link.
UPDATE "boards" SET "view_generation" = "token_generation", "owner_generation" = "token_generation", "legacy_owner" = true;
