-- Progress belongs to one referral: a re-referral starts afresh (new referral_id, new rows).
CREATE TABLE progress (
    referral_id             text PRIMARY KEY,
    person_id               text NOT NULL,
    elearning_completed_at  timestamptz,  -- set once: the completing event's own time
    attended_on             date,
    attendance_recorded_at  timestamptz
);

-- The first completion of each module; a repeat changes nothing.
CREATE TABLE module_completions (
    referral_id   text NOT NULL REFERENCES progress (referral_id),
    module        text NOT NULL,
    completed_at  timestamptz NOT NULL,
    PRIMARY KEY (referral_id, module)
);

-- The latest answers of each survey per parent (answers may hold a parent's own words).
CREATE TABLE survey_answers (
    referral_id   text NOT NULL REFERENCES progress (referral_id),
    survey        text NOT NULL,
    answers       jsonb NOT NULL,
    submitted_at  timestamptz NOT NULL,
    PRIMARY KEY (referral_id, survey)
);

-- Only the name printed on a certificate; kept from acceptance until a withdrawal without one.
CREATE TABLE certificate_names (
    person_id     text PRIMARY KEY,
    display_name  text NOT NULL,
    recorded_at   timestamptz NOT NULL
);

-- UNIQUE (referral_id) is load-bearing: one certificate per referral, however often asked.
-- Numbers are random (80 bits) and public on the certificate itself, so they are kept as is.
CREATE TABLE certificates (
    certificate_number      text PRIMARY KEY,
    referral_id             text NOT NULL UNIQUE REFERENCES progress (referral_id),
    person_id               text NOT NULL,
    case_number             text NOT NULL,
    programme               text NOT NULL,
    issued_at               timestamptz NOT NULL,
    elearning_completed_on  date NOT NULL,
    workshop_attended_on    date NOT NULL
);
CREATE INDEX certificates_person ON certificates (person_id);

-- Parents accepted before this migration get their progress row too.
INSERT INTO progress (referral_id, person_id) SELECT referral_id, person_id FROM parents
ON CONFLICT DO NOTHING;
