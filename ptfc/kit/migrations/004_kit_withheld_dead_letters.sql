-- The bytes of a dead letter from a sensitive internal topic, which are not published.
ALTER TABLE dead_letters ADD COLUMN withheld bytea;
