import type { GitContext } from '../read/context.js';
import { InputError } from '../errors.js';

// What the tag rules can see about the run, derived once from GitContext so that every rule (and
// every template) reads the same branch/tag/sha. Mirrors how metadata-action reads the GitHub
// context, including its two DOCKER_METADATA_* knobs.

export interface EventFacts {
  eventName: string;
  ref: string;
  /** The commit the image is built from: the PR head when DOCKER_METADATA_PR_HEAD_SHA=true. */
  sha: string;
  shortSha: string;
  /** Raw names (unsanitised); '' when the ref is not of that kind. */
  branch: string;
  tag: string;
  /** PR number as text from refs/pull/N/merge, '' otherwise. */
  pr: string;
  baseRef: string;
  defaultBranch: string | undefined;
  isDefaultBranch: boolean;
  now: Date;
  /** Falls back to `now`, like metadata-action does when the payload has no commit date. */
  commitDate: Date;
}

const DEFAULT_SHORT_SHA = 7;

function shortShaLength(env: GitContext['env']): number {
  const raw = env.DOCKER_METADATA_SHORT_SHA_LENGTH;
  if (raw === undefined || raw.trim() === '') return DEFAULT_SHORT_SHA;
  // metadata-action accepts any number; 0 or a fraction would silently produce no sha tag, so we
  // insist on a positive whole number.
  if (!/^\s*[1-9]\d*\s*$/.test(raw)) {
    throw new InputError(
      'DOCKER_METADATA_SHORT_SHA_LENGTH',
      raw,
      'is not a positive whole number',
      'Set the environment variable to the number of sha characters to keep, e.g. 12, or unset it for 7.',
    );
  }
  return Number(raw);
}

function prHeadShaWanted(env: GitContext['env']): boolean {
  const raw = (env.DOCKER_METADATA_PR_HEAD_SHA ?? '').trim();
  if (raw === '' || /^false$/i.test(raw)) return false;
  if (/^true$/i.test(raw)) return true;
  throw new InputError('DOCKER_METADATA_PR_HEAD_SHA', raw, 'is not a boolean', 'Set the environment variable to true or false.');
}

// GitHub only runs these events for the default branch's last commit, so metadata-action's
// `is_default_branch` answers true for them whatever the ref says.
const DEFAULT_BRANCH_EVENTS = /create|discussion|issues|schedule/;

export function eventFacts(git: GitContext): EventFacts {
  let sha = git.sha;
  if (prHeadShaWanted(git.env) && /pull_request/.test(git.eventName) && git.prHeadSha) sha = git.prHeadSha;
  const len = shortShaLength(git.env);

  const branch = git.ref.startsWith('refs/heads/') ? git.ref.slice('refs/heads/'.length) : '';
  const tag = git.ref.startsWith('refs/tags/') ? git.ref.slice('refs/tags/'.length) : '';
  const pr = git.ref.startsWith('refs/pull/') ? git.ref.slice('refs/pull/'.length).replace(/\/merge$/, '') : '';

  // metadata-action strips refs/heads/ and compares the rest, so a tag or PR ref never equals the
  // default branch; but the rest is non-empty, so the event-name shortcut still applies to it.
  const rest = git.ref.replace(/^refs\/heads\//, '');
  const isDefaultBranch =
    rest !== '' && ((git.defaultBranch !== undefined && rest === git.defaultBranch) || DEFAULT_BRANCH_EVENTS.test(git.eventName));

  return {
    eventName: git.eventName,
    ref: git.ref,
    sha,
    shortSha: sha.slice(0, len),
    branch,
    tag,
    pr,
    // Only PR events carry GITHUB_BASE_REF; metadata-action also reads a push payload's base_ref
    // for tags, which GitContext does not keep (and its README advises against relying on).
    baseRef: pr !== '' ? (git.baseRef ?? '') : '',
    defaultBranch: git.defaultBranch,
    isDefaultBranch,
    now: git.now,
    commitDate: git.commitDate ?? git.now,
  };
}

/** Values of the `{{...}}` names usable in `value`, `prefix`, `suffix`, `enable` and labels. */
export function globals(ev: EventFacts): Record<string, string> {
  return {
    branch: ev.branch,
    tag: ev.tag,
    sha: ev.shortSha,
    base_ref: ev.baseRef,
    is_default_branch: String(ev.isDefaultBranch),
    is_not_default_branch: String(!ev.isDefaultBranch),
  };
}
