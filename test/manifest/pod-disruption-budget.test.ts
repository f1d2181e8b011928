// PodDisruptionBudget (policy/v1) through the manifest loader: the ZooKeeper tutorial's
// budget loads; malformed budgets fail with a located one-line error.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../../src/errors.ts';
import { loadManifests, parseManifestText } from '../../src/manifest/index.ts';

const ZOOKEEPER = fileURLToPath(new URL('../../scenarios/manifests/k8s-tutorials/zookeeper.yaml', import.meta.url));

const budget = (spec: string, apiVersion = 'policy/v1') => `apiVersion: ${apiVersion}
kind: PodDisruptionBudget
metadata:
  name: zk-pdb
spec:
${spec}`;

function failure(text: string): string {
  try {
    parseManifestText(text, 'pdb.yaml');
  } catch (error) {
    if (error instanceof ManifestError) return error.message;
    throw error;
  }
  throw new Error('expected a ManifestError');
}

describe('PodDisruptionBudget manifests', () => {
  it("loads the ZooKeeper tutorial's budget as it is written", async () => {
    const pdb = (await loadManifests([ZOOKEEPER])).find((m) => m.object.kind === 'PodDisruptionBudget')!;
    expect(pdb.object).toMatchObject({
      apiVersion: 'policy/v1',
      metadata: { name: 'zk-pdb', namespace: 'default' },
      spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'zk' } }, maxUnavailable: 1 },
    });
    expect(pdb.warnings).toEqual([]);
  });

  it('takes percentages and minAvailable', () => {
    const [{ object }] = parseManifestText(budget('  selector: {matchLabels: {app: zk}}\n  minAvailable: "50%"\n'), 'pdb.yaml');
    expect(object.kind === 'PodDisruptionBudget' && object.spec.minAvailable).toBe('50%');
  });

  it.each([
    ['both limits', budget('  selector: {matchLabels: {app: zk}}\n  minAvailable: 2\n  maxUnavailable: 1\n'), 'pdb.yaml:8:3: spec.maxUnavailable: minAvailable and maxUnavailable cannot be both set; keep one'],
    ['a bad percentage', budget('  selector: {matchLabels: {app: zk}}\n  maxUnavailable: "150%"\n'), 'pdb.yaml:7:19: spec.maxUnavailable: invalid value "150%": a percentage must be between 0% and 100%'],
    ['a word', budget('  selector: {matchLabels: {app: zk}}\n  maxUnavailable: one\n'), 'pdb.yaml:7:19: spec.maxUnavailable: invalid value "one": must be a non-negative integer or a percentage such as "50%"'],
    ['a negative count', budget('  minAvailable: -1\n'), 'pdb.yaml:6:17: spec.minAvailable: must be 0 or greater, got -1'],
    ['a bad selector operator', budget('  selector: {matchExpressions: [{key: app, operator: Near, values: [zk]}]}\n'), 'spec.selector.matchExpressions[0].operator: unsupported value "Near"'],
    ['an unknown field', budget('  maxUnavailabel: 1\n'), 'pdb.yaml:6:3: spec.maxUnavailabel: unknown field "maxUnavailabel" in PodDisruptionBudgetSpec; did you mean "maxUnavailable"?'],
    ['policy/v1beta1', budget('  maxUnavailable: 1\n', 'policy/v1beta1'), 'pdb.yaml:1:13: apiVersion: PodDisruptionBudget is served by apiVersion "policy/v1", not "policy/v1beta1"'],
  ])('refuses %s', (_, text, message) => {
    expect(failure(text)).toContain(message);
  });
});
