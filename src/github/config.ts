// The GitHub bookkeeping's own input, report-dir: parsed and checked here, before anything
// is read or written, and the report's path inside that folder. Pure: no I/O, no @actions/*.
import { createHash } from 'node:crypto'
import { InputError } from '../core/errors.js'

const MAX_REPORT_DIR = 200

/**
 * Validates the report-dir input: a relative folder inside the repository, forward
 * slashes, segments of [A-Za-z0-9._-], no `.`/`..` segments. `./incidents/` becomes
 * `incidents`. The caller applies the default (`incidents`) before calling.
 */
export function parseReportDir(input: string, raw: string): string {
  const fix =
    'give a folder relative to the repository root, such as incidents or docs/incidents (letters, digits, ".", "_", "-", separated by "/").'
  const shown = JSON.stringify(raw.slice(0, 80))
  const value = raw.trim()
  if (value === '') throw new InputError(input, 'is empty.', fix)
  if (value.includes('\\')) throw new InputError(input, `${shown} contains a backslash.`, fix)
  if (value.startsWith('/')) throw new InputError(input, `${shown} is an absolute path.`, fix)
  const segments = value.split('/').filter((s, i, all) => s !== '' || (i !== all.length - 1 && i !== 0))
  const withoutDot = segments[0] === '.' ? segments.slice(1) : segments
  for (const s of withoutDot) {
    if (s === '') throw new InputError(input, `${shown} contains an empty segment ("//").`, fix)
    if (s === '.' || s === '..') throw new InputError(input, `${shown} contains a "${s}" segment.`, fix)
    if (s.toLowerCase() === '.git') throw new InputError(input, `${shown} points into .git.`, fix)
    if (!/^[A-Za-z0-9._-]+$/.test(s))
      throw new InputError(
        input,
        `${shown} contains characters other than letters, digits, ".", "_", "-" and "/".`,
        fix,
      )
  }
  const dir = withoutDot.join('/')
  if (dir === '') throw new InputError(input, `${shown} is the repository root.`, fix)
  if (dir.length > MAX_REPORT_DIR)
    throw new InputError(input, `is ${dir.length} characters long; the limit is ${MAX_REPORT_DIR}.`, fix)
  return dir
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/^@/, '')
    .replace(/\//g, '__')
    .replace(/[^a-z0-9._-]/g, '-')

/**
 * `<report-dir>/rollback-<slug>-<version>.md`; `@acme/widget` becomes `acme__widget`.
 * A channel other than `latest` is added (`…-1.2.3-beta.md`) so that rolling the same
 * bad version back on two channels makes two reports, as it makes two incidents.
 */
export function reportPath(reportDir: string, packageName: string, version: string, channel = 'latest'): string {
  const dir = parseReportDir('report-dir', reportDir)
  let name = `${slug(packageName)}-${slug(version)}${channel === 'latest' ? '' : `-${slug(channel)}`}`
  if (name.length > 180) {
    const hash = createHash('sha256')
      .update(JSON.stringify([packageName, version, channel]))
      .digest('hex')
      .slice(0, 12)
    name = `${name.slice(0, 160)}-${hash}`
  }
  return `${dir}/rollback-${name}.md`
}
