-- Cluster variant of schema/migrations/002-updates.sql (same columns and reasons).
-- updates_local per shard (replicated), `updates` Distributed over them, sharded by peer.

CREATE TABLE IF NOT EXISTS updates_local ON CLUSTER '{cluster}'
(
    prefix IPv6,
    prefix_length UInt8,
    nlri_key String CODEC(ZSTD(1)),
    path_id UInt32,
    rd LowCardinality(String),
    nlri_json String CODEC(ZSTD(1)),
    action Enum8('announce' = 1, 'withdraw' = 2),
    family LowCardinality(String),
    next_hop Array(LowCardinality(String)),
    collector LowCardinality(String),
    peer_address IPv6,
    time DateTime64(6, 'UTC') CODEC(Delta, ZSTD(1)),
    sequence UInt64 CODEC(ZSTD(1)),
    peer_asn UInt32,
    treat_as_withdraw Bool,
    synthetic Bool,
    origin Enum8('' = 0, 'igp' = 1, 'egp' = 2, 'incomplete' = 3),
    as_path Array(UInt32) CODEC(ZSTD(1)),
    as_path_segments Array(Tuple(type Enum8('AS_SET' = 1, 'AS_SEQUENCE' = 2, 'AS_CONFED_SEQUENCE' = 3, 'AS_CONFED_SET' = 4), length UInt16)) CODEC(ZSTD(1)),
    origin_asn UInt32,
    med Nullable(UInt32),
    local_pref Nullable(UInt32),
    atomic_aggregate Bool,
    aggregator_asn Nullable(UInt32),
    aggregator_address Nullable(IPv4),
    communities Array(LowCardinality(String)) CODEC(ZSTD(1)),
    large_communities Array(LowCardinality(String)) CODEC(ZSTD(1)),
    extended_communities Array(LowCardinality(String)) CODEC(ZSTD(1)),
    ipv6_extended_communities Array(LowCardinality(String)) CODEC(ZSTD(1)),
    originator_id Nullable(IPv4),
    cluster_list Array(IPv4) CODEC(ZSTD(1)),
    otc Nullable(UInt32),
    aigp Nullable(UInt64),
    other_attributes String CODEC(ZSTD(1))
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/updates_local', '{replica}')
PARTITION BY toYYYYMM(time)
ORDER BY (prefix, prefix_length, nlri_key, collector, peer_address, time)
SETTINGS index_granularity = 4096, replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS updates ON CLUSTER '{cluster}' AS updates_local
ENGINE = Distributed('{cluster}', currentDatabase(), updates_local, cityHash64(collector, peer_address));
