-- CreateTable
CREATE TABLE "blobs" (
    "board_id" VARCHAR(22) NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "mime_type" VARCHAR(64) NOT NULL,
    "size" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "unreferenced_since" TIMESTAMPTZ(3),

    CONSTRAINT "blobs_pkey" PRIMARY KEY ("board_id","sha256")
);

-- AddForeignKey
ALTER TABLE "blobs" ADD CONSTRAINT "blobs_board_id_fkey" FOREIGN KEY ("board_id") REFERENCES "boards"("id") ON DELETE CASCADE ON UPDATE CASCADE;
