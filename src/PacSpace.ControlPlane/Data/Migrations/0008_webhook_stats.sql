-- An endpoint the plane of its environment disabled (it answered 410 Gone, or kept failing): when (plane clock, Unix ms)
-- and why, as the plane reported them in its stats feed. Both are cleared when a user enables the endpoint again; both
-- are null for an endpoint a user disabled.
ALTER TABLE webhook_endpoints ADD COLUMN disabled_at BIGINT;
ALTER TABLE webhook_endpoints ADD COLUMN disabled_reason TEXT;

-- How far the control plane has read each plane's webhook stats feed (plane clock, Unix ms), beside its key-usage feed.
ALTER TABLE plane_cursors ADD COLUMN webhook_stats_after BIGINT NOT NULL DEFAULT 0;
