import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { debFileName, parseSimulation } from '../../src/images/deb-closure.ts';
import { aptPackagesOf, recipeHash } from '../../src/images/docker-build.ts';
import { dockerRecipe, recipesFor } from '../../src/images/docker-recipes.ts';
import { demultiplex } from '../../src/runtime/docker/docker-runtime.ts';

describe('Docker image recipes', () => {
  it.each([
    ['registry.k8s.io/nginx-slim:0.8', 'emu.local/nginx:bookworm'],
    ['nginx:1.25', 'emu.local/nginx:bookworm'],
    ['mysql:8.0', 'emu.local/mariadb:10.11'],
    ['mariadb:10.11', 'emu.local/mariadb:10.11'],
    ['docker.elastic.co/elasticsearch/elasticsearch:8.14.1', 'emu.local/elasticsearch:8.14.3'],
    ['busybox', 'emu.local/debian:bookworm'],
  ])('%s runs as %s', (reference, tag) => {
    expect(dockerRecipe(reference).tag).toBe(tag);
  });

  it('always builds the base and pause images, and each image once', () => {
    expect(recipesFor(['nginx:1.25', 'registry.k8s.io/nginx-slim:0.8']).map((r) => r.name)).toEqual(['shell', 'pause', 'nginx']);
  });

  it('marks an image with its recipe folder, so a changed recipe (a package added) is rebuilt before pods start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-recipe-'));
    try {
      const recipe = { name: 'pause', tag: 'emu.local/pause:test', dir };
      writeFileSync(join(dir, 'Dockerfile'), 'FROM x\nLABEL dev.emu.apt-packages="iproute2"\n');
      const before = await recipeHash(recipe);
      expect(await recipeHash(recipe)).toBe(before);
      writeFileSync(join(dir, 'Dockerfile'), 'FROM x\nLABEL dev.emu.apt-packages="iproute2 nftables"\n');
      expect(await recipeHash(recipe)).not.toBe(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the Debian packages a Dockerfile asks for', () => {
    expect(aptPackagesOf('FROM x\nLABEL dev.emu.apt-packages="mariadb-server-core  mariadb-client-core"\nRUN y\n')).toEqual(['mariadb-server-core', 'mariadb-client-core']);
    expect(aptPackagesOf('FROM x\nLABEL other="a"\n')).toEqual([]);
  });
});

describe('Debian package closure', () => {
  it("parses apt's simulation and names archives as apt does", () => {
    const output = [
      'NOTE: This is only a simulation!',
      'Inst libaio1 (0.3.113-4 Debian:12.15/oldstable [amd64])',
      'Inst mariadb-common (1:10.11.19-0+deb12u1 Debian-Security:12/oldstable-security [all])',
      'Inst libc6 [2.36-9] (2.36-9+deb12u14 Debian:12.15/oldstable [amd64])',
      'Conf libaio1 (0.3.113-4 Debian:12.15/oldstable [amd64])',
    ].join('\n');
    expect(parseSimulation(output).map(debFileName)).toEqual([
      'libaio1_0.3.113-4_amd64.deb',
      'mariadb-common_1%3a10.11.19-0+deb12u1_all.deb',
      'libc6_2.36-9+deb12u14_amd64.deb',
    ]);
  });
});

describe("Docker's multiplexed log stream", () => {
  it('joins the frames of stdout and stderr in order', () => {
    const frame = (stream: number, text: string) => Buffer.concat([Buffer.from([stream, 0, 0, 0, 0, 0, 0, Buffer.byteLength(text)]), Buffer.from(text)]);
    expect(demultiplex(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n'), frame(1, 'more')]))).toBe('out\nerr\nmore');
  });
});
