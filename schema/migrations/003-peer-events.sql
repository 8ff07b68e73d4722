-- peer_events: the life of every session: each state change (RFC 4271 §8.2.2 states, with
-- the reason in words), and every OPEN and NOTIFICATION received or sent, decoded. OPENs
-- and NOTIFICATIONs are also in `messages`; here they sit beside the state changes they
-- caused, with their fields in columns. Columns are documented in docs/storage.md.
--
-- ORDER BY (collector, peer_address, time, sequence): "what happened to this peer" is the
-- only question, answered in time order; the table is small (a few rows per session).
-- PARTITION BY year: a partition per month would hold a handful of rows. No TTL.
CREATE TABLE IF NOT EXISTS peer_events
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
ENGINE = MergeTree
PARTITION BY toYear(time)
ORDER BY (collector, peer_address, time, sequence)
SETTINGS non_replicated_deduplication_window = 1000;
