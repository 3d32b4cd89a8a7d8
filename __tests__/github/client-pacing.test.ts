// The GitHub client's pacing of writes (src/github/client.ts writePacer): a run's handful of
// writes go one after another without the throttle's second (or three) between them, so a
// one-package run is never left idle; the OpenAPI-checked stand-in answers.
import { afterAll, expect, it } from '@jest/globals'
import { createGitHubClient } from '../../src/github/client.js'
import { startGitHubStandin, type GitHubStandin } from '../support/github-standin.mjs'

const quiet = { info: () => {}, warning: () => {}, debug: () => {} }
let github: GitHubStandin | undefined
afterAll(async () => {
  await github?.stop()
})

it('four writes that notify (issues opened), throttle on: no pause of a second between them', async () => {
  github = await startGitHubStandin()
  const gh = createGitHubClient({ token: 'ghs_test-token', baseUrl: github.url, log: quiet })
  const repo = { owner: 'acme', repo: 'widget' }
  const t0 = Date.now()
  for (let i = 0; i < 4; i++) await gh.rest.issues.create({ ...repo, title: `incident ${i}` })
  // plugin-throttling's own limiters would take at least 3 × 3 s here
  expect(Date.now() - t0).toBeLessThan(1500)
  expect(github.state.issues).toHaveLength(4)
  expect(github.violations).toEqual([])
})
