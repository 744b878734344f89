-- v1.1: every clock counts from day 0, the day the referral was made, not the order's date.
-- Rows stored before this migration counted from ordered_on and keep that value as their day 0.
ALTER TABLE parents RENAME COLUMN ordered_on TO referred_on;
