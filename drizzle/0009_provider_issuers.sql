CREATE TABLE "provider_issuers" (
	"provider" text PRIMARY KEY NOT NULL,
	"issuer" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
