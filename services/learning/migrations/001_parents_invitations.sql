-- The Parent Hub record of each referred parent. No contact details: notifications keeps those.
CREATE TABLE parents (
    person_id    text PRIMARY KEY,
    referral_id  text NOT NULL,
    case_number  text NOT NULL,
    lot          text NOT NULL,
    programme    text NOT NULL,
    ordered_on   date NOT NULL,
    status       text NOT NULL CHECK (status IN ('active', 'withdrawn')),
    accepted_at  timestamptz NOT NULL,
    activated_at timestamptz
);

-- Only the SHA-256 of an activation token is kept: a leaked table cannot activate an account.
CREATE TABLE invitations (
    token_hash  bytea PRIMARY KEY,
    person_id   text NOT NULL REFERENCES parents (person_id),
    sent_at     timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX invitations_person ON invitations (person_id);
