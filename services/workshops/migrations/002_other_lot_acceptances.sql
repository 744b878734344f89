-- Every lot's instance reads every lot's acceptances. Of another lot's it keeps only the person id,
-- that lot and the acceptance's time (no case, no personal data): enough to refuse at once a
-- booking sent to this lot for another lot's parent. One row per person: their newest acceptance
-- by another lot (services/workshops/domain/belonging.py decides against this lot's own parents row).
CREATE TABLE other_lot_acceptances (
    person_id   text PRIMARY KEY,
    lot         text NOT NULL,
    accepted_at timestamptz NOT NULL
);
