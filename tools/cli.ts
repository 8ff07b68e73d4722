// The `routelake` command: one subcommand per tool, each loaded only when used.

export interface Command {
  readonly summary: string
  run(args: string[]): Promise<number>
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  decode: async () => (await import('./decode.ts')).command,
  bench: async () => (await import('./bench.ts')).command,
  serve: async () => (await import('./serve.ts')).command,
  replay: async () => (await import('./replay.ts')).command,
  mrt: async () => (await import('./mrt.ts')).command,
  synth: async () => (await import('./synth-cmd.ts')).command,
  bmp: async () => (await import('./bmp.ts')).command,
}

function usage(): string {
  return [
    'usage: routelake <command> [options]',
    '',
    'commands:',
    ...Object.keys(COMMANDS).map((name) => `  ${name}`),
    '',
    "run 'routelake <command> --help' for a command's options",
  ].join('\n')
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage())
    return name ? 0 : 2
  }
  const load = COMMANDS[name]
  if (!load) {
    console.error(`routelake: unknown command '${name}'\n\n${usage()}`)
    return 2
  }
  return (await load()).run(rest)
}
