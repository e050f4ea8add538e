/**
 * Runs a program on a pseudo-terminal, as a person at a terminal would: python3's `pty` module
 * gives it a new session whose controlling terminal (`/dev/tty`) is the pty, with standard input
 * and error on the pty and standard output on a pipe (so the credential JSON stays separate). The
 * test scripts the person: each time the terminal shows a pattern, the next reply is typed.
 *
 * @module
 */
import { baseEnv } from "./sentinel.ts";
import { ROOT } from "./tools.ts";

/** What the person saw and what came out. */
export interface PtyRun {
  code: number;
  stdout: string;
  /** Everything written to the terminal (prompts, stderr). */
  terminal: string;
  /** How many of the scripted replies were typed. */
  answered: number;
}

const DRIVER = `
import fcntl, json, os, pty, select, subprocess, sys, termios, threading, time
spec = json.load(sys.stdin)
master, slave = pty.openpty()
def controlling_terminal():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
child = subprocess.Popen(spec["argv"], env=spec["env"], cwd=spec["cwd"], stdin=slave,
    stdout=subprocess.PIPE, stderr=slave, preexec_fn=controlling_terminal, close_fds=True)
os.close(slave)
out = []
reader = threading.Thread(target=lambda: out.append(child.stdout.read()))
reader.start()
seen, mark, answered, closed = b"", 0, 0, False
answers = spec["answers"]
deadline = time.time() + spec["timeout"]
while time.time() < deadline:
    ready, _, _ = select.select([] if closed else [master], [], [], 0.05)
    if ready:
        try:
            data = os.read(master, 4096)
        except OSError:
            data = b""
        closed = data == b""
        seen += data
    if answered < len(answers):
        at = seen.find(answers[answered][0].encode(), mark)
        if at >= 0:
            mark = at + len(answers[answered][0])
            os.write(master, answers[answered][1].encode() + b"\\n")
            answered += 1
    if child.poll() is not None and (closed or not ready):
        break
else:
    child.kill()
child.wait()
reader.join()
print(json.dumps({"code": child.returncode, "stdout": (out[0] if out else b"").decode(),
    "terminal": seen.decode(errors="replace"), "answered": answered}))
`;

/** Runs `argv` on a pty, typing `answers[i][1]` when the terminal shows `answers[i][0]`. */
export async function runOnPty(
  argv: string[],
  options: {
    env?: Record<string, string>;
    answers?: [pattern: string, reply: string][];
    timeoutSeconds?: number;
  } = {},
): Promise<PtyRun> {
  const child = new Deno.Command("python3", {
    args: ["-c", DRIVER],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify({
    argv,
    env: baseEnv(options.env),
    cwd: ROOT,
    answers: options.answers ?? [],
    timeout: options.timeoutSeconds ?? 60,
  })));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const text = new TextDecoder().decode(stdout);
  if (code !== 0) {
    throw new Error(`the pty driver failed (${code}): ${new TextDecoder().decode(stderr)}`);
  }
  return JSON.parse(text);
}
