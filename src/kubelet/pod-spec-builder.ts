import { readFileSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Container, EnvVar, Pod, Probe, Volume } from 'kubernetes-types/core/v1.d.ts';
import { EmuError } from '../errors.ts';
import { containerArgv, findImage, type NativeImage } from '../images/catalog.ts';
import type { ConfigMapObject, SecretObject } from '../manifest/types.ts';
import type { VolumeMount } from '../runtime/container-runtime.ts';
import type { RuntimeContainer, RuntimePodSpec } from '../runtime/pod-spec.ts';
import type { ProbeSpec } from '../runtime/probe.ts';
import { renderResolvConf } from '../network/dns-records.ts';
import { podUsesHostUsers, resolveSecurity } from './security-context.ts';
import { setVolumeOwnership } from './volume-ownership.ts';

/** What building a pod needs to look up: ConfigMaps, Secrets, and where things live. */
export interface PodBuildContext {
  configMap(namespace: string, name: string): ConfigMapObject | undefined;
  secret(namespace: string, name: string): SecretObject | undefined;
  /** Directory of a bound persistent volume claim; throws NOT_FOUND when the claim does not exist. */
  claimDir(namespace: string, claim: string): string;
  dnsDir: string;
  /** The node's address on the pod network (status.hostIP). */
  hostIP: string;
  /** Where containers' files come from (the runtime's imageFiles): `image` leaves the native catalog out. */
  imageFiles: 'host' | 'image';
}

/** What the builder reads of a pod besides its spec: the identity the API gave it. */
interface PodIdentity {
  name: string;
  hostname: string;
  labels: Record<string, string>;
}

/**
 * Turn a Pod object into everything the runtime needs: resolved images,
 * environment, securityContext, and volume directories (claims, emptyDir,
 * projected ConfigMaps and Secrets; fsGroup applied). Throws a user-facing error for a missing ConfigMap, Secret,
 * key or claim, as the kubelet reports CreateContainerConfigError.
 */
export async function buildPod(pod: Pod, scratchDir: string, ctx: PodBuildContext): Promise<RuntimePodSpec> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const podSpec = pod.spec!;
  const identity: PodIdentity = { name: pod.metadata!.name!, hostname: podSpec.hostname ?? podHostname(pod.metadata!.name!), labels: { ...pod.metadata?.labels } };
  const uid = pod.metadata?.uid ?? '';
  const volumeDirs = new Map<string, { dir: string; readOnly: boolean }>();

  for (const volume of podSpec.volumes ?? []) {
    volumeDirs.set(volume.name, await prepareVolume(volume, namespace, join(scratchDir, 'volumes', volume.name), ctx));
  }
  // Volume directories are open to whoever runs in the pod (as emptyDir is in
  // Kubernetes); the cluster directory above them keeps other host users out.
  for (const { dir } of volumeDirs.values()) if (await mkdir(dir, { recursive: true })) await chmod(dir, 0o777);
  const fsGroup = podSpec.securityContext?.fsGroup;
  if (fsGroup !== undefined) for (const { dir, readOnly } of volumeDirs.values()) await setVolumeOwnership(dir, fsGroup, readOnly);

  const fieldValues: Record<string, string> = {
    'metadata.name': identity.name,
    'metadata.namespace': namespace,
    'metadata.uid': pod.metadata?.uid ?? '',
    'spec.nodeName': podSpec.nodeName ?? 'emu',
    'spec.serviceAccountName': podSpec.serviceAccountName ?? 'default',
    'status.hostIP': ctx.hostIP,
    ...Object.fromEntries(Object.entries(pod.metadata?.annotations ?? {}).map(([k, v]) => [`annotation:${k}`, v])),
  };
  const toRuntime = async (c: Container): Promise<RuntimeContainer> => {
    // Real images bring their own entrypoint, files and environment; native ones are this host plus the catalog's recipe.
    const image = ctx.imageFiles === 'image' ? IMAGE_OWN : findImage(c.image!);
    const volumeMounts = (c.volumeMounts ?? []).map((m): VolumeMount => {
      const volume = volumeDirs.get(m.name)!;
      return { source: m.subPath ? join(volume.dir, m.subPath) : volume.dir, target: m.mountPath, readOnly: Boolean(m.readOnly) || volume.readOnly };
    });
    const { security, configError } = resolveSecurity(podSpec.securityContext, c.securityContext, { pod: `${identity.name}_${namespace}(${uid})`, container: c.name }, primaryGroup);
    return {
      name: c.name,
      image: c.image!,
      argv: containerArgv(image, c.command, c.args),
      command: c.command,
      args: c.args,
      // The image's ENV first: the container's own variables override it.
      env: [...Object.entries(image.env).map(([name, value]) => ({ name, value })), ...resolveEnv(c, namespace, identity, fieldValues, ctx)],
      workingDir: c.workingDir,
      mounts: [
        ...image.layers.map((layer): VolumeMount => ({ ...layer, readOnly: true, fromImage: true })),
        ...volumeMounts,
        ...(await privateDirMounts(image, join(scratchDir, 'image-dirs', c.name), volumeMounts)),
      ].sort((a, b) => a.target.split('/').length - b.target.split('/').length),
      security,
      configError,
      stdin: Boolean(c.stdin),
      stdinOnce: Boolean(c.stdinOnce),
      tty: Boolean(c.tty),
      init: Boolean(image.init),
      readinessProbe: probe(c.readinessProbe, c),
      livenessProbe: probe(c.livenessProbe, c),
      startupProbe: probe(c.startupProbe, c),
    };
  };
  // subPath mounts need their file or directory to exist before binding.
  for (const c of [...(podSpec.initContainers ?? []), ...podSpec.containers]) {
    for (const m of c.volumeMounts ?? []) if (m.subPath) await mkdir(join(volumeDirs.get(m.name)!.dir, m.subPath), { recursive: true }).catch(() => undefined);
  }

  return {
    uid,
    name: identity.name,
    namespace,
    hostname: identity.hostname,
    initContainers: await Promise.all((podSpec.initContainers ?? []).map(toRuntime)),
    containers: await Promise.all(podSpec.containers.map(toRuntime)),
    terminationGracePeriodSeconds: podSpec.terminationGracePeriodSeconds ?? 30,
    restartPolicy: (podSpec.restartPolicy as RuntimePodSpec['restartPolicy']) ?? 'Always',
    shareProcessNamespace: podSpec.shareProcessNamespace ?? false,
    hostUsers: podUsesHostUsers(podSpec.hostUsers, [...(podSpec.initContainers ?? []), ...podSpec.containers]),
    scratchDir,
    dnsDir: ctx.dnsDir,
    // The cluster's DNS server on the node's address, with the search path the kubelet writes (dnsPolicy ClusterFirst).
    resolvConf: renderResolvConf(ctx.hostIP, namespace),
  };
}

