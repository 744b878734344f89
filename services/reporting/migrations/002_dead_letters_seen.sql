-- The operator console's view of ptfc.deadletter: every service's refusals, by reason and origin.
-- Only the headers and the time are kept, never the refused bytes (they may hold personal data).
-- Keyed by the dead letter's own place on ptfc.deadletter, so a redelivery or a replay is a no-op;
-- not emptied by `ptfc report rebuild` (that topic need not keep its history).
CREATE TABLE dead_letters_seen (
    partition   integer NOT NULL,
    "offset"    bigint NOT NULL,
    at          timestamptz NOT NULL,
    reason      text NOT NULL,
    origin      text NOT NULL,
    service     text NOT NULL,
    PRIMARY KEY (partition, "offset")
);
CREATE INDEX dead_letters_seen_at ON dead_letters_seen (at);
