-- The user's language (English next to Russian). Kept in lockstep with ../postgres/0008_language.sql.

-- The language a user reads the portal, its e-mails and its receipts in (`lk_domain::Language`).
ALTER TABLE user_settings ADD COLUMN language TEXT NOT NULL DEFAULT 'ru'
    CHECK (language IN ('ru', 'en'));

-- The language a request was written in (the sender's `Accept-Language`): a sender without an
-- account gets the contact centre's reply in it.
ALTER TABLE requests ADD COLUMN language TEXT NOT NULL DEFAULT 'ru'
    CHECK (language IN ('ru', 'en'));
