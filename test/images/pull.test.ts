import { describe, expect, it } from 'vitest';
import { findImage } from '../../src/images/catalog.ts';
import { missingPackages, missingPackagesMessage } from '../../src/images/pull.ts';

describe('missing Debian packages', () => {
  it('are found by asking dpkg', async () => {
    // bash is installed on every Debian; the other name exists nowhere.
    expect(await missingPackages(['bash', 'emu-test-no-such-package'])).toEqual(['emu-test-no-such-package']);
  });

  it('are named per image, with the one command that installs them all', () => {
    const images = [findImage('gcr.io/google-samples/xtrabackup:1.0'), findImage('registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10')];
    expect(missingPackagesMessage(images, ['mariadb-backup', 'ncat', 'maven'])).toBe(
      'images need Debian packages that are not installed (xtrabackup needs mariadb-backup ncat; zookeeper needs maven); ' +
        'install them with: sudo apt-get install -y --no-install-recommends mariadb-backup ncat maven',
    );
  });
});
