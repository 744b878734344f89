-- The contact directory: only what emails need (name for the greeting, address, role).
CREATE TABLE contacts (
    contact_id   text PRIMARY KEY,
    role         text NOT NULL,
    name         text NOT NULL,
    email        text NOT NULL,
    case_number  text NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- One row per (event, recipient, template): the primary key is what makes an email happen once.
CREATE TABLE notifications (
    notification_id  text PRIMARY KEY,
    case_number      text NOT NULL,
    template         text NOT NULL,
    contact_id       text NOT NULL REFERENCES contacts (contact_id),
    context          jsonb NOT NULL,
    attachments      jsonb NOT NULL DEFAULT '[]',
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts         int NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    lease_until      timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status IN ('pending', 'sending');

CREATE FUNCTION notifications_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('ptfc_notifications', '');
    RETURN NULL;
END $$;
CREATE TRIGGER notifications_notify AFTER INSERT ON notifications
    FOR EACH STATEMENT EXECUTE FUNCTION notifications_notify();
