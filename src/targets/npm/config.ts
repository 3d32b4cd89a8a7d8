// The npm adapter's own input parsing (the adapter itself is src/targets/npm.ts for now).
import validateName from 'validate-npm-package-name'
import { InputError } from '../../core/errors.js'

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
