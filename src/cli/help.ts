// The CLI's --help, made from the flags table (src/cli/flags.ts): the options' lines come from the table, the
// prose around them is written here.
import { FREEZE_FLAGS, ROLLBACK_FLAGS, renderRows } from './flags.js'

const HEADER = `release-rollback: undo a bad release - npm packages, images, Helm releases, git tags (the same rollback as the GitHub Action)

Usage:
  release-rollback --rollback <bad> --reason <why> [options]

Options (defaults in brackets):
`

const AFTER_OPTIONS = `Tokens never come from flags (they would land in your shell history):
  npm     NPM_TOKEN, else NODE_AUTH_TOKEN, else the registry's _authToken in .npmrc; else, inside
          a GitHub Actions job with id-token: write, trusted publishing (OIDC, a token per package),
          which npm allows for publishing only (--strategy republish --no-deprecate). With npm
          login's session token, each write asks for your approval (see --otp)
  GitHub  GITHUB_TOKEN (with --repo; git-tag targets need both); GitHub Enterprise Server: GITHUB_SERVER_URL (API at its /api/v3, or GITHUB_API_URL)
  Docker  REGISTRY_USERNAME and REGISTRY_PASSWORD, else what docker login wrote
  Helm    helm's own: $KUBECONFIG or ~/.kube/config
  Announce ANNOUNCE_WEBHOOK: a Slack, Discord or Teams webhook (or any URL taking JSON) that gets
           a message when the rollback starts and when it ends (not in a dry run)
Without --repo or GITHUB_TOKEN the report is written to ./incidents/ of the current git
checkout and the issue text is printed for you to paste.

Exit codes: 0 done or already done, 1 failed, 2 bad input, 3 partial (re-run to finish).
Without --yes and nobody to answer the question (stdin is not a terminal), nothing changes: exit 2.

Release freeze (before publishing):
  release-rollback freeze-check --package <name> [--channel latest] --repo <owner/name>
  Needs GITHUB_TOKEN (issues: read). Frozen while a rollback's tracking issue for that
  package and channel is open (opened by the token's identity or github-actions[bot]),
  until it is closed or labelled release-freeze-override.
`

const AFTER_FREEZE = `  Exit codes: 0 not frozen, 4 frozen, 1 the check failed, 2 bad input.

Hand-off (a rollback the action planned and left to a maintainer, status awaiting-approval):
  release-rollback resume <incident-id> --repo <owner/name>
  Needs GITHUB_TOKEN (contents: write, issues: write) and your npm credentials (npm login, or
  NPM_TOKEN). Reads the incident record, reads the registry again, and performs exactly the
  recorded plan, asking you to approve each write (or --otp <code>); refuses with nothing
  written when the registry changed since the hand-off (a fix published, a channel moved
  elsewhere). Comments on the tracking issue, updates the report, announces (ANNOUNCE_WEBHOOK).
  The plan's registry must be yours (--registry, or as npm finds it): a record naming another
  is refused before your npm token is used.
  --registry, --otp, --approval-timeout, --yes, --json, --report-dir, --report-branch, --issue-labels as above.
  Exit codes: 0 done (or already resumed: nothing to do), 1 refused or failed, 2 bad input,
  3 partial (run resume again). Exit code 5: a run ended awaiting-approval (handed off).
`

export const HELP = `${HEADER}${renderRows(ROLLBACK_FLAGS)}\n${AFTER_OPTIONS}${renderRows(FREEZE_FLAGS)}${AFTER_FREEZE}`