/** What a real image adds from the catalog: nothing (see PodBuildContext.imageFiles). */
const IMAGE_OWN: NativeImage = { name: 'image', repositories: [], entrypoint: [], cmd: [], aptPackages: [], layers: [], env: {} };

/** A pod without spec.hostname is named after itself, cut to a DNS label's 63 characters as the kubelet does. */
export function podHostname(name: string): string {
  return name.slice(0, 63).replace(/[-.]+$/, '');
}

/**
 * The image's private writable directories for one container (see NativeImage.privateDirs):
 * fresh directories under `dir`, writable by any user the container runs as; a volume
 * mounted at the same path wins.
 */
async function privateDirMounts(image: NativeImage, dir: string, volumeMounts: readonly VolumeMount[]): Promise<VolumeMount[]> {
  const mounts: VolumeMount[] = [];
  for (const [i, { path, aliases = [] }] of (image.privateDirs ?? []).entries()) {
    const source = join(dir, String(i));
    await mkdir(source, { recursive: true });
    await chmod(source, 0o777);
    for (const target of [path, ...aliases]) if (!volumeMounts.some((m) => m.target === target)) mounts.push({ source, target, readOnly: false });
  }
  return mounts;
}

async function prepareVolume(volume: Volume, namespace: string, dir: string, ctx: PodBuildContext): Promise<{ dir: string; readOnly: boolean }> {
  if (volume.persistentVolumeClaim) return { dir: ctx.claimDir(namespace, volume.persistentVolumeClaim.claimName), readOnly: Boolean(volume.persistentVolumeClaim.readOnly) };
  if (volume.configMap || volume.secret) {
    const source = volume.configMap ?? volume.secret!;
    const name = volume.configMap ? volume.configMap.name! : volume.secret!.secretName!;
    const object = volume.configMap ? ctx.configMap(namespace, name) : ctx.secret(namespace, name);
    const what = volume.configMap ? 'configmap' : 'secret';
    await mkdir(dir, { recursive: true });
    if (!object) {
      if (source.optional) return { dir, readOnly: true };
      throw new EmuError('NOT_FOUND', `volume "${volume.name}": ${what} "${name}" not found in namespace "${namespace}"; apply it first`);
    }
    const data = volume.configMap ? stringData(object as ConfigMapObject) : secretData(object as SecretObject);
    const items = source.items ?? Object.keys(data).map((key) => ({ key, path: key, mode: undefined }));
    for (const item of items) {
      if (!(item.key in data)) throw new EmuError('NOT_FOUND', `volume "${volume.name}": key "${item.key}" not found in ${what} "${name}"`);
      const file = join(dir, item.path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, data[item.key]);
      await chmod(file, item.mode ?? source.defaultMode ?? 0o644);
    }
    return { dir, readOnly: true };
  }
  // emptyDir (and anything the validator let through as not emulated): a fresh per-incarnation directory.
  return { dir, readOnly: false };
}

