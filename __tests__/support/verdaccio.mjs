// Starts a real Verdaccio npm registry on 127.0.0.1 on a free port, in a child process
// with its own temporary storage and no uplinks (nothing ever leaves this machine).
// Used by the test suite, the demo and the benchmark.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

/** @returns {Promise<number>} a port that was free a moment ago on 127.0.0.1 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address())
      srv.close(() => resolve(port))
    })
  })
}

/**
 * @typedef {{ url: string, port: number, token: string, user: string, dir: string,
 *   stop: () => Promise<void>, output: () => string }} Registry
 */

/**
 * @param {{ user?: string, password?: string }} [options]
 * @returns {Promise<Registry>}
 */
export async function startVerdaccio(options = {}) {
  const user = options.user ?? 'release-bot'
  const password = options.password ?? 'not-a-secret-password'
  const dir = mkdtempSync(join(tmpdir(), 'rr-verdaccio-'))
  const port = await freePort()
  const config = [
    `storage: ${JSON.stringify(join(dir, 'storage'))}`,
    'auth:',
    '  htpasswd:',
    `    file: ${JSON.stringify(join(dir, 'htpasswd'))}`,
    '    max_users: 100',
    // bcrypt would be re-verified on every request (~90 ms): that measures Verdaccio, not us
    '    algorithm: sha1',
    'uplinks: {}',
    'packages:',
    "  '**':",
    '    access: $all',
    '    publish: $authenticated',
    '    unpublish: $authenticated',
    'max_body_size: 200mb',
    'web:',
    '  enable: false',
    'log: { type: stdout, format: pretty, level: warn }',
    '',
  ].join('\n')
  const configPath = join(dir, 'config.yaml')
  writeFileSync(configPath, config)

  const bin = join(dirname(require.resolve('verdaccio/package.json')), 'bin', 'verdaccio')
  const child = spawn(process.execPath, [bin, '--config', configPath, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  })
  let output = ''
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  const exited = new Promise((resolve) => child.once('exit', resolve))

  const url = `http://127.0.0.1:${port}/`
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    rmSync(dir, { recursive: true, force: true })
  }

  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) {
      await stop()
      throw new Error(`Verdaccio exited with ${child.exitCode} before it was ready:\n${output}`)
    }
    try {
      const res = await fetch(`${url}-/ping`)
      if (res.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`Verdaccio did not answer on ${url} within 60 s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }

  const res = await fetch(`${url}-/user/org.couchdb.user:${encodeURIComponent(user)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: user, password }),
  })
  const body = /** @type {{ token?: string }} */ (await res.json())
  if (!res.ok || !body.token) {
    await stop()
    throw new Error(`could not create the Verdaccio user: ${res.status} ${JSON.stringify(body)}`)
  }
  return { url, port, token: body.token, user, dir, stop, output: () => output }
}
