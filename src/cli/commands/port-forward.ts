import { createServer } from 'node:net';
import type { Pod, Service } from 'kubernetes-types/core/v1.d.ts';
import { byKind } from '../../api/resources.ts';
import type { ApiObject } from '../../api/store.ts';
import { resourcePath, type RestApi } from '../../client/rest-api.ts';
import { targetPort } from '../../network/endpoints-controller.ts';
import { EmuError } from '../../errors.ts';
import { connect } from '../context.ts';

const PODS = byKind('Pod')!;

/**
 * emu port-forward POD|pod/NAME|svc/NAME LOCAL:REMOTE: each local connection
 * is one port-forward stream to the pod (for a Service, a ready pod behind it,
 * as kubectl picks one).
 */
export async function portForwardCommand(target: string, mappings: string[], options: { namespace?: string; address?: string }): Promise<void> {
  const [kind, name] = target.includes('/') ? target.split('/') : ['pod', target];
  const service = ['svc', 'service', 'services'].includes(kind);
  if (!service && !['pod', 'pods', 'po'].includes(kind)) throw new EmuError('USAGE', `port-forward target must be POD, pod/NAME or svc/NAME, got ${target}`);
  if (mappings.length === 0) throw new EmuError('USAGE', 'at least one port is required: emu port-forward POD LOCAL:REMOTE');
  const namespace = options.namespace ?? 'default';
  const address = options.address ?? '127.0.0.1';
  const api = await connect();
  for (const mapping of mappings) {
    const [local, remote = local] = mapping.split(':');
    if (!/^\d+$/.test(local) || !/^\d+$/.test(remote)) throw new EmuError('USAGE', `invalid port mapping "${mapping}": expected LOCAL:REMOTE`);
    const { pod, port } = service ? await serviceTarget(api, namespace, name, Number(remote)) : { pod: (await api.get(PODS, namespace, name)).metadata.name, port: Number(remote) };
    const server = createServer(async (conn) => {
      conn.on('error', () => undefined);
      try {
        const ws = await api.websocket(`${resourcePath(PODS, namespace, pod, 'portforward')}?ports=${port}`, ['v4.channel.k8s.io']);
        let seen = 0;
        ws.on('message', (message: Buffer) => {
          // The first message on each channel is the port number; data follows on channel 0.
          if (message[0] === 0) {
            if (seen++ === 0) return;
            conn.write(message.subarray(1));
          } else if (message[0] === 1 && message.length > 3) console.error(message.subarray(1).toString('utf8'));
        });
        conn.on('data', (d: Buffer) => ws.send(Buffer.concat([Buffer.from([0]), d])));
        ws.on('close', () => conn.destroy());
        conn.on('close', () => ws.close());
      } catch (error) {
        console.error(`error forwarding port ${port}: ${(error as Error).message}`);
        conn.destroy();
      }
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(Number(local), address, () => resolve()));
    console.log(`Forwarding from ${address}:${local} -> ${remote}`);
  }
  await new Promise(() => undefined); // until Ctrl-C
}

/** kubectl port-forward svc/NAME: the service port's target on one ready pod behind it. */
async function serviceTarget(api: RestApi, namespace: string, name: string, servicePort: number): Promise<{ pod: string; port: number }> {
  const svc = await api.get<Service & ApiObject>(byKind('Service')!, namespace, name);
  const selector = Object.entries(svc.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = selector ? (await api.list<Pod & ApiObject>(PODS, { namespace, labelSelector: selector })).items : [];
  const pod = pods.find((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  if (!pod) throw new EmuError('NOT_FOUND', `no ready pod behind service ${name}`);
  const port = svc.spec?.ports?.find((p) => p.port === servicePort);
  return { pod: pod.metadata.name, port: (port && targetPort(port, pod)) ?? servicePort };
}
