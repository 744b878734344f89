-- v1.1 CPPP as its own track: the co-parents a referral names (the programme starts once both
-- parents have consented), the proceedings (who receives the report: the Guardian for rule_16_4,
-- the FCA for section_7) and the UK day the case's programme started.
ALTER TABLE referrals
    ADD COLUMN co_parent_person_ids text[] NOT NULL DEFAULT '{}',
    ADD COLUMN cppp_proceedings     text,
    ADD COLUMN cppp_started_on      date;
CREATE INDEX referrals_cppp_case ON referrals (case_number) WHERE programme = 'cppp';
