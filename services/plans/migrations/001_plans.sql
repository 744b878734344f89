-- The parents this service knows, from accepted referrals (no contact details).
CREATE TABLE parents (
    person_id     text PRIMARY KEY,
    case_number   text NOT NULL,
    referral_id   text NOT NULL,
    plan_suitable boolean NOT NULL,
    active        boolean NOT NULL DEFAULT true,
    accepted_at   timestamptz NOT NULL
);
CREATE INDEX parents_case ON parents (case_number);

-- Concerns by parent, kept even when the parent is not (yet) known: a concern closes the door.
CREATE TABLE concerns (
    person_id  text NOT NULL,
    raised_at  timestamptz NOT NULL
);
CREATE INDEX concerns_person ON concerns (person_id);

-- One plan per case.
CREATE TABLE plans (
    case_number  text PRIMARY KEY,
    status       text NOT NULL CHECK (status IN ('open', 'completed', 'closed')),
    opened_by    text NOT NULL,
    opened_at    timestamptz NOT NULL,
    completed_at timestamptz,
    closed_at    timestamptz
);

-- Each area's current state; the full story is in plan_history.
CREATE TABLE plan_areas (
    case_number text NOT NULL REFERENCES plans (case_number),
    area        text NOT NULL,
    state       text NOT NULL CHECK (state IN ('proposed', 'agreed', 'seek_help', 'ask_court')),
    by_person   text NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (case_number, area)
);

-- Append-only: every proposal and response, with the parents' terms (kept here, never published).
CREATE TABLE plan_history (
    id           bigserial PRIMARY KEY,
    case_number  text NOT NULL REFERENCES plans (case_number),
    area         text NOT NULL,
    person_id    text NOT NULL,
    action       text NOT NULL,
    state        text NOT NULL,
    terms        text,
    event_source text NOT NULL,
    event_id     text NOT NULL,
    occurred_at  timestamptz NOT NULL
);
CREATE INDEX plan_history_case ON plan_history (case_number, area, id);

CREATE TABLE plan_shares (
    id           bigserial PRIMARY KEY,
    case_number  text NOT NULL REFERENCES plans (case_number),
    person_id    text NOT NULL,
    shared_with  text NOT NULL,
    emailed      boolean NOT NULL,
    event_id     text NOT NULL,
    shared_at    timestamptz NOT NULL
);
