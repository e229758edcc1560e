-- One-time email tokens: verification links and sign-in codes (OTP). Only a hash is stored; a token
-- is used once, expires, and an OTP allows a few wrong guesses before it is dead.
CREATE TABLE email_tokens (
  id          uuid        PRIMARY KEY,
  user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose     text        NOT NULL CHECK (purpose IN ('verify', 'otp')),
  email       text        NOT NULL,
  token_hash  text        NOT NULL,
  attempts    integer     NOT NULL DEFAULT 0,
  expires_at  timestamptz NOT NULL,
  consumed_at timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX email_tokens_hash_key ON email_tokens (purpose, token_hash);
CREATE INDEX email_tokens_user_idx ON email_tokens (user_id, purpose, created_at DESC) WHERE consumed_at IS NULL;
