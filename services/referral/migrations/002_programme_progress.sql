-- What the referral service needs to report completion or non-completion to the FCA and court.
ALTER TABLE referrals
    ADD COLUMN elearning_completed_on date,
    ADD COLUMN workshop_attended_on   date,
    ADD COLUMN certificate_number     text,
    ADD COLUMN concern_raised_at      timestamptz,
    ADD COLUMN has_court_email        boolean NOT NULL DEFAULT false;
