/**
 * Every name and label the Docker runtime gives what it creates, built here.
 * Containers are named as Kubernetes' dockershim named them
 * (k8s_<container>_<pod>_<namespace>_<uid>_<attempt>, the sandbox's container
 * being POD), so `docker ps` reads like a node's; labels say which emu cluster
 * owns them, so emu can remove them all by label after `down`, Ctrl-C or a crash.
 */
export const LABELS = {
  /** On everything emu creates: the cluster's directory (unique on this machine, unlike its name). */
  cluster: 'dev.emu.cluster',
  pod: 'dev.emu.pod',
  podUid: 'dev.emu.pod-uid',
  /** 'sandbox' (the pause container) or 'container'. */
  role: 'dev.emu.role',
  container: 'dev.emu.container',
  /** On images: the hash of their build inputs (unchanged inputs, no rebuild). */
  inputs: 'dev.emu.inputs',
  /** On images: the hash of their recipe folder alone (cheap to check before each start: a changed recipe rebuilds). */
  recipe: 'dev.emu.recipe',
} as const;

/** Read from a Dockerfile: the Debian packages its image needs (see docker/base/emu-install-debs). */
export const APT_PACKAGES_LABEL = 'dev.emu.apt-packages';

export interface PodIdentity {
  cluster: string;
  namespace: string;
  name: string;
  uid: string;
}

export function sandboxName(pod: PodIdentity): string {
  return containerName(pod, 'POD', 0);
}

export function containerName(pod: PodIdentity, container: string, attempt: number): string {
  return `k8s_${container}_${pod.name}_${pod.namespace}_${pod.uid}_${attempt}`;
}

export function podLabels(pod: PodIdentity, role: 'sandbox' | 'container', container?: string): Record<string, string> {
  return {
    [LABELS.cluster]: pod.cluster,
    [LABELS.pod]: `${pod.namespace}/${pod.name}`,
    [LABELS.podUid]: pod.uid,
    [LABELS.role]: role,
    ...(container ? { [LABELS.container]: container } : {}),
  };
}
