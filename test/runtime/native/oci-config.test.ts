import { describe, expect, it } from 'vitest';
import { defaultSecurity } from '../../../src/kubelet/security-context.ts';
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES } from '../../../src/runtime/capabilities.ts';
import { containerConfig, LOWER, MERGED, sandboxConfig, type ContainerInput, type OciConfig } from '../../../src/runtime/native/oci-config.ts';

const ids = { hostId: 0x1000_0000, size: 65536 };
const mapping = [{ containerID: 0, hostID: 0x1000_0000, size: 65536 }];

function input(over: Partial<ContainerInput> = {}): ContainerInput {
  return {
    argv: ['nginx'],
    env: ['PATH=/usr/bin'],
    workingDir: '/',
    security: defaultSecurity(),
    rootfs: '/layers/p/web-0/rootfs',
    upperDir: '/layers/p/web-0/upper',
    workDir: '/layers/p/web-0/work',
    overlays: [
      { dir: 'etc', lower: '/host-etc' },
      { dir: 'usr', lower: '/usr' },
    ],
    lowerMode: 'idmapped',
    readOnlyMounts: ['/home'],
    shadowDirs: [],
    mounts: [{ source: '/volumes/www-web-0', target: '/usr/share/nginx/html', readOnly: false }, { source: '/docker/nginx', target: '/emu/image', readOnly: true }],
    dnsDir: '/run/dns',
    sandboxPid: 42,
    ids,
    shareProcessNamespace: false,
    nodeCapabilities: ALL_CAPABILITIES,
    ...over,
  };
}

const mount = (config: OciConfig, destination: string) => config.mounts.filter((m) => m.destination === destination);
const caps = (names: readonly string[]) => names.map((n) => `CAP_${n}`);

