// Runs the built action (dist/index.js) the way the GitHub runner does: inputs as
// INPUT_<NAME> variables, outputs and the job summary through files.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Parses the `name<<delimiter ... delimiter` records @actions/core writes. @param {string} text */
export function parseOutputs(text) {
  /** @type {Record<string, string>} */
  const out = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (!m) continue
    const value = []
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i])
    out[m[1]] = value.join('\n')
  }
  return out
}

/**
 * @param {Record<string, string>} inputs by their action.yml names
 * @param {{ env?: Record<string, string>, entry?: string, cwd?: string }} [options]
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string, outputs: Record<string, string>, summary: string }>}
 */
export async function runAction(inputs, options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'rr-runner-'))
  try {
    const outputFile = join(dir, 'output')
    const summaryFile = join(dir, 'summary')
    writeFileSync(outputFile, '')
    writeFileSync(summaryFile, '')
    /** @type {Record<string, string>} */
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_WORKSPACE: options.cwd ?? dir,
      RUNNER_TEMP: dir,
      ...options.env,
    }
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
    const child = spawn(process.execPath, [options.entry ?? join(root, 'dist', 'index.js')], {
      env,
      cwd: options.cwd ?? dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const code = await new Promise((res) => child.on('close', res))
    return {
      code: /** @type {number | null} */ (code),
      stdout,
      stderr,
      outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
      summary: readFileSync(summaryFile, 'utf8'),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
