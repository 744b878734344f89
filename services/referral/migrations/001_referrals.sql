-- One row per referral_id (accepted or rejected); no contact details are kept here.
CREATE TABLE referrals (
    referral_id   text PRIMARY KEY,
    case_number   text NOT NULL,
    person_id     text,
    programme     text NOT NULL,
    lot           text,
    ordered_on    date NOT NULL,
    status        text NOT NULL CHECK (status IN ('active', 'rejected', 'withdrawn', 'completed', 'not_completed')),
    re_referral   boolean NOT NULL DEFAULT false,
    received_at   timestamptz NOT NULL,
    closed_at     timestamptz
);
CREATE INDEX referrals_person ON referrals (person_id, programme);
-- Load-bearing: at most one active referral per parent and programme, even under a race.
CREATE UNIQUE INDEX referrals_one_active ON referrals (person_id, programme) WHERE status = 'active';
