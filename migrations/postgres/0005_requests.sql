-- The contact centre's requests (SPEC F1.4, F2.4): questions and support requests, from
-- anyone, signed in or not. `user_id` is the signed-in sender, if any.
CREATE TABLE requests (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('question', 'support')),
    user_id     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    last_name   TEXT NOT NULL,
    first_name  TEXT NOT NULL,
    patronymic  TEXT,
    email       TEXT NOT NULL,
    phone       TEXT,
    body        TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress', 'done', 'rejected')),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX requests_user ON requests (user_id, id);
CREATE INDEX requests_status ON requests (status, id);
