-- Every dead letter's bytes now stay here (ptfc.deadletter carries its reason and origin only):
-- the refused message's key too, so a replay sends it back as it came.
ALTER TABLE dead_letters ADD COLUMN withheld_key bytea;
