// The event bus between sessions and sinks: its public surface.

export * from './bus.ts'
export * from './types.ts'