/** A user's primary group, from the image's /etc/passwd (the host's: native images are this host). */
function primaryGroup(uid: number): number | undefined {
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[2] === String(uid));
  return entry ? Number(entry[3]) : undefined;
}

function stringData(cm: ConfigMapObject): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(cm.data ?? {})) out[k] = Buffer.from(v);
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) out[k] = Buffer.from(v, 'base64');
  return out;
}

function secretData(secret: SecretObject): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = Buffer.from(v, 'base64');
  for (const [k, v] of Object.entries(secret.stringData ?? {})) out[k] = Buffer.from(v);
  return out;
}

function resolveEnv(c: Container, namespace: string, identity: PodIdentity, fields: Record<string, string>, ctx: PodBuildContext): RuntimeContainer['env'] {
  const env: RuntimeContainer['env'] = [];
  for (const from of c.envFrom ?? []) {
    const data = from.configMapRef
      ? lookupData('configmap', from.configMapRef.name!, namespace, ctx, from.configMapRef.optional)
      : lookupData('secret', from.secretRef!.name!, namespace, ctx, from.secretRef!.optional);
    for (const [k, v] of Object.entries(data)) env.push({ name: (from.prefix ?? '') + k, value: v.toString() });
  }
  for (const e of c.env ?? []) env.push(resolveOne(e, namespace, identity, fields, ctx, c.name));
  return env;
}

function resolveOne(e: EnvVar, namespace: string, identity: PodIdentity, fields: Record<string, string>, ctx: PodBuildContext, container: string): RuntimeContainer['env'][number] {
  const from = e.valueFrom;
  if (!from) return { name: e.name, value: e.value ?? '' };
  if (from.fieldRef) {
    const path = from.fieldRef.fieldPath;
    if (path === 'status.podIP' || path === 'status.podIPs') return { name: e.name, value: '', fromPodIP: true };
    const label = /^metadata\.labels\['(.+)'\]$/.exec(path);
    if (label) return { name: e.name, value: identity.labels[label[1]] ?? '' };
    const annotation = /^metadata\.annotations\['(.+)'\]$/.exec(path);
    if (annotation) return { name: e.name, value: fields[`annotation:${annotation[1]}`] ?? '' };
    return { name: e.name, value: fields[path] ?? '' };
  }
  const ref = from.configMapKeyRef ?? from.secretKeyRef!;
  const kind = from.configMapKeyRef ? 'configmap' : 'secret';
  const data = lookupData(kind, ref.name!, namespace, ctx, ref.optional);
  if (!(ref.key in data)) {
    if (ref.optional) return { name: e.name, value: '' };
    throw new EmuError('NOT_FOUND', `container "${container}": env ${e.name}: key "${ref.key}" not found in ${kind} "${ref.name}"`);
  }
  return { name: e.name, value: data[ref.key].toString() };
}

function lookupData(kind: 'configmap' | 'secret', name: string, namespace: string, ctx: PodBuildContext, optional?: boolean): Record<string, Buffer> {
  const object = kind === 'configmap' ? ctx.configMap(namespace, name) : ctx.secret(namespace, name);
  if (!object) {
    if (optional) return {};
    throw new EmuError('NOT_FOUND', `${kind} "${name}" not found in namespace "${namespace}"; apply it first`);
  }
  return kind === 'configmap' ? stringData(object as ConfigMapObject) : secretData(object as SecretObject);
}

function probe(p: Probe | undefined, c: Container): ProbeSpec | undefined {
  if (!p) return undefined;
  const port = (value: number | string) => {
    if (typeof value === 'number') return value;
    const named = c.ports?.find((cp) => cp.name === value)?.containerPort;
    return named ?? Number(value);
  };
  return {
    exec: p.exec?.command ? { command: p.exec.command } : undefined,
    tcpSocket: p.tcpSocket ? { port: port(p.tcpSocket.port) } : undefined,
    httpGet: p.httpGet ? { port: port(p.httpGet.port), path: p.httpGet.path ?? '/', scheme: p.httpGet.scheme, httpHeaders: p.httpGet.httpHeaders } : undefined,
    initialDelaySeconds: p.initialDelaySeconds ?? 0,
    periodSeconds: p.periodSeconds ?? 10,
    timeoutSeconds: p.timeoutSeconds ?? 1,
    successThreshold: p.successThreshold ?? 1,
    failureThreshold: p.failureThreshold ?? 3,
  };
}
