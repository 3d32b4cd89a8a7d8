// The deprecation message template: its default, its placeholders and how it is filled.
// Pure: the planner (src/plan.ts) renders it; src/inputs.ts only validates what the user gave.

export const DEFAULT_DEPRECATION_MESSAGE = '{version} was rolled back: {reason}. Use {restore} instead.'

/** The placeholders a template may use, as `{name}`. */
export const DEPRECATION_PLACEHOLDERS = ['version', 'restore', 'channel', 'reason'] as const

/** Fills the deprecation template; whitespace is folded so the message stays one line. */
export function renderDeprecationMessage(
  template: string,
  values: { version: string; restore: string; channel: string; reason: string },
): string {
  return template
    .replace(/\{(version|restore|channel|reason)\}/g, (_, k: keyof typeof values) => values[k])
    .replace(/\s+/g, ' ')
    .trim()
}
