-- PostgreSQL form of ../0009_check_lists.sql. SQLite evaluates a CHECK's IN list of words with a
-- temporary B-tree per statement and so compares the words one by one instead; PostgreSQL has no
-- such cost, but the CHECKs are written the same way here so that the two schemas read alike
-- (tests/cli/test_schema_pg.py compares them). They allow exactly the same values.
ALTER TABLE orders
    DROP CONSTRAINT orders_kind_check,
    ADD CONSTRAINT orders_kind_check CHECK (kind = 'normal' OR kind = 'acute' OR kind = 'express'),
    DROP CONSTRAINT orders_channel_check,
    ADD CONSTRAINT orders_channel_check CHECK (channel = 'digital' OR channel = 'phone' OR channel = 'municipal' OR channel = 'customer_service'),
    DROP CONSTRAINT orders_delivery_method_check,
    ADD CONSTRAINT orders_delivery_method_check CHECK (delivery_method = 'home' OR delivery_method = 'pickup_point' OR delivery_method = 'care_unit'),
    DROP CONSTRAINT orders_notification_check,
    ADD CONSTRAINT orders_notification_check CHECK (notification IS NULL OR notification = 'email' OR notification = 'letter' OR notification = 'phone' OR notification = 'sms'),
    DROP CONSTRAINT orders_status_check,
    ADD CONSTRAINT orders_status_check CHECK (status = 'received' OR status = 'shipped' OR status = 'partially_shipped' OR status = 'delivered' OR
                                       status = 'partially_delivered' OR status = 'returned' OR status = 'not_collected' OR status = 'cancelled');
ALTER TABLE shipments
    DROP CONSTRAINT shipments_outcome_check,
    ADD CONSTRAINT shipments_outcome_check CHECK (outcome IS NULL OR outcome = 'delivered' OR outcome = 'returned' OR outcome = 'not_collected');
ALTER TABLE contact_cases
    DROP CONSTRAINT contact_cases_outcome_check,
    ADD CONSTRAINT contact_cases_outcome_check CHECK (outcome IS NULL OR outcome = 'reached' OR outcome = 'not_reached' OR outcome = 'message_left');
ALTER TABLE calls
    DROP CONSTRAINT calls_topic_check,
    ADD CONSTRAINT calls_topic_check CHECK (topic = 'order' OR topic = 'delivery' OR topic = 'prescription' OR topic = 'product' OR
                                               topic = 'delay_contact' OR topic = 'other');
ALTER TABLE access_log
    DROP CONSTRAINT access_log_action_check,
    ADD CONSTRAINT access_log_action_check CHECK (action = 'read' OR action = 'create' OR action = 'update');
