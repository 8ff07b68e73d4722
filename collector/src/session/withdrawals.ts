// Synthetic withdrawals: when a session is lost without graceful restart (or
// stale routes are swept), the RIB removes the peer's paths and reports them
// in batches. Sinks must see those removals like any others, so each batch is
// turned into real UPDATE messages — the IPv4 unicast Withdrawn Routes field,
// or MP_UNREACH_NLRI (RFC 4760 §4) — each within the session's message size
// limit, encoded with the session's context (path ids where it had them).

import {
  BGP_MAX_EXTENDED_MESSAGE_LENGTH,
  BGP_MAX_MESSAGE_LENGTH,
  type CodecContext,
  encodeMessage,
  type FamilyNlri,
  familyCodec,
  familyKey,
  type Nlri,
  type UpdateMessage,
} from '../bgp/index.ts'

/** Octets around the NLRI: header 19, two length fields 4, MP_UNREACH header 4 + AFI/SAFI 3. */
const IPV4_OVERHEAD = 23
const MP_OVERHEAD = 30

function update(f: FamilyNlri, nlri: Nlri[]): UpdateMessage {
  if (f.afi === 1 && f.safi === 1) {
    return {
      type: 'UPDATE',
      withdrawn: nlri as unknown as UpdateMessage['withdrawn'],
      attributes: [],
      nlri: [],
    }
  }
  return {
    type: 'UPDATE',
    withdrawn: [],
    attributes: [
      {
        code: 15,
        flags: 0x90,
        name: 'MP_UNREACH_NLRI',
        value: { afi: f.afi, safi: f.safi, family: f.family, nlri },
      },
    ],
    nlri: [],
  }
}

export interface WithdrawalMessage {
  readonly raw: Uint8Array
  readonly message: UpdateMessage
  readonly nlri: readonly Nlri[]
}

/** The UPDATEs withdrawing a batch, split to fit the session's message size. */
export function withdrawalMessages(batch: FamilyNlri, ctx: CodecContext): WithdrawalMessage[] {
  const codec = familyCodec(batch.afi, batch.safi)
  const addPath = ctx.addPath.has(familyKey(batch.afi, batch.safi)) && !codec.opaque
  const max = ctx.extendedMessage ? BGP_MAX_EXTENDED_MESSAGE_LENGTH : BGP_MAX_MESSAGE_LENGTH
  const room = max - (batch.afi === 1 && batch.safi === 1 ? IPV4_OVERHEAD : MP_OVERHEAD)
  const out: WithdrawalMessage[] = []
  let chunk: Nlri[] = []
  let size = 0
  const flush = () => {
    if (!chunk.length) return
    const message = update(batch, chunk)
    out.push({ raw: encodeMessage(message, ctx), message, nlri: chunk })
    chunk = []
    size = 0
  }
  for (const n of batch.nlri) {
    const s = codec.size(n as never) + (addPath ? 4 : 0)
    if (size + s > room) flush()
    chunk.push(n)
    size += s
  }
  flush()
  return out
}
