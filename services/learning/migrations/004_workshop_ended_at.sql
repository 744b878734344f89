-- The certificate is available 24 hours after the workshop ended (its last part), not after the
-- attendance record: the record can come late. Rows from before keep counting from the record.
ALTER TABLE progress ADD COLUMN workshop_ended_at timestamptz;
