import { fileURLToPath } from 'node:url';

export const EMU_BIN = fileURLToPath(new URL('../../bin/emu.mjs', import.meta.url));

/**
 * The command that runs `emu <args>` as the node: PID 1 of fresh PID, network and
 * mount namespaces (private propagation, its own /proc). Everything the node
 * starts lives in those namespaces, so when the node process dies — `emu down`,
 * Ctrl-C, a crash, SIGKILL — the kernel kills every pod with it and the network
 * namespace (bridge, veths, service IPs) and mounts vanish. As an unprivileged
 * user a user namespace maps us to root inside.
 */
export function nodeCommand(args: string[]): { file: string; args: string[] } {
  const user = process.getuid?.() === 0 ? [] : ['--user', '--map-root-user'];
  return {
    file: 'unshare',
    args: [...user, '--pid', '--fork', '--kill-child=SIGKILL', '--net', '--mount', '--mount-proc', '--propagation', 'private', process.execPath, EMU_BIN, ...args],
  };
}

/** True inside a node started by nodeCommand (the marker is set by the child side). */
export function insideNode(): boolean {
  return process.pid === 1 && process.env.EMU_NODE === '1';
}
