-- Purchases → HubSpot runs overlap (concurrency > 1): a run claims a purchase before it sends the
-- purchase's event or note, so two runs that both see it unsent never both send it.
ALTER TABLE "Purchase" ADD COLUMN "hubspotClaimedBy" TEXT,
ADD COLUMN "hubspotClaimedAt" TIMESTAMP(3);
