// ExaBGP-compatible JSON output (ExaBGP 4.x process API): its public surface.

export * from './format.ts'
export * from './output.ts'
