// The request's plain parsers: one input each, checked and normalised, an InputError naming
// the input and the fix for anything else. No kind's settings here (those are in
// src/targets/<kind>/config.ts). Pure: no I/O.
import semver from 'semver'
import { DURATION_UNITS, parseDuration } from '../core/duration.js'
import { DEFAULT_DEPRECATION_MESSAGE, DEPRECATION_PLACEHOLDERS } from '../core/deprecation.js'
import { InputError } from '../core/errors.js'
import { currentDialect, settingName } from '../core/settings.js'

export const MAX_REASON_LENGTH = 1000
const PLACEHOLDERS = DEPRECATION_PLACEHOLDERS

/** The incident ids this tool makes (src/plan.ts incidentId): rr- and 16 hex digits. */
export function parseIncidentId(name: string, raw: string): string | undefined {
  const v = raw.trim()
  if (v === '') return undefined
  if (!/^rr-[0-9a-f]{16}$/i.test(v)) {
    throw new InputError(
      name,
      `${JSON.stringify(v.slice(0, 60))} is not an incident id.`,
      `give the incident id of the rollback you undo (rr- and 16 hex digits, as its tracking issue and report show it)${currentDialect() === 'action' ? ', or leave it empty' : ''}.`,
    )
  }
  return v.toLowerCase()
}

export function parseBoolean(name: string, raw: string, fallback: boolean): boolean {
  const v = raw.trim()
  if (v === '') return fallback
  if (['true', 'True', 'TRUE'].includes(v)) return true
  if (['false', 'False', 'FALSE'].includes(v)) return false
  throw new InputError(name, `"${v}" is not a boolean.`, `use true or false.`)
}

/** A version as the user typed it: `v1.2.3` is accepted and normalised to `1.2.3`. */
export function parseVersion(name: string, raw: string): string {
  const v = raw.trim().replace(/^[vV](?=\d)/, '')
  if (v.length > 256 || semver.valid(v) === null) {
    throw new InputError(
      name,
      `${JSON.stringify(raw.slice(0, 80))} is not an exact semantic version.`,
      `give one exact version such as 1.2.3 or 2.0.0-beta.1 (no ranges, no tags).`,
    )
  }
  return v
}

/** An ISO-8601 time with a zone (as GitHub's run_started_at), normalised to UTC. */
export function parsePublishedAfter(name: string, raw: string): string | undefined {
  const v = raw.trim()
  if (v === '') return undefined
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/.test(v) ? Date.parse(v) : NaN
  if (Number.isNaN(ms)) {
    throw new InputError(
      name,
      `${JSON.stringify(v.slice(0, 60))} is not an ISO-8601 time with a time zone.`,
      'use a time such as 2026-11-21T14:00:00Z (github.event.workflow_run.run_started_at and updated_at have this form).',
    )
  }
  return new Date(ms).toISOString()
}

/** A full commit SHA (40 hex, any case), normalised to lower case; undefined when empty. */
export function parseCommit(name: string, raw: string): string | undefined {
  const v = raw.trim()
  if (v === '') return undefined
  if (!/^[0-9a-fA-F]{40}$/.test(v)) {
    throw new InputError(
      name,
      `${JSON.stringify(v.slice(0, 60))} is not a full 40-character commit SHA.`,
      'give the full commit the release was built from, such as github.sha or github.event.workflow_run.head_sha (not a branch, a tag or a short SHA), or leave it empty.',
    )
  }
  return v.toLowerCase()
}

/** the longest max-age: a year (beyond that, leave it empty for no limit) */
export const MAX_AGE_LIMIT_MS = 8760 * 3_600_000

/**
 * max-age: a duration (core/duration.ts: `24h`, `90m`, `1h30m`, `1.5h`, `2d`) in
 * milliseconds; undefined when empty (no limit). More than zero, at most a year (8760h).
 */
export function parseMaxAge(name: string, raw: string): number | undefined {
  if (raw.trim() === '') return undefined
  const empty = currentDialect() === 'action' ? `leave ${settingName(name)} empty` : `leave out ${settingName(name)}`
  return parseDuration(name, raw, {
    max: MAX_AGE_LIMIT_MS,
    maxText: 'a year (8760h)',
    fix: `use a duration such as 24h, 90m, 1h30m or 2d (units ${DURATION_UNITS}; at most 8760h), or ${empty} for no limit.`,
  })
}

/**
 * Text that goes into the deprecation message, the issue, the report and the logs: no C0
 * or C1 control characters (tab and newline excepted), no DEL, and no bidirectional
 * controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C), which can hide or
 * reorder what a reader sees. A Windows line end (CRLF) is read as a newline.
 */
export function checkPlainText(name: string, raw: string, what: string): string {
  const text = raw.replace(/\r\n/g, '\n')
  const control = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.exec(text)
  const bidi = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/.exec(text)
  const found = control && bidi ? (control.index < bidi.index ? control : bidi) : (control ?? bidi)
  if (found) {
    const code = `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`
    throw new InputError(
      name,
      `contains ${found === bidi ? 'bidirectional ' : ''}control characters (${code} at character ${found.index + 1}).`,
      `remove them and use plain text (newlines and tabs are fine): they can hide or reorder text in ${what}.`,
    )
  }
  return text
}

export function parseReason(name: string, raw: string): string {
  const reason = raw.trim()
  if (reason === '') {
    throw new InputError(
      name,
      'is empty.',
      'say in a sentence why the release is rolled back; it goes into the deprecation message and the incident record.',
    )
  }
  if (reason.length > MAX_REASON_LENGTH) {
    throw new InputError(
      name,
      `is ${reason.length} characters long; the limit is ${MAX_REASON_LENGTH}.`,
      'keep the reason to a few sentences and put the details in the tracking issue.',
    )
  }
  return checkPlainText(name, reason, 'the deprecation message, the issue, the report and the logs')
}

export function parseDeprecationMessage(name: string, raw: string): string {
  const template =
    checkPlainText(name, raw.trim(), 'the deprecation message npm shows on every install') ||
    DEFAULT_DEPRECATION_MESSAGE
  for (const m of template.matchAll(/\{([^}]*)\}/g)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(m[1])) {
      throw new InputError(
        name,
        `has an unknown placeholder {${m[1]}}.`,
        `use only ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}.`,
      )
    }
  }
  return template
}
