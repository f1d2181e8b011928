import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EmuError } from '../errors.ts';

export const EMU_BIN = fileURLToPath(new URL('../../bin/emu.mjs', import.meta.url));
/** The node's init: reaps every orphan (Node.js reaps only its own children) and forwards signals. */
export const NODE_INIT = '/usr/bin/tini';

/**
 * The command that runs `emu <args>` in a fresh node: PID, network and mount
 * namespaces (private propagation, its own /proc) whose PID 1 is tini, with emu
 * as its only child. Everything the node starts lives in those namespaces, so
 * when the node dies — `emu down`, Ctrl-C, a crash, SIGKILL of emu or of tini —
 * the kernel kills every pod with it and the network namespace (bridge, veths,
 * service IPs) and mounts vanish; meanwhile tini reaps whatever is orphaned
 * inside, so no zombie piles up. As an unprivileged user a user namespace maps
 * us to root inside.
 */
export function nodeCommand(args: string[]): { file: string; args: string[] } {
  if (!existsSync(NODE_INIT)) throw new EmuError('RUNTIME_FAILED', `emu needs tini as the init of its node; install it: apt-get install tini`);
  const user = process.getuid?.() === 0 ? [] : ['--user', '--map-root-user'];
  return {
    file: 'unshare',
    args: [...user, '--pid', '--fork', '--kill-child=SIGKILL', '--net', '--mount', '--mount-proc', '--propagation', 'private', NODE_INIT, '--', process.execPath, EMU_BIN, ...args],
  };
}

/** True inside a node started by nodeCommand: the marker is set by the launcher, and our parent is the node's init. */
export function insideNode(): boolean {
  return process.env.EMU_NODE === '1' && process.ppid === 1;
}
