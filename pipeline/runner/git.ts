/** The source revision a run was made from, for the manifest. */
import { execFileSync } from 'node:child_process';

export interface GitInfo {
  commit: string | null;
  dirty: boolean;
}

/** The current git commit and whether the work tree has uncommitted changes; null commit outside git. */
export function gitInfo(cwd = process.cwd()): GitInfo {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit: null, dirty: false };
  }
}
