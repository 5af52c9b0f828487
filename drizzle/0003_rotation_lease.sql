ALTER TABLE "accounts" ADD COLUMN "token_issued_at" integer;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "refresh_claim_id" text;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "refresh_claimed_until" timestamp with time zone;