import { describe, expect, it } from 'vitest';
import { otherHostMounts } from '../../../src/runtime/native/host-view.ts';

// /proc/self/mountinfo lines: id, parent, dev, root, mount point, options…
const line = (point: string, fs = 'ext4') => `1 0 8:1 / ${point} rw,relatime - ${fs} /dev/sda1 rw`;

describe("the host's other filesystems, shown read-only in containers", () => {
  it('skips /, what the runtime provides, and the node\'s own /etc; keeps only the outermost', () => {
    const mountinfo = [
      line('/'),
      line('/proc', 'proc'),
      line('/sys/fs/cgroup', 'tmpfs'),
      line('/dev/shm', 'tmpfs'),
      line('/run/user/0', 'tmpfs'),
      line('/tmp', 'tmpfs'),
      line('/etc', 'overlay'),
      line('/etc/.emu-dns'),
      line('/home'),
      line('/home/alice/data'),
      line('/mnt/backup\\040disk'),
    ].join('\n');
    expect(otherHostMounts(mountinfo)).toEqual(['/home', '/mnt/backup disk']);
  });
});
