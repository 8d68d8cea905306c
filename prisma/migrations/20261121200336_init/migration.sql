-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "boards" (
    "id" VARCHAR(22) NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "token_generation" INTEGER NOT NULL DEFAULT 0,
    "deleted_at" TIMESTAMPTZ(3),
    "last_seq" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "boards_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "board_updates" (
    "board_id" VARCHAR(22) NOT NULL,
    "seq" BIGINT NOT NULL,
    "data" BYTEA NOT NULL,
    "size" INTEGER NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "board_updates_pkey" PRIMARY KEY ("board_id","seq")
);

-- CreateTable
CREATE TABLE "snapshots" (
    "board_id" VARCHAR(22) NOT NULL,
    "data" BYTEA NOT NULL,
    "state_vector" BYTEA NOT NULL,
    "up_to_seq" BIGINT NOT NULL,
    "size" INTEGER NOT NULL,
    "shape_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "snapshots_pkey" PRIMARY KEY ("board_id")
);

-- CreateTable
CREATE TABLE "snapshot_history" (
    "id" VARCHAR(32) NOT NULL,
    "board_id" VARCHAR(22) NOT NULL,
    "data" BYTEA NOT NULL,
    "state_vector" BYTEA NOT NULL,
    "size" INTEGER NOT NULL,
    "shape_count" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "reason" VARCHAR(16) NOT NULL DEFAULT 'compaction',

    CONSTRAINT "snapshot_history_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "snapshot_history_board_id_created_at_idx" ON "snapshot_history"("board_id", "created_at");

-- AddForeignKey
ALTER TABLE "board_updates" ADD CONSTRAINT "board_updates_board_id_fkey" FOREIGN KEY ("board_id") REFERENCES "boards"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_board_id_fkey" FOREIGN KEY ("board_id") REFERENCES "boards"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "snapshot_history" ADD CONSTRAINT "snapshot_history_board_id_fkey" FOREIGN KEY ("board_id") REFERENCES "boards"("id") ON DELETE CASCADE ON UPDATE CASCADE;
