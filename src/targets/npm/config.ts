// The npm adapter's own input parsing (the adapter itself is src/targets/npm.ts for now).
import semver from 'semver'
import validateName from 'validate-npm-package-name'
import { InputError } from '../../core/errors.js'
import { settingName } from '../../core/settings.js'

/** An npm package name as the registry knows it (old packages' names, capitals, are accepted). */
export function parsePackageName(name: string, raw: string): string {
  const pkg = raw.trim()
  const result = validateName(pkg)
  if (pkg === '' || !result.validForOldPackages) {
    const why = [...(result.errors ?? []), ...(result.warnings ?? [])].join('; ')
    throw new InputError(
      name,
      `${JSON.stringify(raw.slice(0, 80))} is not a valid npm package name${why ? ` (${why})` : ''}.`,
      'give the package name exactly as published, such as acme-widget or @acme/widget.',
    )
  }
  return pkg
}

/** A dist-tag: URL-safe, and not something npm would read as a version range. */
export function parseChannel(name: string, raw: string): string {
  const tag = raw.trim()
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(tag)) {
    throw new InputError(
      name,
      `${JSON.stringify(raw.slice(0, 80))} is not a valid dist-tag.`,
      `use a tag name such as latest, beta, next or canary (letters, digits, '.', '_', '-').`,
    )
  }
  if (semver.validRange(tag) !== null) {
    throw new InputError(
      name,
      `"${tag}" reads as a semver range, which npm refuses as a dist-tag.`,
      `use a tag name such as latest or beta; put versions in ${settingName('rollback-version')} and ${settingName('restore-version')}.`,
    )
  }
  return tag
}
