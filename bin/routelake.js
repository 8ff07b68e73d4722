#!/usr/bin/env node
// `npx routelake …`: runs the TypeScript command line through tsx's loader, so
// a fresh clone needs no build step.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../tools/cli.ts')
process.exitCode = await main(process.argv.slice(2))
