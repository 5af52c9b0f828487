-- Hand-written: existing sessions take their sign-in's browser and address as their last ones
-- (added without NOT NULL, filled, then made NOT NULL, so that the migration works on any table).
ALTER TABLE "user_sessions" ADD COLUMN "last_user_agent" text;--> statement-breakpoint
ALTER TABLE "user_sessions" ADD COLUMN "last_ip" text;--> statement-breakpoint
UPDATE "user_sessions" SET "last_user_agent" = "user_agent", "last_ip" = "ip";--> statement-breakpoint
ALTER TABLE "user_sessions" ALTER COLUMN "last_user_agent" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "user_sessions" ALTER COLUMN "last_ip" SET NOT NULL;