describe('OCI configuration of a container', () => {
  it("joins the sandbox's network, IPC, UTS and user namespaces, with PID and mount namespaces of its own", () => {
    expect(containerConfig(input()).linux.namespaces).toEqual([
      { type: 'pid' },
      { type: 'mount' },
      { type: 'network', path: '/proc/42/ns/net' },
      { type: 'ipc', path: '/proc/42/ns/ipc' },
      { type: 'uts', path: '/proc/42/ns/uts' },
      { type: 'user', path: '/proc/42/ns/user' },
    ]);
    expect(containerConfig(input({ shareProcessNamespace: true })).linux.namespaces[0]).toEqual({ type: 'pid', path: '/proc/42/ns/pid' });
    expect(containerConfig(input({ ids: undefined })).linux.namespaces.map((n) => n.type)).not.toContain('user');
  });

  it("overlays the host's root, seen through the pod's id mapping, once; binds each top-level directory from it; then hides both", () => {
    const config = containerConfig(input());
    const [lower, lowerMask] = mount(config, LOWER);
    expect(lower).toMatchObject({ type: 'bind', source: '/' });
    expect(lower.options).toEqual(expect.arrayContaining(['bind', 'ro', 'idmap']));
    expect(lower.options).not.toContain('rbind'); // the root filesystem alone, not the node's mounts on it
    const [merged, mergedMask] = mount(config, MERGED);
    expect(merged).toMatchObject({
      type: 'overlay',
      options: ['userxattr', `lowerdir=/layers/p/web-0/rootfs${LOWER},upperdir=/layers/p/web-0/upper,workdir=/layers/p/web-0/work`],
    });
    expect(mount(config, '/usr')).toEqual([{ destination: '/usr', type: 'bind', source: `/layers/p/web-0/rootfs${MERGED}/usr`, options: ['bind'] }]);
    expect(config.mounts.filter((m) => m.type === 'overlay')).toHaveLength(1);
    for (const mask of [lowerMask, mergedMask]) expect(mask).toMatchObject({ type: 'tmpfs', options: expect.arrayContaining(['ro']) });
    const order = config.mounts.map((m) => m.destination);
    expect(order.indexOf(MERGED)).toBeGreaterThan(order.indexOf(LOWER));
    expect(order.indexOf('/usr')).toBeGreaterThan(order.indexOf(MERGED));
    expect(order.lastIndexOf(LOWER)).toBeGreaterThan(order.indexOf('/usr'));
    expect(order.lastIndexOf(MERGED)).toBeGreaterThan(order.indexOf('/usr'));
  });

  it('takes the lower layers as given when id-mapped mounts are not possible, and keeps /var/tmp writable', () => {
    const config = containerConfig(input({ lowerMode: 'direct' }));
    expect(mount(config, LOWER)).toEqual([]);
    expect(mount(config, '/var/tmp')[0]).toMatchObject({ type: 'tmpfs', options: expect.arrayContaining(['mode=1777']) });
    expect(mount(containerConfig(input()), '/var/tmp')).toEqual([]);
    expect(mount(config, '/etc')[0].options).toEqual(['userxattr', 'lowerdir=/host-etc,upperdir=/layers/p/web-0/upper/etc,workdir=/layers/p/web-0/work/etc']);
    expect(config.mounts.some((m) => m.uidMappings || m.options?.includes('idmap'))).toBe(false);
  });

  it('spells the id mapping out when the PID namespace is shared (crun maps mounts before joining the user namespace then)', () => {
    const config = containerConfig(input({ shareProcessNamespace: true }));
    expect(mount(config, LOWER)[0]).toMatchObject({ uidMappings: mapping, gidMappings: mapping });
    expect(mount(config, '/usr/share/nginx/html')[0]).toMatchObject({ options: ['bind'], uidMappings: mapping, gidMappings: mapping });
  });

  it('escapes the characters overlayfs splits its options at', () => {
    const config = containerConfig(input({ lowerMode: 'direct', upperDir: '/a,b:c', overlays: [{ dir: 'usr', lower: '/usr' }] }));
    expect(mount(config, '/usr')[0].options![1]).toContain('upperdir=/a\\,b\\:c/usr,');
  });

  it('mounts volumes id-mapped, read-only when asked, after the system mounts; other host filesystems read-only', () => {
    const config = containerConfig(input());
    expect(mount(config, '/usr/share/nginx/html')[0]).toEqual({ destination: '/usr/share/nginx/html', type: 'bind', source: '/volumes/www-web-0', options: ['bind', 'idmap'] });
    expect(mount(config, '/emu/image')[0].options).toEqual(['bind', 'ro', 'idmap']);
    expect(mount(config, '/home')[0]).toMatchObject({ type: 'bind', options: ['rbind', 'ro'] });
    const order = config.mounts.map((m) => m.destination);
    expect(order.indexOf('/usr/share/nginx/html')).toBeGreaterThan(order.indexOf('/run'));
    expect(mount(config, '/etc/.emu-dns')[0]).toMatchObject({ source: '/run/dns', options: expect.arrayContaining(['ro']) });
  });

  it('gives its own /proc, a minimal /dev, /sys read-only, private /tmp and /run, and masks kernel interfaces', () => {
    const config = containerConfig(input());
    expect(['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/tmp', '/run'].map((d) => mount(config, d)[0]?.type)).toEqual(['proc', 'tmpfs', 'devpts', 'tmpfs', 'mqueue', 'sysfs', 'tmpfs', 'tmpfs']);
    expect(mount(config, '/sys')[0].options).toContain('ro');
    expect(config.linux.maskedPaths).toContain('/proc/kcore');
    expect(config.linux.readonlyPaths).toContain('/proc/sys');
  });

  it('runs the process as the resolved user with its capabilities, limited to what the node has', () => {
    const security = { ...defaultSecurity(), uid: 1000, gid: 3000, supplementalGroups: [2000], noNewPrivileges: true };
    const { process } = containerConfig(input({ security, nodeCapabilities: DEFAULT_CAPABILITIES.filter((c) => c !== 'MKNOD') }));
    expect(process.user).toEqual({ uid: 1000, gid: 3000, additionalGids: [2000] });
    expect(process.capabilities.bounding).toEqual(caps(DEFAULT_CAPABILITIES.filter((c) => c !== 'MKNOD')));
    expect(process.capabilities.ambient).toEqual([]);
    expect(process.noNewPrivileges).toBe(true);
  });

  it('makes the root filesystem read-only on request', () => {
    const config = containerConfig(input({ security: { ...defaultSecurity(), readOnlyRootFilesystem: true } }));
    expect(config.root.readonly).toBe(true);
    expect(mount(config, '/usr')[0].options).toContain('ro');
    expect(mount(config, MERGED)[0].options).toContain('ro');
  });

  it("gives a privileged container the node's capabilities, /sys writable, nothing masked", () => {
    const config = containerConfig(input({ ids: undefined, security: { ...defaultSecurity(), privileged: true, noNewPrivileges: true } }));
    expect(config.process.capabilities.effective).toEqual(caps(ALL_CAPABILITIES));
    expect(config.process.noNewPrivileges).toBe(false);
    expect(config.linux.maskedPaths).toBeUndefined();
    expect(mount(config, '/sys')[0].options).toContain('rw');
    expect(config.mounts.some((m) => m.uidMappings || m.options?.includes('idmap'))).toBe(false);
  });
});

describe('OCI configuration of a sandbox', () => {
  it("holds the pod's namespaces, its own user namespace mapped to the pod's range, and may only configure its network", () => {
    const config = sandboxConfig({ hostname: 'web-0', rootfs: '/layers/sandbox-rootfs', ids, shareProcessNamespace: false });
    expect(config.hostname).toBe('web-0');
    expect(config.linux.uidMappings).toEqual(mapping);
    expect(config.linux.namespaces.map((n) => n.type).sort()).toEqual(['ipc', 'mount', 'network', 'pid', 'user', 'uts']);
    expect(config.process.capabilities.bounding).toEqual(['CAP_NET_ADMIN']);
    expect(config.process.noNewPrivileges).toBe(true);
    expect(config.root).toEqual({ path: '/layers/sandbox-rootfs', readonly: true });
  });

  it('keeps the host ids for a pod that uses them', () => {
    const config = sandboxConfig({ hostname: 'web-0', rootfs: '/r', shareProcessNamespace: true });
    expect(config.process.args.at(-1)).toBe('reap');
    expect(config.linux.uidMappings).toBeUndefined();
    expect(config.linux.namespaces.map((n) => n.type)).not.toContain('user');
  });
});
