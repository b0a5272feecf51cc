-- Probe event types as an ENUM: read_csv casts the type column to it, so an unknown type is a CAST reject
-- with its line number (quarantined), at no extra pass. raw_probe_events.type stays VARCHAR.
create type ccx_probe_event_type as enum ('pageview', 'heartbeat', 'click', 'invite_shown', 'invite_accepted', 'invite_declined', 'chat_request', 'chat_start', 'lead', 'register', 'message', 'identify', 'order');
