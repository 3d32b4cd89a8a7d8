// The announce step's own inputs: announce-webhook (a secret URL) and announce-format,
// parsed and checked before anything is written. Pure: no I/O, no @actions/*. No message
// here ever contains the webhook URL, not even a piece of it: the URL is the secret.
import type { InputReader } from '../core/reader.js'
import { InputError } from '../core/errors.js'

import { ANNOUNCE_FORMATS, channelForHost, type AnnounceFormat } from './channels/index.js'

export { ANNOUNCE_FORMATS, type AnnounceFormat } from './channels/index.js'

export interface AnnounceInputs {
  /** the webhook URL, as given (trimmed): a secret */
  webhook: string
  format: AnnounceFormat
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])
const MAX_URL = 2048

/** hooks.slack.com → slack; discord.com, discordapp.com → discord; Teams and Power Automate workflow hosts → teams; anything else json. */
export function formatForHost(hostname: string): AnnounceFormat {
  return channelForHost(hostname.toLowerCase().replace(/\.$/, ''))
}

/**
 * The announce inputs; undefined when announce-webhook is empty (no announcements). The
 * URL must be https (plain http only on loopback, for a local receiver), carry no user
 * name or password, and is never echoed in an error.
 */
export function readAnnounceInputs(get: InputReader): AnnounceInputs | undefined {
  const rawFormat = get('announce-format').trim().toLowerCase()
  if (rawFormat !== '' && !(ANNOUNCE_FORMATS as readonly string[]).includes(rawFormat)) {
    throw new InputError(
      'announce-format',
      `"${get('announce-format').trim().slice(0, 40)}" is not a format.`,
      'use slack, discord, teams or json, or leave it empty to go by the webhook host.',
    )
  }
  const webhook = get('announce-webhook').trim()
  if (webhook === '') return undefined
  const fix =
    'give the webhook URL exactly as the service shows it (https://hooks.slack.com/services/…, https://discord.com/api/webhooks/…, a Teams workflow URL, or any https URL that takes JSON).'
  if (webhook.length > MAX_URL)
    throw new InputError('announce-webhook', `is ${webhook.length} characters long; the limit is ${MAX_URL}.`, fix)
  if (/[\s\u0000-\u001f\u007f]/.test(webhook))
    throw new InputError('announce-webhook', 'contains whitespace or control characters.', fix)
  let url: URL
  try {
    url = new URL(webhook)
  } catch {
    throw new InputError('announce-webhook', 'is not a URL.', fix)
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new InputError(
      'announce-webhook',
      `is not an https URL (${url.protocol.replace(/:$/, '').slice(0, 20)}; plain http only for a receiver on 127.0.0.1, ::1 or localhost).`,
      fix,
    )
  }
  if (url.username !== '' || url.password !== '')
    throw new InputError(
      'announce-webhook',
      'has a user name or password in it.',
      'put the credentials in the URL the service gives you (its path or query), not before the host.',
    )
  if (url.hash !== '') throw new InputError('announce-webhook', 'has a #fragment, which is never sent.', fix)
  return { webhook, format: (rawFormat as AnnounceFormat) || formatForHost(url.hostname) }
}
