-- What the account's list of sessions shows: the User-Agent the login came with (as sent, clipped to 256 characters)
-- and when the session was last used (coarse: written at most once a minute per session; null for sessions opened
-- before this migration until their next use).
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN last_used_at BIGINT;
