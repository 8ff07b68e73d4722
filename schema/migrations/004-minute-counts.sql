-- Per-minute counts per peer for charts, kept by materialized views as rows arrive: a chart
-- of a month reads 43,200 rows per peer instead of counting millions of messages. Columns
-- are documented in docs/storage.md.
--
-- SummingMergeTree adds up rows with the same key when parts merge, which happens later and
-- not always completely: read these tables with sum() and GROUP BY, never as stored.
-- ORDER BY (collector, peer_address, peer_asn, minute, …): a chart is one peer's range of
-- minutes; peer_asn is in the key so that summing never has to pick one of two values.
-- PARTITION BY month, as the tables they count. No TTL: a year of one peer is ~0.5M rows
-- before merges and far fewer after.
--
-- The writer inserts with deduplicate_blocks_in_dependent_materialized_views = 1 and the
-- targets keep a deduplication window, so a batch that is deduplicated in `messages` or
-- `updates` is not counted a second time here.
CREATE TABLE IF NOT EXISTS message_counts_1m
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
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (collector, peer_address, peer_asn, minute, direction, type)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS message_counts_1m_mv TO message_counts_1m AS
SELECT
    toStartOfMinute(time) AS minute,
    collector,
    peer_address,
    peer_asn,
    direction,
    type,
    count() AS messages,
    sum(length(raw)) AS bytes
FROM messages
GROUP BY minute, collector, peer_address, peer_asn, direction, type;

CREATE TABLE IF NOT EXISTS update_counts_1m
(
    minute DateTime('UTC'),
    collector LowCardinality(String),
    peer_address IPv6,
    peer_asn UInt32,
    family LowCardinality(String),
    announcements UInt64,
    withdrawals UInt64
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (collector, peer_address, peer_asn, minute, family)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS update_counts_1m_mv TO update_counts_1m AS
SELECT
    toStartOfMinute(time) AS minute,
    collector,
    peer_address,
    peer_asn,
    family,
    countIf(action = 'announce') AS announcements,
    countIf(action = 'withdraw') AS withdrawals
FROM updates
GROUP BY minute, collector, peer_address, peer_asn, family;
