-- When the referral was withdrawn (the withdrawal's own time): a reminder or certificate due before
-- it, fired later (a replay holds timers), still goes out, as it did live. Rows withdrawn before
-- this migration have none and count as withdrawn at any time.
ALTER TABLE parents ADD COLUMN withdrawn_at timestamptz;
