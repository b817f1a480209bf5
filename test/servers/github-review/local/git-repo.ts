import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A real temporary git repository for tests. */
export class TempRepo {
  readonly root = mkdtempSync(join(tmpdir(), 'sophia-review-repo-'));

  constructor() {
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.email', 'dev@example.com');
    this.git('config', 'user.name', 'Dev');
    this.git('config', 'commit.gpgsign', 'false');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, {
      cwd: this.root,
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C' },
    });
  }

  write(path: string, content: string): void {
    mkdirSync(dirname(join(this.root, path)), { recursive: true });
    writeFileSync(join(this.root, path), content);
  }

  commit(message: string, files: Record<string, string> = {}, date?: string): void {
    for (const [p, c] of Object.entries(files)) this.write(p, c);
    this.git('add', '-A');
    execFileSync('git', ['commit', '-q', '-m', message], {
      cwd: this.root,
      env: { ...process.env, ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}) },
    });
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
