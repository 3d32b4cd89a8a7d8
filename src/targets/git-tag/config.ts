// The git-tag adapter's own input parsing: the name of a git tag (the adapter itself is
// being written separately).
import { InputError } from '../../core/errors.js'

/** The longest tag name accepted (git allows more; nobody needs it). */
const MAX_TAG_NAME = 200

/**
 * A git tag name, by `git check-ref-format` for `refs/tags/<name>` (a leading `refs/tags/`
 * is dropped): no space, control character, `~ ^ : ? * [ \`, `..`, `@{`, `//`; no component
 * that starts with `.` or ends with `.lock`; not `@`, not starting with `-` or `/`, not
 * ending with `/` or `.`. And no semver range syntax (`1.x`, `>=1`, `1 || 2`): a tag that
 * reads as a range is a mistake for a version. A partial version is a tag name here:
 * `v1` and `v1.2` are the usual moving major and minor tags.
 */
export function parseGitTagName(name: string, raw: string): string {
  const v = raw.trim().replace(/^refs\/tags\//, '')
  const shown = JSON.stringify(raw.trim().slice(0, 80))
  const fix =
    'give the tag name as `git tag --list` shows it, such as v1 or stable (no spaces, no "..", none of ~ ^ : ? * [ \\).'
  const bad = /[\u0000-\u0020\u007f~^:?*[\\]/.exec(v)
  if (v === '') throw new InputError(name, 'names no git tag.', fix)
  if (v.length > MAX_TAG_NAME)
    throw new InputError(name, `${shown} is ${v.length} characters long; the limit is ${MAX_TAG_NAME}.`, fix)
  if (bad)
    throw new InputError(
      name,
      `${shown} is not a git tag name: it contains ${bad[0] === ' ' ? 'a space' : /[\u0000-\u001f\u007f]/.test(bad[0]) ? 'a control character' : `"${bad[0]}"`}.`,
      fix,
    )
  const problem = v.includes('..')
    ? 'contains ".."'
    : v.includes('@{')
      ? 'contains "@{"'
      : v === '@'
        ? 'is "@"'
        : v.startsWith('-')
          ? 'starts with "-"'
          : v.startsWith('/') || v.endsWith('/') || v.includes('//')
            ? 'has an empty path component'
            : v.endsWith('.')
              ? 'ends with "."'
              : v.split('/').some((c) => c.startsWith('.'))
                ? 'has a component that starts with "."'
                : v.split('/').some((c) => c.endsWith('.lock'))
                  ? 'has a component that ends with ".lock"'
                  : undefined
  if (problem) throw new InputError(name, `${shown} is not a git tag name: it ${problem}.`, fix)
  if (/[<>=|]/.test(v) || (/^[vV]?(\d+|[xX])(\.(\d+|[xX])){0,2}$/.test(v) && /[xX]/.test(v))) {
    throw new InputError(
      name,
      `${shown} reads as a semver range, not a tag name.`,
      'give the moving tag itself, such as v1, v1.2 or stable.',
    )
  }
  return v
}
