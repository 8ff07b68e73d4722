-- Cluster variant of schema/migrations/003-peer-events.sql (same columns and reasons).

CREATE TABLE IF NOT EXISTS peer_events_local ON CLUSTER '{cluster}'
(
    time DateTime64(6, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    collector LowCardinality(String),
    peer_address IPv6,
    peer_asn UInt32,
    local_asn UInt32,
    sequence UInt64,
    event Enum8('state' = 1, 'open' = 2, 'notification' = 3),
    direction Enum8('' = 0, 'received' = 1, 'sent' = 2),
    from_state Enum8('' = 0, 'Idle' = 1, 'Connect' = 2, 'Active' = 3, 'OpenSent' = 4, 'OpenConfirm' = 5, 'Established' = 6),
    to_state Enum8('' = 0, 'Idle' = 1, 'Connect' = 2, 'Active' = 3, 'OpenSent' = 4, 'OpenConfirm' = 5, 'Established' = 6),
    reason String,
    open_asn UInt32,
    bgp_id IPv4,
    hold_time UInt16,
    capabilities Array(LowCardinality(String)),
    notification_code UInt8,
    notification_subcode UInt8,
    notification LowCardinality(String),
    shutdown_message String,
    message String CODEC(ZSTD(1)),
    raw String CODEC(ZSTD(1))
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/peer_events_local', '{replica}')
PARTITION BY toYear(time)
ORDER BY (collector, peer_address, time, sequence)
SETTINGS replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS peer_events ON CLUSTER '{cluster}' AS peer_events_local
ENGINE = Distributed('{cluster}', currentDatabase(), peer_events_local, cityHash64(collector, peer_address));
