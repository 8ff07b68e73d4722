-- Cluster variant of schema/migrations/004-minute-counts.sql. The views run on every shard,
-- from the local tables into the local count tables; Distributed tables read them all.
-- Summing still happens at merge time per shard: read with sum() and GROUP BY.

CREATE TABLE IF NOT EXISTS message_counts_1m_local ON CLUSTER '{cluster}'
(
    minute DateTime('UTC'),
    collector LowCardinality(String),
    peer_address IPv6,
    peer_asn UInt32,
    direction Enum8('received' = 1, 'sent' = 2),
    type Enum8('UNKNOWN' = 0, 'OPEN' = 1, 'UPDATE' = 2, 'NOTIFICATION' = 3, 'KEEPALIVE' = 4, 'ROUTE_REFRESH' = 5),
    messages UInt64,
    bytes UInt64
)
ENGINE = ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/{database}/message_counts_1m_local', '{replica}')
PARTITION BY toYYYYMM(minute)
ORDER BY (collector, peer_address, peer_asn, minute, direction, type)
SETTINGS replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS message_counts_1m ON CLUSTER '{cluster}' AS message_counts_1m_local
ENGINE = Distributed('{cluster}', currentDatabase(), message_counts_1m_local, cityHash64(collector, peer_address));

CREATE MATERIALIZED VIEW IF NOT EXISTS message_counts_1m_mv ON CLUSTER '{cluster}' TO message_counts_1m_local AS
SELECT
    toStartOfMinute(time) AS minute,
    collector,
    peer_address,
    peer_asn,
    direction,
    type,
    count() AS messages,
    sum(length(raw)) AS bytes
FROM messages_local
GROUP BY minute, collector, peer_address, peer_asn, direction, type;

CREATE TABLE IF NOT EXISTS update_counts_1m_local ON CLUSTER '{cluster}'
(
    minute DateTime('UTC'),
    collector LowCardinality(String),
    peer_address IPv6,
    peer_asn UInt32,
    family LowCardinality(String),
    announcements UInt64,
    withdrawals UInt64
)
ENGINE = ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/{database}/update_counts_1m_local', '{replica}')
PARTITION BY toYYYYMM(minute)
ORDER BY (collector, peer_address, peer_asn, minute, family)
SETTINGS replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS update_counts_1m ON CLUSTER '{cluster}' AS update_counts_1m_local
ENGINE = Distributed('{cluster}', currentDatabase(), update_counts_1m_local, cityHash64(collector, peer_address));

CREATE MATERIALIZED VIEW IF NOT EXISTS update_counts_1m_mv ON CLUSTER '{cluster}' TO update_counts_1m_local AS
SELECT
    toStartOfMinute(time) AS minute,
    collector,
    peer_address,
    peer_asn,
    family,
    countIf(action = 'announce') AS announcements,
    countIf(action = 'withdraw') AS withdrawals
FROM updates_local
GROUP BY minute, collector, peer_address, peer_asn, family;
