import { describe, expect, it } from 'vitest';
import { defaultSecurity, podUsesHostUsers, resolveSecurity } from '../../src/kubelet/security-context.ts';
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES } from '../../src/runtime/capabilities.ts';

const names = { pod: 'web-0_default(1234)', container: 'nginx' };
const passwd = (uid: number) => (uid === 33 ? 33 : undefined); // www-data
const resolve = (pod: object | undefined, container: object | undefined) => resolveSecurity(pod, container, names, passwd);

describe('securityContext, merged as the kubelet does', () => {
  it('defaults to root with the runtime default capabilities', () => {
    expect(defaultSecurity()).toEqual({
      uid: 0,
      gid: 0,
      supplementalGroups: [],
      capabilities: [...DEFAULT_CAPABILITIES],
      privileged: false,
      noNewPrivileges: false,
      readOnlyRootFilesystem: false,
    });
  });

  it("lets the container's fields win over the pod's", () => {
    const { security } = resolve({ runAsUser: 1000, runAsGroup: 3000 }, { runAsUser: 2000 });
    expect([security.uid, security.gid]).toEqual([2000, 3000]);
  });

  it("runs a user without a group in that user's primary group, else group 0", () => {
    expect(resolve({ runAsUser: 33 }, undefined).security.gid).toBe(33);
    expect(resolve({ runAsUser: 1234 }, undefined).security.gid).toBe(0);
  });

  it('adds fsGroup to the supplemental groups, once', () => {
    expect(resolve({ fsGroup: 2000, supplementalGroups: [4000, 2000] }, undefined).security.supplementalGroups).toEqual([4000, 2000]);
  });

  it('drops ALL before adding, drops named capabilities after, and takes CAP_-prefixed or lower-case names', () => {
    expect(resolve(undefined, { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }).security.capabilities).toEqual(['NET_BIND_SERVICE']);
    expect(resolve(undefined, { capabilities: { add: ['cap_net_admin'], drop: ['KILL', 'CAP_CHOWN'] } }).security.capabilities).toEqual([
      ...DEFAULT_CAPABILITIES.filter((c) => c !== 'KILL' && c !== 'CHOWN'),
      'NET_ADMIN',
    ]);
    expect(resolve(undefined, { capabilities: { add: ['ALL'], drop: ['SYS_ADMIN'] } }).security.capabilities).toEqual(ALL_CAPABILITIES.filter((c) => c !== 'SYS_ADMIN'));
    expect(resolve(undefined, { capabilities: { add: ['NET_RAW'], drop: ['NET_RAW'] } }).security.capabilities).not.toContain('NET_RAW');
  });

  it('turns allowPrivilegeEscalation: false into no_new_privs, and keeps the other flags', () => {
    const { security } = resolve(undefined, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: true });
    expect(security).toMatchObject({ noNewPrivileges: true, readOnlyRootFilesystem: true, privileged: true });
  });

  it("refuses root under runAsNonRoot with the kubelet's words", () => {
    expect(resolve({ runAsNonRoot: true }, undefined).configError).toBe('container has runAsNonRoot and image will run as root (pod: "web-0_default(1234)", container: nginx)');
    expect(resolve({ runAsNonRoot: true, runAsUser: 0 }, undefined).configError).toBe('container\'s runAsUser breaks non-root policy (pod: "web-0_default(1234)", container: nginx)');
    expect(resolve({ runAsNonRoot: true }, { runAsUser: 1000 }).configError).toBeUndefined();
    expect(resolve({ runAsNonRoot: true }, { runAsNonRoot: false }).configError).toBeUndefined();
  });

  it('keeps host user ids for a pod that asks for them or has a privileged container', () => {
    expect(podUsesHostUsers(undefined, [{}])).toBe(false);
    expect(podUsesHostUsers(false, [{}])).toBe(false);
    expect(podUsesHostUsers(true, [{}])).toBe(true);
    expect(podUsesHostUsers(undefined, [{}, { securityContext: { privileged: true } }])).toBe(true);
  });
});
