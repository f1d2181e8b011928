import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EmuError } from '../../src/errors.ts';
import { CATALOG, DOCKER_DIR, IMAGE_DIR, containerArgv, findImage, imageRepository, imageTag, type NativeImage } from '../../src/images/catalog.ts';

describe('imageRepository', () => {
  it.each([
    ['registry.k8s.io/nginx-slim:0.21', 'nginx-slim'],
    ['nginx', 'nginx'],
    ['nginx:1.25', 'nginx'],
    ['docker.io/library/nginx:1.25', 'nginx'],
    ['docker.io/nginx', 'nginx'],
    ['library/nginx', 'nginx'],
    ['docker.elastic.co/elasticsearch/elasticsearch:8.14.1', 'elasticsearch/elasticsearch'],
    ['mariadb:10.11', 'mariadb'],
    ['localhost:5000/busybox', 'busybox'],
    ['localhost:5000/busybox:1.36', 'busybox'],
    ['localhost/busybox', 'busybox'],
    ['k8s.gcr.io/google_containers/nginx-slim:0.8', 'nginx-slim'],
    ['gcr.io/google-containers/busybox', 'busybox'],
    ['nginxinc/nginx-unprivileged:1.25-alpine', 'nginxinc/nginx-unprivileged'],
    ['nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31', 'nginx'],
    ['nginx:1.25@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31', 'nginx'],
    ['registry.k8s.io/nginx-slim@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31', 'nginx-slim'],
    ['localhost:5000/busybox@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31', 'busybox'],
  ])('%s → %s', (reference, repository) => {
    expect(imageRepository(reference)).toBe(repository);
  });

  it('keeps a Docker Hub user namespace (a first component without "." or ":" is not a registry)', () => {
    expect(imageRepository('someuser/nginx:1.0')).toBe('someuser/nginx');
  });
});

describe('imageTag', () => {
  it('returns the tag, or latest when there is none', () => {
    expect(imageTag('nginx:1.25')).toBe('1.25');
    expect(imageTag('registry.k8s.io/nginx-slim:0.21')).toBe('0.21');
    expect(imageTag('nginx')).toBe('latest');
    expect(imageTag('localhost:5000/busybox')).toBe('latest');
    expect(imageTag('localhost:5000/busybox:1.36')).toBe('1.36');
    expect(imageTag('nginx:1.25@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31')).toBe('1.25');
  });

  // BUG: for a digest-only reference the hex digest is taken for the tag: the pattern
  // /:([^/:@]+)(@.*)?$/ matches the ":<hex>" after "sha256". Such a reference has no tag.
  it('does not mistake a digest for a tag', () => {
    const hex = '0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31';
    expect(imageTag(`nginx@sha256:${hex}`)).not.toBe(hex);
  });
});

describe('findImage', () => {
  it('finds the native recipe for the images of the scenarios', () => {
    expect(findImage('registry.k8s.io/nginx-slim:0.21').name).toBe('nginx');
    expect(findImage('nginx').name).toBe('nginx');
    expect(findImage('docker.io/library/nginx:1.25').name).toBe('nginx');
    expect(findImage('docker.elastic.co/elasticsearch/elasticsearch:8.14.1').name).toBe('elasticsearch');
    expect(findImage('mariadb:10.11').name).toBe('mysql');
    expect(findImage('mysql:8.0').name).toBe('mysql');
    expect(findImage('localhost:5000/busybox').name).toBe('shell');
    expect(findImage('gcr.io/google-samples/xtrabackup:1.0').name).toBe('xtrabackup');
    expect(findImage('registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10').name).toBe('zookeeper');
    expect(findImage('gcr.io/google_containers/kubernetes-zookeeper:1.0-3.4.10').name).toBe('zookeeper');
    expect(findImage('busybox@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31').name).toBe('shell');
  });

  it('rejects an unknown image with IMAGE_UNKNOWN, naming the image and every known one', () => {
    let error: unknown;
    try {
      findImage('redis:7');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EmuError);
    expect((error as EmuError).code).toBe('IMAGE_UNKNOWN');
    const message = (error as EmuError).message;
    expect(message).toContain('redis:7');
    for (const repository of CATALOG.flatMap((i) => i.repositories)) expect(message).toContain(repository);
  });

  it('does not take a Docker Hub user image for the official one', () => {
    expect(() => findImage('someuser/nginx')).toThrow(EmuError);
  });
});

