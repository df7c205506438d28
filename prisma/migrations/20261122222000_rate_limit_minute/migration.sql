-- CreateTable
CREATE TABLE "RateLimitMinute" (
    "provider" "Provider" NOT NULL,
    "bucket" TEXT NOT NULL,
    "minute" TIMESTAMP(3) NOT NULL,
    "calls" INTEGER NOT NULL DEFAULT 0,
    "throttled" INTEGER NOT NULL DEFAULT 0,
    "ratePerSecond" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "RateLimitMinute_pkey" PRIMARY KEY ("provider","bucket","minute")
);

-- CreateIndex
CREATE INDEX "RateLimitMinute_minute_idx" ON "RateLimitMinute"("minute");
