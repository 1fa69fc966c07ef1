import * as core from '@actions/core';
import { errorMessage } from './errors.js';
import { runMain } from './execute/main.js';
import { runPost } from './execute/post.js';
import { isPost } from './execute/state.js';

/** One bundle serves `main` and `post` (action.yml `post-if: always()`); GITHUB_STATE tells them apart. */
export async function run(): Promise<void> {
  if (isPost()) {
    try {
      await runPost();
    } catch (e) {
      // Cleanup never fails the job.
      core.warning(`Post step: ${errorMessage(e)}`);
    }
    return;
  }
  try {
    await runMain();
  } catch (e) {
    core.setFailed(errorMessage(e));
  }
}
