// The UpdateEvent of an UPDATE that took the fast path (lean-update.ts): its
// raw octets and routes are at hand; the decoded message, its problems (none,
// or the fast path would not have taken it) and the flattened attributes are
// computed from the raw octets the first time a sink asks, and kept. A sink
// that only stores raw messages (MRT, BMP, the storage writer) never pays for
// a decode. The lazy fields are own, enumerable getters, so a spread or
// JSON.stringify of the event sees them like plain fields.

import {
  type CodecContext,
  type DecodeResult,
  decodeMessage,
  routeAttributes,
  type UpdateMessage,
  type UpdateRoutes,
  updateRoutes,
} from '../bgp/index.ts'
import type { EventOrigin, UpdateEvent } from '../events/index.ts'
import { leanUpdate } from './lean-update.ts'

/**
 * `raw` must be the event's own copy; `lean` the fast path's routes (attributes
 * undecoded), or undefined to read them from `raw` when a sink first asks (no
 * family disabled); `disabled` the session's families switched off by RFC 7606 (copied).
 */
export function receivedUpdate(
  origin: EventOrigin,
  raw: Uint8Array,
  context: CodecContext,
  lean: UpdateRoutes | undefined,
  disabled?: ReadonlySet<number>,
): UpdateEvent {
  let decoded: DecodeResult | undefined
  let routes: UpdateRoutes | undefined
  const decode = () => {
    decoded ??= decodeMessage(raw, context)
    return decoded
  }
  return {
    type: 'message',
    ...origin,
    direction: 'received',
    raw,
    context,
    ...(disabled?.size ? { disabledFamilies: [...disabled] } : {}),
    get message() {
      return decode().message
    },
    get problems() {
      return decode().problems
    },
    get routes() {
      routes ??= {
        ...(lean ??
          leanUpdate(raw, context) ??
          updateRoutes(decode().message as UpdateMessage, decode().problems, context)),
        attributes: routeAttributes((decode().message as UpdateMessage).attributes, context),
      }
      return routes
    },
  }
}
