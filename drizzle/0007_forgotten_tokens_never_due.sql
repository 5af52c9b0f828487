-- Tokens forgotten at sign-out kept their expiry, so a sign-in with another linked provider
-- found them due with nothing to refresh them by. With no tokens stored, nothing is due.
UPDATE "accounts" SET "expires_at" = NULL, "token_issued_at" = NULL
WHERE "access_token" IS NULL AND "refresh_token" IS NULL;
