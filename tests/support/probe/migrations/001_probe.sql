CREATE TABLE effects (
    person_id text NOT NULL,
    event_id  text NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE known (person_id text PRIMARY KEY);
