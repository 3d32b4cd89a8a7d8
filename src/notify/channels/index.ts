// The one list of announcement channels: a new platform adds its file here and one line below.
import type { Announcement } from '../message.js'
import { discordChannel } from './discord.js'
import { jsonChannel } from './json.js'
import { slackChannel } from './slack.js'
import { teamsChannel } from './teams.js'

/** Every channel, in the order a webhook host is matched; json (any webhook) last, the default. */
export const CHANNELS = [slackChannel, discordChannel, teamsChannel, jsonChannel] as const

export type AnnounceFormat = (typeof CHANNELS)[number]['format']

/** The channels' announce-format values. */
export const ANNOUNCE_FORMATS: readonly AnnounceFormat[] = CHANNELS.map((c) => c.format)

/** The channel of a webhook host: the first that claims it, else json. */
export function channelForHost(host: string): AnnounceFormat {
  return CHANNELS.find((c) => c.forHost?.(host))?.format ?? jsonChannel.format
}

export function payloadFor(format: AnnounceFormat, a: Announcement): unknown {
  return (CHANNELS.find((c) => c.format === format) ?? jsonChannel).payload(a)
}

export { slackChar, slackPayload } from './slack.js'
export { DISCORD_MAX, discordPayload } from './discord.js'
export { teamsPayload } from './teams.js'
export { jsonPayload } from './json.js'
