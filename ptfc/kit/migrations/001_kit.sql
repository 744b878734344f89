-- Shared plumbing tables, one set per service database.

-- Transactional outbox: rows commit with the state change that caused them; the relay sends
-- them in id order (so in order per case) and marks them sent. Dead letters go through it too.
CREATE TABLE outbox (
    id         bigserial PRIMARY KEY,
    topic      text NOT NULL,
    key        text,
    value      bytea NOT NULL,
    headers    jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;

CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('ptfc_outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- Inbox: (source, id) of every consumed event, written in the same transaction as its effect.
CREATE TABLE inbox (
    source      text NOT NULL,
    id          text NOT NULL,
    type        text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, id)
);

-- Dead letters are also kept here, so an operator can list them without a Kafka client.
CREATE TABLE dead_letters (
    id           bigserial PRIMARY KEY,
    topic        text NOT NULL,
    partition    int NOT NULL,
    "offset"     bigint NOT NULL,
    reason       text NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (topic, partition, "offset")
);

-- Durable timers: fire once, survive restarts; due_at is in programme time (the events' own).
CREATE TABLE timers (
    id        bigserial PRIMARY KEY,
    kind      text NOT NULL,
    key       text NOT NULL,
    subject   text NOT NULL,
    due_at    timestamptz NOT NULL,
    payload   jsonb NOT NULL DEFAULT '{}',
    attempts  int NOT NULL DEFAULT 0,
    error     text,
    fired_at  timestamptz,
    UNIQUE (kind, key)
);
CREATE INDEX timers_due ON timers (due_at) WHERE fired_at IS NULL;