describe('CATALOG', () => {
  it('serves each repository from exactly one recipe', () => {
    const all = CATALOG.flatMap((i) => i.repositories);
    expect(new Set(all).size).toBe(all.length);
  });

  it('points recipes at files that exist in docker/, seen by the container at IMAGE_DIR', () => {
    expect(DOCKER_DIR.endsWith('/docker/')).toBe(true);
    for (const image of CATALOG) {
      const layer = image.layers.find((l) => l.target === IMAGE_DIR);
      const inContainer = [...image.entrypoint, ...image.cmd].filter((p) => p.startsWith(`${IMAGE_DIR}/`));
      if (inContainer.length > 0) expect(layer?.source.startsWith(DOCKER_DIR), image.name).toBe(true);
      for (const path of inContainer) expect(existsSync(layer!.source + path.slice(IMAGE_DIR.length)), `${image.name}: ${path}`).toBe(true);
      if (image.pullScript) expect(existsSync(image.pullScript), image.pullScript).toBe(true);
      expect([...image.entrypoint, ...image.cmd].some((p) => p.startsWith(DOCKER_DIR)), `${image.name} names a host path`).toBe(false);
    }
  });
});

describe('containerArgv', () => {
  const image: NativeImage = { name: 'test', repositories: ['test'], entrypoint: ['/entry.sh', '--flag'], cmd: ['serve', '--port=80'], aptPackages: [], layers: [], env: {} };

  it('runs entrypoint + cmd when the container sets neither command nor args', () => {
    expect(containerArgv(image, undefined, undefined)).toEqual(['/entry.sh', '--flag', 'serve', '--port=80']);
  });

  it('args replace the image cmd and keep the entrypoint', () => {
    expect(containerArgv(image, undefined, ['worker', '-v'])).toEqual(['/entry.sh', '--flag', 'worker', '-v']);
  });

  it('command replaces the entrypoint and drops the image cmd', () => {
    expect(containerArgv(image, ['sh', '-c', 'sleep 1'], undefined)).toEqual(['sh', '-c', 'sleep 1']);
  });

  it('command and args together run exactly command + args', () => {
    expect(containerArgv(image, ['/bin/echo'], ['a', 'b'])).toEqual(['/bin/echo', 'a', 'b']);
  });

  it('an empty command counts as unset', () => {
    expect(containerArgv(image, [], undefined)).toEqual(['/entry.sh', '--flag', 'serve', '--port=80']);
    expect(containerArgv(image, [], ['x'])).toEqual(['/entry.sh', '--flag', 'x']);
  });

  it('does not let callers mutate the catalog through the result', () => {
    const nginx = findImage('nginx');
    const before = [...nginx.cmd];
    containerArgv(nginx, undefined, undefined).push('--mutated');
    expect(nginx.cmd).toEqual(before);
  });

  // BUG (Kubernetes semantics): `args: []` is the same as leaving args out — the API server
  // drops empty lists (omitempty) and the runtime falls back to the image CMD when args is
  // empty. Here `args: []` replaces the cmd with nothing: for nginx (no entrypoint) the argv is
  // empty and the container cannot start. pod-builder passes c.args straight through.
  it('treats an empty args list like unset args', () => {
    expect(containerArgv(image, undefined, [])).toEqual(['/entry.sh', '--flag', 'serve', '--port=80']);
  });
});
