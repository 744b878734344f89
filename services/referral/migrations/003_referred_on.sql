-- v1.1: day 0 is the day the referral was made (the UK date of its event time), not ordered_on.
-- Rows accepted before this migration counted from ordered_on; they keep that as their day 0.
ALTER TABLE referrals ADD COLUMN referred_on date;
UPDATE referrals SET referred_on = ordered_on WHERE status <> 'rejected';
