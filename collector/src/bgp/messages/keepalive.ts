// KEEPALIVE, message type 4 (RFC 4271 §4.4): the header alone.

export interface KeepaliveMessage {
  readonly type: 'KEEPALIVE'
}

export const KEEPALIVE: KeepaliveMessage = { type: 'KEEPALIVE' }
