/**
 * The storage side of the cluster: a dynamic provisioner that binds every
 * PersistentVolumeClaim to a directory of its own (a hostPath
 * PersistentVolume named `pvc-<uid>`, reclaim policy Delete), and the
 * pvc-protection finalizer that keeps a claim (and its data) while a pod still
 * uses it. Directories outlive the cluster: on start, the claims found on disk
 * are registered again, so data follows its claim across `emu down`/`apply`.
 */
import { chmod, mkdir, readdir, rm } from 'node:fs/promises';
import type { PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.d.ts';
import { byKind } from '../api/resources.ts';
import type { ApiObject, ApiStore, Watch } from '../api/store.ts';
import { RECOVERED_CLAIM_ANNOTATION } from '../api/strategies.ts';
import { claimDirectory, type ClusterPaths } from '../engine/cluster-paths.ts';

const CLAIMS = byKind('PersistentVolumeClaim')!;
const VOLUMES = byKind('PersistentVolume')!;
const PODS = byKind('Pod')!;
const NAMESPACES = byKind('Namespace')!;

export const PVC_PROTECTION = 'kubernetes.io/pvc-protection';
export const STORAGE_CLASS = 'standard';
const PROVISIONER = 'emu.dev/hostpath';

type Claim = PersistentVolumeClaim & ApiObject;

export class VolumeProvisioner {
  private readonly watches: Watch[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ApiStore,
    private readonly paths: ClusterPaths,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Register the claims already on disk, then follow the API. */
  async start(): Promise<void> {
    await mkdir(this.paths.volumes, { recursive: true, mode: 0o700 });
    for (const namespace of await readdir(this.paths.volumes).catch(() => [] as string[])) {
      if (!this.store.find(NAMESPACES, undefined, namespace)) this.store.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
      for (const name of await readdir(`${this.paths.volumes}/${namespace}`).catch(() => [] as string[])) {
        if (this.store.find(CLAIMS, namespace, name)) continue;
        this.store.create(CLAIMS, {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name, namespace, annotations: { [RECOVERED_CLAIM_ANNOTATION]: 'true' } },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        } as Claim);
      }
    }
    this.watches.push(
      this.store.watch(CLAIMS, {}, (event) => this.queue(() => (event.type === 'DELETED' ? this.release(event.object as Claim) : this.sync(event.object as Claim)))),
      this.store.watch(PODS, {}, (event) => {
        if (event.type === 'DELETED') this.queue(() => this.unprotect(event.object.metadata.namespace!));
      }),
    );
  }

  stop(): void {
    for (const watch of this.watches) watch.stop();
  }

  settled(): Promise<void> {
    return this.chain;
  }

  private queue(work: () => Promise<void> | void): void {
    this.chain = this.chain.then(work).catch(this.onError);
  }

  private async sync(claim: Claim): Promise<void> {
    const current = this.store.find<Claim>(CLAIMS, claim.metadata.namespace, claim.metadata.name);
    if (!current || current.metadata.uid !== claim.metadata.uid) return;
    if (current.metadata.deletionTimestamp) return this.unprotect(current.metadata.namespace!);
    if (!current.metadata.finalizers?.includes(PVC_PROTECTION)) {
      this.store.mutate<Claim>(CLAIMS, current.metadata.namespace, current.metadata.name, (d) => (d.metadata.finalizers = [...(d.metadata.finalizers ?? []), PVC_PROTECTION]));
      return;
    }
    if (current.status?.phase === 'Bound') return;
    const dir = claimDirectory(this.paths, current.metadata.namespace!, current.metadata.name);
    // Open to whoever runs in the pods (as local-path provisioners make them); the
    // cluster directory above keeps other host users out.
    if (await mkdir(dir, { recursive: true })) await chmod(dir, 0o777);
    const volumeName = `pvc-${current.metadata.uid}`;
    const storage = current.spec?.resources?.requests?.storage ?? '1Gi';
    const accessModes = current.spec?.accessModes ?? ['ReadWriteOnce'];
    if (!this.store.find(VOLUMES, undefined, volumeName)) {
      const volume: PersistentVolume & ApiObject = {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: volumeName, annotations: { 'pv.kubernetes.io/provisioned-by': PROVISIONER } },
        spec: {
          capacity: { storage },
          accessModes,
          hostPath: { path: dir, type: 'DirectoryOrCreate' },
          persistentVolumeReclaimPolicy: 'Delete',
          storageClassName: current.spec?.storageClassName ?? STORAGE_CLASS,
          volumeMode: 'Filesystem',
          claimRef: { kind: 'PersistentVolumeClaim', namespace: current.metadata.namespace, name: current.metadata.name, uid: current.metadata.uid, apiVersion: 'v1' },
        },
      };
      this.store.create(VOLUMES, volume);
      this.store.mutate(VOLUMES, undefined, volumeName, (d) => (d.status = { phase: 'Bound' }), { subresource: 'status' });
    }
    this.store.mutate<Claim>(CLAIMS, current.metadata.namespace, current.metadata.name, (d) => {
      d.spec = { ...d.spec, volumeName, storageClassName: d.spec?.storageClassName ?? STORAGE_CLASS };
      d.metadata.annotations = { ...d.metadata.annotations, 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes', 'volume.kubernetes.io/storage-provisioner': PROVISIONER };
    });
    this.store.mutate<Claim>(CLAIMS, current.metadata.namespace, current.metadata.name, (d) => (d.status = { phase: 'Bound', accessModes, capacity: { storage } }), { subresource: 'status' });
  }

  /** Claims being deleted lose their protection once no pod uses them. */
  private unprotect(namespace: string): void {
    const pods = this.store.list<Pod & ApiObject>(PODS, { namespace }).items;
    const inUse = new Set(pods.flatMap((p) => (p.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []))));
    for (const claim of this.store.list<Claim>(CLAIMS, { namespace }).items) {
      if (!claim.metadata.deletionTimestamp || inUse.has(claim.metadata.name) || !claim.metadata.finalizers?.includes(PVC_PROTECTION)) continue;
      this.store.mutate<Claim>(CLAIMS, namespace, claim.metadata.name, (d) => (d.metadata.finalizers = d.metadata.finalizers!.filter((f) => f !== PVC_PROTECTION)));
    }
  }

  /** The claim is gone: its volume is reclaimed (Delete), the directory with it. */
  private async release(claim: Claim): Promise<void> {
    const volumeName = claim.spec?.volumeName;
    if (volumeName && this.store.find(VOLUMES, undefined, volumeName)) this.store.delete(VOLUMES, undefined, volumeName);
    if (this.store.find(CLAIMS, claim.metadata.namespace, claim.metadata.name)) return; // recreated meanwhile
    await rm(claimDirectory(this.paths, claim.metadata.namespace!, claim.metadata.name), { recursive: true, force: true });
  }
}
