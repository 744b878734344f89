-- The workshops of ONE lot (each lot's instance has its own database). No parent contact details:
-- notifications keeps those; trainers' details only travel to it as ContactRecorded.

-- Parents of this lot with an accepted referral (other lots' parents are never stored).
CREATE TABLE parents (
    person_id            text PRIMARY KEY,
    referral_id          text NOT NULL,
    case_number          text NOT NULL,
    co_parent_person_ids text[] NOT NULL DEFAULT '{}',
    in_person            boolean NOT NULL DEFAULT false,
    status               text NOT NULL CHECK (status IN ('active', 'withdrawn')),
    accepted_at          timestamptz NOT NULL
);

-- E-learning completions, kept for any person id: the learning fact can overtake the referral
-- fact (they arrive on different topics), and an id with a time says nothing about anyone.
CREATE TABLE elearning_completions (
    person_id    text PRIMARY KEY,
    completed_at timestamptz NOT NULL
);

CREATE TABLE sessions (
    session_id    text PRIMARY KEY,
    mode          text NOT NULL CHECK (mode IN ('online', 'in_person')),
    parts         jsonb NOT NULL,
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    capacity      int NOT NULL CHECK (capacity BETWEEN 1 AND 6),
    join_url      text,
    venue         text,
    trainer_id    text NOT NULL,
    fingerprint   text NOT NULL,
    status        text NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
    scheduled_at  timestamptz NOT NULL,
    attendance_recorded_at timestamptz
);
CREATE INDEX sessions_open ON sessions (starts_at) WHERE status = 'scheduled';

-- Capacity and co-parent rules span rows, so they are enforced under the lot lock (store.lock_lot),
-- not by constraints; the one-live-booking rule is also a constraint, as a backstop.
CREATE TABLE bookings (
    booking_id     bigserial PRIMARY KEY,
    session_id     text NOT NULL REFERENCES sessions (session_id),
    person_id      text NOT NULL REFERENCES parents (person_id),
    referral_id    text NOT NULL,  -- a re-referred parent starts again: earlier attendance does not count
    case_number    text NOT NULL,
    status         text NOT NULL CHECK (status IN ('booked', 'released', 'attended', 'absent')),
    release_reason text,
    booked_at      timestamptz NOT NULL,
    closed_at      timestamptz
);
CREATE UNIQUE INDEX bookings_one_live ON bookings (person_id) WHERE status = 'booked';
CREATE INDEX bookings_session ON bookings (session_id, status);

CREATE TABLE follow_ups (
    person_id    text NOT NULL,
    session_id   text NOT NULL REFERENCES sessions (session_id),
    case_number  text NOT NULL,
    trainer_id   text NOT NULL,
    due_at       timestamptz NOT NULL,
    outcome      text CHECK (outcome IN ('spoke', 'unreachable', 'declined')),
    recorded_at  timestamptz,
    overdue_at   timestamptz,
    PRIMARY KEY (person_id, session_id)
);

-- That a concern was raised, by whom and when: its detail stays with the trainer.
CREATE TABLE safeguarding_concerns (
    id          bigserial PRIMARY KEY,
    person_id   text NOT NULL REFERENCES parents (person_id),
    trainer_id  text NOT NULL,
    session_id  text,
    raised_at   timestamptz NOT NULL
);
