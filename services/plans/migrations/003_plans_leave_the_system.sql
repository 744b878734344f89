-- Plans that leave the system: finished with what is agreed, downloadable by link, and a history
-- that cannot be rewritten.

-- The programme and route of the parent's referral: what the emails about the plan call the course.
ALTER TABLE parents ADD COLUMN programme text NOT NULL DEFAULT 'ptfc', ADD COLUMN route text;

-- `finished`: a parent marked the plan finished with what is agreed (some areas may be open).
-- `completed` keeps its meaning: every area has a final decision.
ALTER TABLE plans DROP CONSTRAINT plans_status_check,
    ADD CONSTRAINT plans_status_check CHECK (status IN ('open', 'completed', 'finished', 'closed')),
    ADD COLUMN finished_at timestamptz, ADD COLUMN finished_by text;

-- Download links. The link is `<link_id>.<secret>`; only the secret's SHA-256 is kept, so neither
-- this table nor a backup of it can be used to download a plan.
CREATE TABLE plan_links (
    link_id            text PRIMARY KEY,
    secret_hash        bytea NOT NULL,
    case_number        text NOT NULL REFERENCES plans (case_number),
    audience           text NOT NULL CHECK (audience IN ('parent', 'mediator', 'fca', 'court')),
    -- parent: the parent who holds the link; a professional: the parent who shared the plan.
    person_id          text NOT NULL,
    cause_id           text NOT NULL,  -- the event that issued it
    issued_at          timestamptz NOT NULL,
    expires_at         timestamptz NOT NULL,
    revoked_at         timestamptz,
    revoked_because    text CHECK (revoked_because IN ('operator', 'plan_closed', 'erased')),
    downloads          integer NOT NULL DEFAULT 0,
    last_downloaded_at timestamptz
);
CREATE INDEX plan_links_case ON plan_links (case_number);
CREATE INDEX plan_links_person ON plan_links (person_id);

-- History that cannot be rewritten: a row of plan_history is inserted, never changed or removed.
-- One exception, because the law puts erasure above an untouched record: the erasure path may
-- blank a row's `terms` (the parent's own words) and nothing else, and only when it says so with
-- `SET LOCAL ptfc.erasing = 'on'` (store.erase_terms). The setting is a declaration, not a
-- credential: any session could set it. What holds the history is that even then only `terms`
-- can change, and only to NULL: who did what, in which area, and when, stays as it was.
CREATE FUNCTION plan_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('ptfc.erasing', true) = 'on' AND NEW.terms IS NULL
       AND (to_jsonb(NEW) - 'terms') = (to_jsonb(OLD) - 'terms') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'plan_history is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'only erasure may blank terms, with SET LOCAL ptfc.erasing = on';
END
$$;
CREATE TRIGGER plan_history_append_only BEFORE UPDATE OR DELETE ON plan_history
    FOR EACH ROW EXECUTE FUNCTION plan_history_append_only();
CREATE TRIGGER plan_history_no_truncate BEFORE TRUNCATE ON plan_history
    FOR EACH STATEMENT EXECUTE FUNCTION plan_history_append_only();
