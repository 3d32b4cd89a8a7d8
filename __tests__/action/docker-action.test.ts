// The built action with target: docker, against the real distribution registry.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startDockerRegistry, type DockerRegistry } from '../support/docker-registry.mjs'
import { fixtureClient, pushRelease, skopeoRaw } from '../support/oci-fixtures.mjs'
import { runAction } from '../support/run-action.mjs'

let registry: DockerRegistry
beforeAll(async () => {
  registry = await startDockerRegistry({ auth: 'htpasswd' })
})
afterAll(async () => {
  await registry?.stop()
})

describe('dist/index.js with target: docker', () => {
  it('moves latest back to the good image, sets the digest outputs, masks the password, and a re-run does nothing', async () => {
    const images = await pushRelease(fixtureClient(registry), 'acme/app', ['1.2.2', '1.2.3'], {
      kind: 'index',
      prefix: 'v',
    })
    const inputs = {
      target: 'docker',
      image: `${registry.host}/acme/app`,
      'tag-prefix': 'v',
      'rollback-version': '1.2.3',
      reason: 'crashes on start',
      'registry-username': registry.user,
      'registry-password': registry.password,
      'create-issue': 'false',
      'commit-report': 'false',
    }
    const run = await runAction(inputs)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({
      status: 'completed',
      'previous-version': '1.2.3',
      'restored-version': '1.2.2',
      moved: 'true',
      deprecated: 'false',
      'previous-digest': images['1.2.3'].digest,
      'restored-digest': images['1.2.2'].digest,
    })
    expect(await skopeoRaw(registry, 'acme/app:latest')).toEqual(images['1.2.2'].bytes)
    expect(run.stdout).toContain(`::add-mask::${registry.password}`)
    expect(run.stdout.split(registry.password).length - 1).toBe(1)
    expect(run.summary).not.toContain(registry.password)

    const again = await runAction(inputs)
    expect(again.outputs).toMatchObject({ status: 'already-done', moved: 'false' })
  })

  it('a missing image names the input', async () => {
    const run = await runAction({
      target: 'docker',
      'rollback-version': '1.2.3',
      reason: 'x',
      'create-issue': 'false',
      'commit-report': 'false',
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::Input 'image': is required with target: docker/)
  })
})
