// The docker kind's smoke hook (src/core/target.ts Target.smoke): the command runs in an empty
// temporary folder with IMAGE set to the restore image by digest (`<registry>/<repository>@sha256:…`),
// exactly the manifest the channel will hold, and VERSION to its tag.
import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { settingName } from '../../core/settings.js'
import type { SmokeRun } from '../../core/target.js'
import { check, SmokeTestError, smokeEnv, tempRoot } from '../../incident/smoke-kit.js'
import { runProcess } from '../../incident/smoke-process.js'

/** What the hook needs of the image (the adapter, src/targets/docker/target.ts, gives it). */
export interface SmokeImage {
  /** the repository, `<registry>/<repository>` */
  readonly name: string
  /** the digest the tag of `version` points at (undefined: no such tag) */
  digestOf(version: string): Promise<string | undefined>
}

/** Smoke-tests the image of `run.version` by digest. */
export async function smokeImage(image: SmokeImage, run: SmokeRun): Promise<void> {
  const digest = await image.digestOf(run.version)
  if (!digest)
    throw new SmokeTestError(
      `${run.name}:${run.version}`,
      'could not start: the registry has no digest for that tag',
      `check that the restore version is pushed, or pass another ${settingName('restore-version')}.`,
      [],
    )
  const ref = `${image.name}@${digest}`
  const dir = mkdtempSync(join(tempRoot(run.env), 'release-rollback-smoke-'))
  try {
    run.log.info(
      `${run.label}Smoke test: running the ${settingName('smoke-test')} command with IMAGE=${ref} (${run.version})…`,
    )
    const ran = await runProcess(run.command, [], {
      cwd: dir,
      env: smokeEnv(run.env, { IMAGE: ref, VERSION: run.version }),
      shell: true,
      deadline: run.deadline,
      log: run.log,
      prefix: `${run.label}  │ `,
      scrub: run.secrets,
    })
    check(ran, ref, 'running the smoke-test command', run.timeout)
    run.log.info(`✔ ${run.label}Smoke test passed: ${ref}.`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
