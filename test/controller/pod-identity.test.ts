import { describe, expect, it } from 'vitest';
import { claimName, parsePodName, podIdentity, podName } from '../../src/controller/pod-identity.ts';
import { setKey } from '../../src/controller/types.ts';
import { makeSet } from './helpers.ts';

describe('pod identity', () => {
  it('names pods <set>-<ordinal> and parses the ordinal back from the last dash', () => {
    expect(podName('web', 0)).toBe('web-0');
    expect(parsePodName('web-12')).toEqual({ setName: 'web', ordinal: 12 });
    expect(parsePodName('my-db-3')).toEqual({ setName: 'my-db', ordinal: 3 });
    expect(parsePodName('web')).toBeUndefined();
    expect(parsePodName('web-x')).toBeUndefined();
  });

  it('names claims <claim>-<set>-<ordinal>', () => {
    expect(claimName('data', 'web', 2)).toBe('data-web-2');
  });

  it('gives a pod its hostname, subdomain, claims and Kubernetes labels', () => {
    const set = makeSet({ claims: ['data', 'logs'] });
    expect(podIdentity(set, 1, 'web-abc')).toEqual({
      name: 'web-1',
      hostname: 'web-1',
      subdomain: 'nginx',
      labels: {
        app: 'web',
        'statefulset.kubernetes.io/pod-name': 'web-1',
        'apps.kubernetes.io/pod-index': '1',
        'controller-revision-hash': 'web-abc',
      },
      claimNames: ['data-web-1', 'logs-web-1'],
    });
  });

  it('uses the ordinal itself, not its index, when ordinals.start is set', () => {
    const identity = podIdentity(makeSet({ start: 5 }), 5, 'r');
    expect(identity.name).toBe('web-5');
    expect(identity.labels['apps.kubernetes.io/pod-index']).toBe('5');
  });

  it('keys sets by namespace/name', () => {
    expect(setKey(makeSet({ name: 'db' }))).toBe('default/db');
  });
});
