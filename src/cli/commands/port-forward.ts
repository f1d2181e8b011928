import { createServer } from 'node:net';
import { clusterPaths } from '../../engine/cluster-paths.ts';
import { DaemonClient } from '../../daemon/client.ts';
import { EmuError } from '../../errors.ts';

/** emu port-forward POD|svc/NAME LOCAL:REMOTE — each local connection is tunnelled through the daemon. */
export async function portForwardCommand(target: string, mappings: string[], options: { namespace?: string; address?: string }): Promise<void> {
  const client = new DaemonClient(clusterPaths());
  const [kind, name] = target.includes('/') ? target.split('/') : ['pod', target];
  const service = ['svc', 'service', 'services'].includes(kind) ? name : undefined;
  const pod = ['pod', 'pods', 'po'].includes(kind) ? name : undefined;
  if (!service && !pod) throw new EmuError('USAGE', `port-forward target must be POD, pod/NAME or svc/NAME, got ${target}`);
  if (mappings.length === 0) throw new EmuError('USAGE', 'at least one port is required: emu port-forward POD LOCAL:REMOTE');
  const address = options.address ?? '127.0.0.1';
  for (const mapping of mappings) {
    const [local, remote = local] = mapping.split(':');
    if (!/^\d+$/.test(local) || !/^\d+$/.test(remote)) throw new EmuError('USAGE', `invalid port mapping "${mapping}": expected LOCAL:REMOTE`);
    await client.call('get', { kind: service ? 'services' : 'pods', name: service ?? pod, namespace: options.namespace });
    const server = createServer(async (conn) => {
      conn.on('error', () => undefined);
      try {
        const { socket } = await client.open('dial', { pod, service, port: Number(remote), namespace: options.namespace });
        conn.pipe(socket).pipe(conn);
        socket.on('error', () => conn.destroy());
        conn.on('close', () => socket.destroy());
      } catch (error) {
        console.error(`error forwarding port ${remote}: ${(error as Error).message}`);
        conn.destroy();
      }
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(Number(local), address, () => resolve()));
    console.log(`Forwarding from ${address}:${local} -> ${remote}`);
  }
  await new Promise(() => undefined); // until Ctrl-C
}
