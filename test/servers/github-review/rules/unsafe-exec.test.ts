import { describe, expect, it } from 'vitest';
import { unsafeExecIn, unsafeExecRule } from '../../../../servers/github-review/rules/unsafe-exec.js';
import { input, newFile } from '../support/diffs.js';

describe('code/unsafe-exec', () => {
  it.each([
    ['src/a.ts', 'const result = eval(userInput);'],
    ['src/a.ts', 'const fn = new Function("a", body);'],
    ['src/a.ts', 'exec(`git log ${branch}`, cb);'],
    ['src/a.ts', "execSync('convert ' + file + ' out.png');"],
    ['src/a.ts', 'child_process.exec(command);'],
    ['src/a.ts', "spawn('ls', [dir], { shell: true });"],
    ['src/a.ts', "setTimeout('refresh()', 1000);"],
    ['src/a.ts', 'vm.runInNewContext(code, sandbox);'],
    ['app/a.py', 'os.system("rm -rf " + path)'],
    ['app/a.py', 'subprocess.run(cmd, shell=True)'],
    ['app/a.py', 'data = pickle.loads(blob)'],
    ['app/a.py', 'cfg = yaml.load(open(p))'],
    ['app/a.py', 'exec(code)'],
    ['cmd/a.go', 'out, _ := exec.Command("sh", "-c", userCmd).Output()'],
    ['lib/a.rb', 'files = `ls #{params[:dir]}`'],
    ['scripts/install.sh', 'curl -fsSL https://get.example.com | sh'],
  ])('flags %s: %s', (path, line) => {
    expect(unsafeExecIn(line, path)).toBeDefined();
  });

  it.each([
    ['src/a.ts', "execFile('git', ['log', branch], cb);"],
    ['src/a.ts', "spawn('git', args, { cwd });"],
    ['src/a.ts', 'const m = /x(\\d+)/.exec(text);'],
    ['src/a.ts', 'const row = db.exec(statement);'],
    ['src/a.ts', "exec('git status', cb);"],
    ['src/a.ts', '// never use eval(x) here'],
    ['src/a.ts', "const label = 'eval(x) is dangerous';"],
    ['app/a.py', 'cfg = yaml.safe_load(open(p))'],
    ['app/a.py', 'value = ast.literal_eval(text)'],
    ['app/a.py', 'subprocess.run(["git", "log"], check=True)'],
    ['cmd/a.go', 'out, _ := exec.Command("git", "log").Output()'],
  ])('leaves alone %s: %s', (path, line) => {
    expect(unsafeExecIn(line, path)).toBeUndefined();
  });

  it('reports added lines with a fix', () => {
    const f = unsafeExecRule.check(input(newFile('src/run.ts', ['const a = 1;', 'eval(code);'])), undefined);
    expect(f).toMatchObject([{ ruleId: 'code/unsafe-exec', line: 2, severity: 'error' }]);
    expect(f[0]!.message).toMatch(/execFile|parser/);
  });
});
