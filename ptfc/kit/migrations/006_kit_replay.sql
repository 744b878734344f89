-- Replays of back-dated history (`ptfc replay begin|end`, on ptfc.ops.replay): while one is open
-- (ended_at NULL), no timer fires (ptfc/kit/replay.py). Either fact may be read first.
CREATE TABLE replay_hold (
    replay_id  text PRIMARY KEY,
    began_at   timestamptz,
    ended_at   timestamptz
);
-- A case's pending timers, looked up by subject: an event of a case waits behind its due timers
-- (ptfc/kit/ordering.py), and replayed history leaves many of them due at once.
CREATE INDEX timers_pending_subject ON timers (subject, due_at) WHERE fired_at IS NULL;
