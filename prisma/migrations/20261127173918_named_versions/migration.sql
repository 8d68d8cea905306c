-- AlterTable
ALTER TABLE "snapshot_history" ADD COLUMN     "name" VARCHAR(200);
