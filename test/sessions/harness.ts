// A collector's sessions on a free loopback port, with a real RIB and bus,
// for the session tests. Everything it starts, `close()` stops.

import { familyByName } from '../../collector/src/bgp/index.ts'
import { type BusEvent, EventBus } from '../../collector/src/events/index.ts'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { createRib, type Rib } from '../../collector/src/rib/index.ts'
import {
  type Clock,
  createSessions,
  type LocalSpeaker,
  type PeerSettings,
  type SessionDeps,
  type Sessions,
  systemClock,
} from '../../collector/src/session/index.ts'

export const LOCAL: LocalSpeaker = {
  asn: 65000,
  routerId: '192.0.2.254',
  hostname: 'rl-test',
  domain: '',
  softwareVersion: 'Routelake test',
}

export function peerSettings(over: Partial<PeerSettings> = {}): PeerSettings {
  return {
    asn: 64500,
    families: ['ipv4-unicast', 'ipv6-unicast'].map((n) => familyByName(n)!),
    addPath: true,
    holdTime: 90,
    gracefulRestart: true,
    ...over,
  }
}

export interface Harness {
  readonly sessions: Sessions
  readonly rib: Rib
  readonly bus: EventBus
  readonly events: BusEvent[]
  readonly logs: string[]
  readonly port: number
  /** Waits until the condition holds (polling), or throws after the timeout. */
  until(what: string, cond: () => boolean, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export async function startHarness(
  peers: readonly PeerSettings[],
  options: { clock?: Clock; deps?: Partial<SessionDeps>; host?: string } = {},
): Promise<Harness> {
  const rib = createRib()
  const bus = new EventBus()
  const events: BusEvent[] = []
  const sub = bus.subscribe('test', (e) => {
    events.push(e)
  })
  const logger = memoryLogger()
  const sessions = createSessions(peers, {
    clock: options.clock ?? systemClock(),
    logger,
    bus,
    rib,
    local: LOCAL,
    host: 'rl-test',
    ...options.deps,
  })
  sessions.start()
  const [bound] = await sessions.listen([{ host: options.host ?? '127.0.0.1', port: 0 }])
  return {
    sessions,
    rib,
    bus,
    events,
    logs: logger.lines,
    port: bound!.port,
    async until(what, cond, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs
      while (!cond()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
        await new Promise((r) => setTimeout(r, 10))
      }
      await sub.drained()
    },
    async close() {
      await sessions.stop('test over')
      sub.close()
    },
  }
}
