-- v1.1 ptfc.cppp.session-recorded.v1: each CPPP session a parent attended, as Cafcass recorded it.
CREATE TABLE cppp_sessions (
    case_number text NOT NULL,
    session_id  text NOT NULL,
    person_id   text NOT NULL,
    held_on     date NOT NULL,
    joint       boolean NOT NULL,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (case_number, session_id, person_id)
);
