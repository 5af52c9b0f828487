ALTER TABLE "user_sessions" ADD COLUMN "last_user_agent" text;--> statement-breakpoint
ALTER TABLE "user_sessions" ADD COLUMN "last_ip" text;