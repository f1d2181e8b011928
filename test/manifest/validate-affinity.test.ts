// Required pod anti-affinity on emu's single node: a warning that says what Kubernetes
// would do (leave pods Pending, or nothing at all when the selector picks no pod of the set).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatWarning, loadManifests, parseManifestText } from '../../src/manifest/index.ts';

const ZOOKEEPER = fileURLToPath(new URL('../../scenarios/manifests/k8s-tutorials/zookeeper.yaml', import.meta.url));

const withAffinity = (affinity: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: zk}
spec:
  selector: {matchLabels: {app: zk}}
  template:
    metadata: {labels: {app: zk}}
    spec:
      affinity:
${affinity}
      containers: [{name: zk, image: busybox}]
`;
const warnings = (text: string) => parseManifestText(text, 'zk.yaml')[0].warnings.map(formatWarning);

describe('affinity on one node', () => {
  it('warns that required anti-affinity over the set\'s own pods would leave pods Pending in Kubernetes, and runs them all', () => {
    const text = withAffinity(`        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchExpressions: [{key: app, operator: In, values: [zk]}]}
            topologyKey: kubernetes.io/hostname`);
    expect(warnings(text)).toEqual([
      'zk.yaml:12:13: spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]: required podAntiAffinity (app in (zk), topologyKey kubernetes.io/hostname): on one node Kubernetes would run only one of these pods and leave the others Pending; emu has one node and runs them all on it',
    ]);
  });

  it("says the tutorial's selector (app In [zk]) picks none of its pods (labelled app.kubernetes.io/name=zk)", async () => {
    const set = (await loadManifests([ZOOKEEPER])).find((m) => m.object.kind === 'StatefulSet')!;
    const affinity = set.warnings.filter((w) => w.fieldPath.includes('affinity'));
    expect(affinity.map((w) => w.message)).toEqual([
      "required podAntiAffinity: its labelSelector (app in (zk)) picks none of this template's pods (labels app.kubernetes.io/name=zk), so it keeps nothing apart, in Kubernetes either; ignored",
    ]);
  });

  it('ignores other affinity with the usual warning', () => {
    const text = withAffinity(`        nodeAffinity:
          preferredDuringSchedulingIgnoredDuringExecution: [{weight: 1, preference: {matchExpressions: [{key: disk, operator: In, values: [ssd]}]}}]`);
    expect(warnings(text)).toEqual(['zk.yaml:9:7: spec.template.spec.affinity: not emulated by emu (one node, no scheduler); ignored']);
  });

  it('requires a topologyKey, as the API server does', () => {
    const text = withAffinity(`        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app: zk}}`);
    expect(() => parseManifestText(text, 'zk.yaml')).toThrow(/requiredDuringSchedulingIgnoredDuringExecution\[0\]\.topologyKey: required field is missing/);
  });
});
