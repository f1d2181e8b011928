// The Kubernetes basic StatefulSet tutorial, checked: ordered start, stable
// names and DNS, per-pod storage that survives a reschedule while the IP changes.
import { request } from 'node:http';
import { defineScenario } from 'emu';

/** GET a page the way an application inside the cluster would: by DNS name. */
function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c)).on('end', () => resolve(body.trim()));
    })
      .on('error', reject)
      .end();
  });
}

export default defineScenario({
  name: 'web: identity, DNS and storage follow the ordinal',
  manifests: ['manifests/web.yaml'],
  async run(t) {
    await t.step('each pod has hostname = pod name', async () => {
      for (const pod of ['web-0', 'web-1']) t.check.equal((await t.exec(pod, ['hostname'])).stdout.trim(), pod, `hostname of ${pod}`);
    });

    await t.step('each pod writes its name into its own volume and serves it', async () => {
      for (const pod of ['web-0', 'web-1']) {
        await t.exec(pod, ['sh', '-c', 'hostname > /usr/share/nginx/html/index.html']);
        t.check.equal(await get(`http://${pod}.nginx/`), pod, `page served by ${pod}.nginx`);
      }
      t.check.equal(t.resolve('nginx'), t.pods('web').map((p) => p.ip!), 'headless name resolves to all ready pods, in ordinal order');
    });

    await t.step('deleted pods return with the same names and data, new IPs', async () => {
      const before = t.pods('web');
      await Promise.all(before.map((p) => t.deletePod(p.name)));
      await t.waitForReady('web');
      for (const old of before) {
        const now = t.pod(old.name);
        t.check.notEqual(now.ip, old.ip, `${old.name} gets a new IP`);
        t.check.equal(now.volumeDirs, old.volumeDirs, `${old.name} keeps its volume`);
        // The tutorial has no readiness probe, so Ready means "started", not "serving": poll.
        const page = await t.eventually(`${old.name}.nginx to serve`, () => get(`http://${old.name}.nginx/`), 10);
        t.check.equal(page, old.name, `${old.name}.nginx serves its own page again`);
        t.note(`${old.name}: ${old.ip} -> ${now.ip}`);
      }
    });
  },
});
