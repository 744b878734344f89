-- What the emails to and about a contact say the course is: its programme, and for a parent
-- whether the court ordered it or an FCA recommended it. Contacts from before: unknown (neutral words).
ALTER TABLE contacts ADD COLUMN programme text NOT NULL DEFAULT 'ptfc', ADD COLUMN route text;
