// Reads the registry back with the real npm CLI, as a user would, with its own empty
// config and cache so nothing on the machine leaks into the result.
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const home = mkdtempSync(join(tmpdir(), 'rr-npm-home-'))
writeFileSync(join(home, '.npmrc'), '')

/**
 * `npm view <spec> <field> --json` against the registry; undefined when npm prints nothing.
 * @param {string} registry @param {string} spec @param {string} field
 */
export async function npmView(registry, spec, field) {
  const { stdout } = await run(
    'npm',
    [
      'view',
      spec,
      field,
      '--json',
      '--registry',
      registry,
      '--prefer-online',
      '--userconfig',
      join(home, '.npmrc'),
      '--cache',
      join(home, 'cache'),
    ],
    {
      env: { ...process.env, HOME: home, NODE_OPTIONS: '', npm_config_userconfig: join(home, '.npmrc') },
      timeout: 60_000,
    },
  )
  return stdout.trim() === '' ? undefined : JSON.parse(stdout)
}
