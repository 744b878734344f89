-- The sender's wake-up now uses the kit's notify_channel() (kit migration 003).
DROP TRIGGER notifications_notify ON notifications;
DROP FUNCTION notifications_notify();
CREATE TRIGGER notifications_notify AFTER INSERT ON notifications
    FOR EACH STATEMENT EXECUTE FUNCTION notify_channel('ptfc_notifications');
