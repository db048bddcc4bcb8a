-- Interior hashes of each tenant's log, C2SP tile layout: tile (level, idx) holds up to 256 hashes of
-- tree level 8·level. Full tiles never change; the right-edge tile of each level grows.
CREATE TABLE log_tiles (
    tenant_id TEXT NOT NULL,
    level     INTEGER NOT NULL,
    idx       BIGINT NOT NULL,
    hashes    BLOB NOT NULL,
    PRIMARY KEY (tenant_id, level, idx)
);
