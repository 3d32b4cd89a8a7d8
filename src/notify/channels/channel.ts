// What one chat platform's webhook channel is (channels/index.ts lists them).
import type { Announcement } from '../message.js'

export interface Channel<F extends string = string> {
  /** its announce-format value */
  readonly format: F
  /** the webhook hosts that mean this platform (announce-format's default for them); `host` is lower case, without a trailing dot */
  readonly forHost?: (host: string) => boolean
  /** the announcement as this platform's webhook takes it */
  readonly payload: (a: Announcement) => unknown
}

/** `host` is `domain` or below it. */
export const under = (host: string, domain: string): boolean => host === domain || host.endsWith(`.${domain}`)
