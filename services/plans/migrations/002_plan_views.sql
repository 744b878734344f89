-- v1.1 ptfc.plan.viewed.v1: who has looked at the plan tool (the report counts parents, not views).
CREATE TABLE plan_views (
    person_id       text PRIMARY KEY,
    first_viewed_at timestamptz NOT NULL
);
