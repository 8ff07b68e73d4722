-- updates: one row per announced or withdrawn NLRI, with the path attributes it was
-- announced with (RFC 7606 applied, AS4_PATH merged). The per-prefix view of `messages`:
-- each row names its message by (collector, peer_address, time, sequence). Columns are
-- documented in docs/storage.md.
--
-- ORDER BY (prefix, prefix_length, nlri_key, collector, peer_address, time): looking-glass
-- and history questions start from a prefix, so the prefix is the leading key, and within
-- every part ClickHouse answers them from the primary index instead of scanning:
--   exact prefix       prefix = P AND prefix_length = L               one key range
--   more-specifics     prefix BETWEEN net(P) AND broadcast(P)          one key range
--   less-specifics     (prefix, prefix_length) IN (up to 33 or 129)    that many point ranges
-- then per peer and in time order, which is the order history is read in. IP prefixes are
-- IPv6 addresses with IPv4 mapped (::ffff:a.b.c.d), so both families share one index; an
-- IPv6 range covering ::ffff:0:0/96 (only ::/0 … ::/80 do) leaves that block out, so a
-- question about one family never returns the other. NLRI without an IP prefix (EVPN,
-- FlowSpec, BGP-LS…) have prefix :: and length 255, which no prefix question matches, and
-- are ordered by key.
-- Time-first schemas make every prefix question a scan of whole partitions; time and
-- per-peer questions belong to the time-ordered `messages` table (and the minute counts).
--
-- index_granularity 4096: a prefix lookup reads one granule per part and column; half the
-- default granule halves what a point lookup decompresses, and the index (one entry per
-- 4096 rows) stays small enough to keep in memory at billions of rows.
--
-- PARTITION BY month, as `messages`. No TTL: the history of a prefix is the product.
--
-- Codecs: rows of one prefix and peer follow each other in time order, so Delta shrinks
-- `time`; attribute columns repeat along a table (ZSTD); LowCardinality keeps communities
-- and next hops as dictionary indices.
CREATE TABLE IF NOT EXISTS updates
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
ENGINE = MergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (prefix, prefix_length, nlri_key, collector, peer_address, time)
SETTINGS index_granularity = 4096, non_replicated_deduplication_window = 1000;
