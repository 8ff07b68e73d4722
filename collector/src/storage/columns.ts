// The columns of every table the writer fills, declared once: the row builders
// (rows.ts) emit fields in exactly this order, every INSERT names these
// columns, and a test checks the lists against the tables the migrations
// create (names and types as ClickHouse reports them in system.columns).
// Table and column names are a public interface: docs/storage.md documents
// each one.

export type Column = readonly [name: string, type: string]

const ENUM_TYPE =
  "Enum8('UNKNOWN' = 0, 'OPEN' = 1, 'UPDATE' = 2, 'NOTIFICATION' = 3, 'KEEPALIVE' = 4, 'ROUTE_REFRESH' = 5)"
const ENUM_DIRECTION = "Enum8('received' = 1, 'sent' = 2)"
const ENUM_STATE =
  "Enum8('' = 0, 'Idle' = 1, 'Connect' = 2, 'Active' = 3, 'OpenSent' = 4, 'OpenConfirm' = 5, 'Established' = 6)"
const TIME = "DateTime64(6, 'UTC')"
const STRINGS = 'Array(LowCardinality(String))'

export const MESSAGES_COLUMNS = [
  ['time', TIME],
  ['collector', 'LowCardinality(String)'],
  ['peer_address', 'IPv6'],
  ['peer_asn', 'UInt32'],
  ['local_asn', 'UInt32'],
  ['sequence', 'UInt64'],
  ['direction', ENUM_DIRECTION],
  ['type', ENUM_TYPE],
  ['raw', 'String'],
  ['asn4', 'Bool'],
  ['add_path', STRINGS],
  ['extended_message', 'Bool'],
  ['synthetic', 'Bool'],
  ['announced', 'UInt32'],
  ['withdrawn', 'UInt32'],
  ['end_of_rib', 'LowCardinality(String)'],
  ['problems', STRINGS],
] as const satisfies readonly Column[]

export const UPDATES_COLUMNS = [
  // Per NLRI.
  ['prefix', 'IPv6'],
  ['prefix_length', 'UInt8'],
  ['nlri_key', 'String'],
  ['path_id', 'UInt32'],
  ['rd', 'LowCardinality(String)'],
  ['nlri_json', 'String'],
  // Per family of the message.
  ['action', "Enum8('announce' = 1, 'withdraw' = 2)"],
  ['family', 'LowCardinality(String)'],
  ['next_hop', STRINGS],
  // Per message.
  ['collector', 'LowCardinality(String)'],
  ['peer_address', 'IPv6'],
  ['time', TIME],
  ['sequence', 'UInt64'],
  ['peer_asn', 'UInt32'],
  ['treat_as_withdraw', 'Bool'],
  ['synthetic', 'Bool'],
  // Per message, announcements only (empty in withdrawals).
  ['origin', "Enum8('' = 0, 'igp' = 1, 'egp' = 2, 'incomplete' = 3)"],
  ['as_path', 'Array(UInt32)'],
  [
    'as_path_segments',
    "Array(Tuple(type Enum8('AS_SET' = 1, 'AS_SEQUENCE' = 2, 'AS_CONFED_SEQUENCE' = 3, 'AS_CONFED_SET' = 4), length UInt16))",
  ],
  ['origin_asn', 'UInt32'],
  ['med', 'Nullable(UInt32)'],
  ['local_pref', 'Nullable(UInt32)'],
  ['atomic_aggregate', 'Bool'],
  ['aggregator_asn', 'Nullable(UInt32)'],
  ['aggregator_address', 'Nullable(IPv4)'],
  ['communities', STRINGS],
  ['large_communities', STRINGS],
  ['extended_communities', STRINGS],
  ['ipv6_extended_communities', STRINGS],
  ['originator_id', 'Nullable(IPv4)'],
  ['cluster_list', 'Array(IPv4)'],
  ['otc', 'Nullable(UInt32)'],
  ['aigp', 'Nullable(UInt64)'],
  ['other_attributes', 'String'],
] as const satisfies readonly Column[]

export const PEER_EVENTS_COLUMNS = [
  ['time', TIME],
  ['collector', 'LowCardinality(String)'],
  ['peer_address', 'IPv6'],
  ['peer_asn', 'UInt32'],
  ['local_asn', 'UInt32'],
  ['sequence', 'UInt64'],
  ['event', "Enum8('state' = 1, 'open' = 2, 'notification' = 3)"],
  ['direction', "Enum8('' = 0, 'received' = 1, 'sent' = 2)"],
  ['from_state', ENUM_STATE],
  ['to_state', ENUM_STATE],
  ['reason', 'String'],
  ['open_asn', 'UInt32'],
  ['bgp_id', 'IPv4'],
  ['hold_time', 'UInt16'],
  ['capabilities', STRINGS],
  ['notification_code', 'UInt8'],
  ['notification_subcode', 'UInt8'],
  ['notification', 'LowCardinality(String)'],
  ['shutdown_message', 'String'],
  ['message', 'String'],
  ['raw', 'String'],
] as const satisfies readonly Column[]

/** The per-minute count tables the materialized views fill (read-only for the writer). */
export const MESSAGE_COUNTS_COLUMNS = [
  ['minute', "DateTime('UTC')"],
  ['collector', 'LowCardinality(String)'],
  ['peer_address', 'IPv6'],
  ['peer_asn', 'UInt32'],
  ['direction', ENUM_DIRECTION],
  ['type', ENUM_TYPE],
  ['messages', 'UInt64'],
  ['bytes', 'UInt64'],
] as const satisfies readonly Column[]

export const UPDATE_COUNTS_COLUMNS = [
  ['minute', "DateTime('UTC')"],
  ['collector', 'LowCardinality(String)'],
  ['peer_address', 'IPv6'],
  ['peer_asn', 'UInt32'],
  ['family', 'LowCardinality(String)'],
  ['announcements', 'UInt64'],
  ['withdrawals', 'UInt64'],
] as const satisfies readonly Column[]

/** Every table of the schema with its columns, by name. */
export const TABLES = {
  messages: MESSAGES_COLUMNS,
  updates: UPDATES_COLUMNS,
  peer_events: PEER_EVENTS_COLUMNS,
  message_counts_1m: MESSAGE_COUNTS_COLUMNS,
  update_counts_1m: UPDATE_COUNTS_COLUMNS,
} as const

/** The tables the writer inserts into, in the order it inserts a batch. */
export const WRITTEN_TABLES = ['messages', 'updates', 'peer_events'] as const
export type WrittenTable = (typeof WRITTEN_TABLES)[number]

export function columnNames(columns: readonly Column[]): string[] {
  return columns.map((c) => c[0])
}
