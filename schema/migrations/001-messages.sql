-- messages: one row per BGP message a session received or sent, with its octets as on the
-- wire. This is the archive: MRT export re-emits `raw` exactly, and `updates` can always be
-- rebuilt from it. Columns are documented in docs/storage.md.
--
-- ORDER BY (collector, peer_address, time, sequence): the questions asked of this table are
-- "what did this peer send between t1 and t2" (one contiguous range per part) and "the raw
-- message of this update row" (a point lookup on the full key, which `updates` carries).
-- A time range over every peer still prunes granules: with tens to hundreds of peers, the
-- index on (collector, peer_address, time) skips each peer's rows outside the range.
--
-- PARTITION BY month: old months can be dropped or moved whole; a month keeps the number of
-- parts small even at a few thousand inserts an hour.
--
-- Codecs: `time` and `sequence` rise steadily within a peer, so DoubleDelta/Delta shrink
-- them to a few bits a row; `raw` is the bulk of the table and compresses ~3x with ZSTD
-- (UPDATEs of one peer repeat their attribute octets).
--
-- No TTL: a collector is an archive. KEEPALIVEs are kept too (one row per peer every
-- 30–60 s, a few bytes each after compression); a TTL on `time` would also delete rows of
-- old MRT files as they are replayed. Operators who want one add it with
-- ALTER TABLE messages MODIFY TTL (see docs/storage.md).
--
-- non_replicated_deduplication_window: the writer gives every insert a deduplication token
-- (its batch id); ClickHouse remembers the last 1000 tokens of each table, so a batch sent
-- again after a crash or a lost acknowledgement is dropped instead of stored twice. Plain
-- MergeTree does not deduplicate at all unless this window is set.
CREATE TABLE IF NOT EXISTS messages
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
ENGINE = MergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (collector, peer_address, time, sequence)
SETTINGS non_replicated_deduplication_window = 1000;
