-- Cluster variant of schema/migrations/001-messages.sql (same columns, same reasons for
-- ORDER BY, partitioning and codecs: see that file). Each shard keeps its rows in
-- messages_local (ReplicatedMergeTree, one copy per replica); `messages` is a Distributed table
-- over them, so readers and the writer use the same name as on a single node. Rows are
-- sharded by peer, so one peer's messages and updates live on one shard.
--
-- The server needs the macros {shard} and {replica} (and a cluster named in
-- clickhouse-cluster; Routelake writes that name where this file says '{cluster}').
-- The writer inserts into the Distributed table with distributed_foreground_insert = 1, so
-- a failed insert fails (and is spooled) instead of waiting in the Distributed queue, and
-- its deduplication token reaches every shard's replicated table.

CREATE TABLE IF NOT EXISTS messages_local ON CLUSTER '{cluster}'
(
    time DateTime64(6, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    collector LowCardinality(String),
    peer_address IPv6,
    peer_asn UInt32,
    local_asn UInt32,
    sequence UInt64 CODEC(Delta, ZSTD(1)),
    direction Enum8('received' = 1, 'sent' = 2),
    type Enum8('UNKNOWN' = 0, 'OPEN' = 1, 'UPDATE' = 2, 'NOTIFICATION' = 3, 'KEEPALIVE' = 4, 'ROUTE_REFRESH' = 5),
    raw String CODEC(ZSTD(3)),
    asn4 Bool,
    add_path Array(LowCardinality(String)),
    extended_message Bool,
    synthetic Bool,
    announced UInt32,
    withdrawn UInt32,
    end_of_rib LowCardinality(String),
    problems Array(LowCardinality(String))
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/messages_local', '{replica}')
PARTITION BY toYYYYMM(time)
ORDER BY (collector, peer_address, time, sequence)
SETTINGS replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS messages ON CLUSTER '{cluster}' AS messages_local
ENGINE = Distributed('{cluster}', currentDatabase(), messages_local, cityHash64(collector, peer_address));
