-- The KPI report's read model: ids, dates, areas, lots, counts; never a name, email or answer text.
-- Facts about a parent are kept by person_id whether or not their acceptance has arrived yet (it
-- comes on another topic), and joined to the referrals when a report is made.

-- Which consumer group feeds this model: `ptfc report rebuild` empties the model and bumps it, so
-- the service (restarted) reads every topic again from the beginning under a new group.
CREATE TABLE generation (
    one        boolean PRIMARY KEY DEFAULT true CHECK (one),
    number     integer NOT NULL,
    rebuilt_at timestamptz
);
INSERT INTO generation(number) VALUES (0);

CREATE TABLE referrals (
    referral_id  text PRIMARY KEY,
    person_id    text NOT NULL,
    case_number  text NOT NULL,
    programme    text NOT NULL,
    route        text NOT NULL,
    lot          text NOT NULL,
    cafcass_area text NOT NULL,
    referred_on  date NOT NULL,  -- day 0
    ordered_on   date NOT NULL
);
CREATE INDEX referrals_day0 ON referrals (referred_on);
CREATE INDEX referrals_person ON referrals (person_id);
CREATE INDEX referrals_case ON referrals (case_number);

-- withdrawn | completed | not_completed, by referral (may arrive before the acceptance in a replay).
CREATE TABLE referral_outcomes (
    referral_id text NOT NULL,
    outcome     text NOT NULL CHECK (outcome IN ('withdrawn', 'completed', 'not_completed')),
    PRIMARY KEY (referral_id, outcome)
);

-- One row per rejected referral: its reason codes, on the UK date of the rejection.
CREATE TABLE rejections (
    referral_id text PRIMARY KEY,
    rejected_on date NOT NULL,
    codes       text[] NOT NULL
);
CREATE INDEX rejections_day ON rejections (rejected_on);

CREATE TABLE elearning (
    person_id    text PRIMARY KEY,
    completed_at timestamptz NOT NULL
);

CREATE TABLE certificates (
    person_id text PRIMARY KEY
);

CREATE TABLE attendance (
    person_id         text PRIMARY KEY,
    first_attended_on date NOT NULL
);

-- One follow-up call per (parent, session): due, then done (an outcome) or overdue.
CREATE TABLE follow_ups (
    person_id  text NOT NULL,
    session_id text NOT NULL,
    due        boolean NOT NULL DEFAULT false,
    done       boolean NOT NULL DEFAULT false,
    overdue    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (person_id, session_id)
);

-- The parent's last workshop feedback (by event time), reduced to the report's three booleans.
CREATE TABLE surveys (
    person_id             text PRIMARY KEY,
    submitted_at          timestamptz NOT NULL,
    clearer_understanding boolean NOT NULL,
    child_at_centre       boolean NOT NULL,
    high_satisfaction     boolean NOT NULL
);

-- Parents who viewed or started the parenting plan (viewed, opened, proposed or responded).
CREATE TABLE plan_activity (
    person_id text PRIMARY KEY
);

-- Completed plans by case: every cohort parent of that case has completed a plan.
CREATE TABLE plan_completions (
    case_number text PRIMARY KEY
);
