// Starts a real distribution registry (Debian's `docker-registry`, distribution v2.8) on
// 127.0.0.1 on a free port, in a child process with its own temporary storage. Auth is
// htpasswd (Basic, bcrypt entries), token (Bearer, trusting a token server started with
// startTokenServer from ./oci-token-server.mjs), or none.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './verdaccio.mjs'

const require = createRequire(import.meta.url)

export const MISSING_BINARIES = 'install docker-registry and skopeo (apt-get install docker-registry skopeo)'

/** @param {string} name */
export function onPath(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Throws the message the suite fails with when the registry or skopeo is not installed. */
export function requireRegistryBinaries() {
  const missing = ['docker-registry', 'skopeo'].filter((b) => !onPath(b))
  if (missing.length > 0) throw new Error(`${MISSING_BINARIES}: ${missing.join(' and ')} not found on PATH.`)
}

/**
 * A bcrypt htpasswd line. docker-registry accepts only bcrypt entries. bcryptjs is already
 * in node_modules (a dependency of Verdaccio); `htpasswd -B` (apache2-utils) is the fallback.
 * Cost 4, the minimum: the registry checks the hash on every request.
 * @param {string} user @param {string} password
 */
export function htpasswdLine(user, password) {
  try {
    const bcrypt = require('bcryptjs')
    return `${user}:${bcrypt.hashSync(password, bcrypt.genSaltSync(4))}`
  } catch {
    if (!onPath('htpasswd'))
      throw new Error(
        'neither bcryptjs (node_modules) nor htpasswd (apt-get install apache2-utils) is available to write a bcrypt htpasswd entry.',
      )
    return execFileSync('htpasswd', ['-nbB', '-C', '4', user, password], { encoding: 'utf8' }).trim()
  }
}

/**
 * @typedef {{ url: string, host: string, port: number, user: string, password: string,
 *   dir: string, auth: 'htpasswd' | 'token' | 'none', stop: () => Promise<void>, output: () => string }} DockerRegistry
 */

/**
 * @param {{ auth?: 'htpasswd' | 'token' | 'none', user?: string, password?: string,
 *   token?: { realm: string, service: string, issuer: string, certPath: string } }} [options]
 * @returns {Promise<DockerRegistry>}
 */
export async function startDockerRegistry(options = {}) {
  requireRegistryBinaries()
  const auth = options.auth ?? 'htpasswd'
  const user = options.user ?? 'release-bot'
  const password = options.password ?? 'not-a-secret-password'
  const dir = mkdtempSync(join(tmpdir(), 'rr-docker-registry-'))
  const port = await freePort()

  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(join(dir, 'storage'))}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    // the secret that signs upload state; fixed so the registry does not warn about it
    '  secret: rr-test-registry-secret',
  ]
  if (auth === 'htpasswd') {
    const htpasswd = join(dir, 'htpasswd')
    writeFileSync(htpasswd, `${htpasswdLine(user, password)}\n`)
    lines.push('auth:', '  htpasswd:', '    realm: rr-test-registry', `    path: ${JSON.stringify(htpasswd)}`)
  } else if (auth === 'token') {
    const t = options.token
    if (!t) throw new Error("auth: 'token' needs the token server's realm, service, issuer and certPath")
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${JSON.stringify(t.realm)}`,
      `    service: ${JSON.stringify(t.service)}`,
      `    issuer: ${JSON.stringify(t.issuer)}`,
      `    rootcertbundle: ${JSON.stringify(t.certPath)}`,
    )
  }
  const configPath = join(dir, 'config.yml')
  writeFileSync(configPath, `${lines.join('\n')}\n`)

  const child = spawn('docker-registry', ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.once('error', (e) => (output += `\nspawn failed: ${e.message}`))

  const host = `127.0.0.1:${port}`
  const url = `http://${host}`
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    rmSync(dir, { recursive: true, force: true })
  }

  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop()
      throw new Error(
        `docker-registry exited with ${child.exitCode ?? child.signalCode} before it was ready:\n${output}`,
      )
    }
    try {
      const res = await fetch(`${url}/v2/`)
      await res.arrayBuffer()
      if (res.status === 200 || res.status === 401) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`docker-registry did not answer on ${url} within 20 s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  return { url, host, port, user, password, dir, auth, stop, output: () => output }
}
