// The native runtime's spawner: a small process that starts crun for emu's
// daemon and reports what becomes of it (see spawner.ts, the daemon's side).
// Starting a process forks its parent first, and a fork costs what the parent
// has mapped: the daemon, with hundreds of pods, pays milliseconds each time;
// this process, small and idle, pays a fraction of one.
//
// Plain JavaScript (no loader, so it starts in tens of milliseconds). One JSON
// message per line both ways:
//   in:  {op:'spawn', id, file, args, stdin:'pipe'|'ignore', stdout:'pipe'|{path}, stderr:{path}}
//        (a {path} is opened for appending, mode 0600, given to `owner` [uid, gid] if set)
//        {op:'write', id, data (base64)}  {op:'end', id}  {op:'kill', id, signal}
//   out: {ev:'stdout', id, data (base64)}
//        {ev:'exit', id, code, signal}  {ev:'error', id, message}
// It ends when its stdin does (the daemon went); what it started is the node's.
import { spawn } from 'node:child_process';
import { closeSync, fchownSync, openSync } from 'node:fs';
import { createInterface } from 'node:readline';

const children = new Map();
const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

function open(target, opened) {
  if (typeof target === 'string') return target;
  const fd = openSync(target.path, 'a', 0o600);
  opened.push(fd);
  if (target.owner) fchownSync(fd, target.owner[0], target.owner[1]);
  return fd;
}

function start(m) {
  const opened = [];
  let child;
  try {
    child = spawn(m.file, m.args, { stdio: [m.stdin, open(m.stdout, opened), open(m.stderr, opened)] });
  } catch (error) {
    return send({ ev: 'error', id: m.id, message: error.message });
  } finally {
    for (const fd of opened) closeSync(fd);
  }
  children.set(m.id, child);
  child.stdin?.on('error', () => undefined); // the process may end before what is written reaches it
  child.stdout?.on('data', (data) => send({ ev: 'stdout', id: m.id, data: data.toString('base64') }));
  child.once('error', (error) => {
    children.delete(m.id);
    send({ ev: 'error', id: m.id, message: error.message });
  });
  // 'close': the process has ended and what it wrote has been sent.
  child.once('close', (code, signal) => {
    children.delete(m.id);
    send({ ev: 'exit', id: m.id, code, signal });
  });
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  const child = children.get(m.id);
  if (m.op === 'spawn') start(m);
  else if (m.op === 'write') child?.stdin?.write(Buffer.from(m.data, 'base64'));
  else if (m.op === 'end') child?.stdin?.end();
  else if (m.op === 'kill') child?.kill(m.signal);
});
process.stdin.on('end', () => process.exit(0));
