// Any other webhook that takes JSON: the announcement itself (the generic webhook).
import type { Announcement } from '../message.js'
import type { Channel } from './channel.js'

/** The json format: the announcement itself, with a format version first (docs/runbook.md "Announce"). */
export function jsonPayload(a: Announcement): { version: 1 } & Announcement {
  return { version: 1, ...a }
}

export const jsonChannel: Channel<'json'> = { format: 'json', payload: jsonPayload }
