// RIS Live envelopes, both directions: `{"type": "…", "data": …}`. Client
// messages are parsed here into one of four requests or a reason for
// ris_error; server messages other than ris_message are built here.

export type ClientRequest =
  | { readonly type: 'ris_subscribe'; readonly data: unknown }
  | { readonly type: 'ris_unsubscribe'; readonly data: unknown }
  | { readonly type: 'request_rrc_list' }
  | { readonly type: 'ping' }

export const CLIENT_TYPES = ['ris_subscribe', 'ris_unsubscribe', 'request_rrc_list', 'ping'] as const

/** Parses one client message; a string is the reason it is not a valid request. */
export function parseClientMessage(text: string): ClientRequest | string {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch (e) {
    return `invalid JSON: ${(e as Error).message}`
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return 'a message must be a JSON object {"type": "…", "data": …}'
  }
  const o = v as Record<string, unknown>
  if (typeof o.type !== 'string') return 'a message needs a "type" string'
  switch (o.type) {
    case 'ris_subscribe':
    case 'ris_unsubscribe':
      return { type: o.type, data: o.data }
    case 'request_rrc_list':
      return { type: 'request_rrc_list' }
    case 'ping':
      return { type: 'ping' }
    default:
      return `unknown message type '${o.type}' (expected ${CLIENT_TYPES.join(', ')})`
  }
}

export function envelope(type: string, data: unknown): string {
  return JSON.stringify({ type, data })
}

export function risError(message: string): string {
  return envelope('ris_error', { message })
}

export const PONG = envelope('pong', null)

/**
 * WebSocket close codes (docs/live.md "Close codes"). 1000, 1001 and 1009 are
 * the standard ones; 4xxx are ours.
 */
export const CLOSE = {
  /** The server is shutting down. */
  GOING_AWAY: 1001,
  /** A client message over the size limit (set by ws itself). */
  TOO_BIG: 1009,
  /** The client fell too far behind: its send buffer passed the limit. */
  SLOW_CONSUMER: 4001,
  /** Too many sockets from the client's address. */
  TOO_MANY_CONNECTIONS: 4002,
  /** The fan-out queue was full and dropped messages: resume from the socket's last id. */
  MESSAGES_DROPPED: 4003,
} as const
