-- Events waiting for a fact from another topic (e.g. a booking read before the referral's
-- acceptance during a replay). Kept as the original record; re-applied until it fits or expires.
CREATE TABLE parked (
    id         bigserial PRIMARY KEY,
    topic      text NOT NULL,
    partition  int NOT NULL,
    "offset"   bigint NOT NULL,
    key        bytea,
    value      bytea NOT NULL,
    reason     text NOT NULL,
    attempts   int NOT NULL DEFAULT 1,
    parked_at  timestamptz NOT NULL DEFAULT now(),
    retry_at   timestamptz NOT NULL,
    UNIQUE (topic, partition, "offset")
);
CREATE INDEX parked_due ON parked (retry_at);
