-- CreateTable
CREATE TABLE "FieldClock" (
    "id" TEXT NOT NULL,
    "mapId" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "value" TEXT,
    "at" TIMESTAMP(3) NOT NULL,
    "side" "Provider" NOT NULL,
    "writtenAt" TIMESTAMP(3),

    CONSTRAINT "FieldClock_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "FieldClock_mapId_field_key" ON "FieldClock"("mapId", "field");

-- AddForeignKey
ALTER TABLE "FieldClock" ADD CONSTRAINT "FieldClock_mapId_fkey" FOREIGN KEY ("mapId") REFERENCES "ContactCustomerMap"("id") ON DELETE CASCADE ON UPDATE CASCADE;
