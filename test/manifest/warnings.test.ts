import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatWarning, loadManifests, parseManifestText } from '../../src/manifest/index.ts';

/** A minimal StatefulSet whose pod spec is `podSpec` (indented for it). */
const statefulSet = (podSpec: string) => `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: s}
spec:
  selector: {matchLabels: {app: s}}
  template:
    metadata: {labels: {app: s}}
    spec:${podSpec}`;

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('fields emu does not emulate', () => {
  it('load with a warning each, carrying the location and field path', async () => {
    const [loaded] = await loadManifests([fixture('warnings.yaml')]);
    expect(loaded.object.metadata.name).toBe('db');
    expect(loaded.warnings).toEqual([
      {
        // A term without a labelSelector selects no pods (see validate-affinity.test.ts).
        location: { file: fixture('warnings.yaml'), line: 21, col: 13 },
        fieldPath: 'spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]',
        message: "required podAntiAffinity: its labelSelector (<none>) picks none of this template's pods (labels app=db), so it keeps nothing apart, in Kubernetes either; ignored",
      },
      {
        location: { file: fixture('warnings.yaml'), line: 26, col: 9 },
        fieldPath: 'spec.template.spec.containers[0].resources',
        message: 'not emulated by emu; ignored',
      },
    ]);
    expect(formatWarning(loaded.warnings[1])).toBe(
      `${fixture('warnings.yaml')}:26:9: spec.template.spec.containers[0].resources: not emulated by emu; ignored`,
    );
  });

  it('stay in the object, while empty ones (`securityContext: {}`, `status: {}`) pass quietly', async () => {
    const [{ object }] = await loadManifests([fixture('warnings.yaml')]);
    expect(object.kind === 'StatefulSet' && object.spec.template.spec!.containers[0].resources).toEqual({
      requests: { cpu: '500m' },
    });
    expect('status' in object).toBe(false);
  });

  it('cover every level: metadata, service spec, ports, probes, mounts', () => {
    const text = `
apiVersion: v1
kind: Service
metadata:
  name: web
  uid: 1234
spec:
  sessionAffinity: ClientIP
  clusterIP: None
  ports:
  - port: 80
    appProtocol: http
`;
    expect(parseManifestText(text, 's.yaml')[0].warnings.map((w) => `${w.location.line}:${w.location.col} ${w.fieldPath}`)).toEqual([
      '6:3 metadata.uid',
      '8:3 spec.sessionAffinity',
      '12:5 spec.ports[0].appProtocol',
    ]);
  });

  it('are not inspected further: an unknown field inside an ignored one is not an error', () => {
    const text = statefulSet(`
      hostname: custom
      tolerations: [{whatever: true}]
      containers:
      - name: c
        image: i
        lifecycle: {preStop: {exec: {command: [sleep, "5"]}}}
`);
    expect(parseManifestText(text, 's.yaml')[0].warnings.map((w) => w.fieldPath)).toEqual([
      'spec.template.spec.hostname',
      'spec.template.spec.tolerations',
      'spec.template.spec.containers[0].lifecycle',
    ]);
  });

  it('name only the securityContext fields emu does not emulate (seccomp, SELinux…)', () => {
    const text = statefulSet(`
      securityContext: {runAsUser: 1000, fsGroup: 2000, seccompProfile: {type: RuntimeDefault}}
      shareProcessNamespace: true
      containers:
      - name: c
        image: i
        securityContext: {readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}, seLinuxOptions: {level: "s0:c1"}}
`);
    expect(parseManifestText(text, 's.yaml')[0].warnings.map((w) => w.fieldPath)).toEqual([
      'spec.template.spec.securityContext.seccompProfile',
      'spec.template.spec.containers[0].securityContext.seLinuxOptions',
    ]);
  });
});
