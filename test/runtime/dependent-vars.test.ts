import { describe, expect, it } from 'vitest';
import { defaultSecurity } from '../../src/kubelet/security-context.ts';
import { containerArgv, containerEnv } from '../../src/runtime/container-env.ts';
import { expandDependentVars } from '../../src/runtime/dependent-vars.ts';

describe('dependent environment variables ($(VAR), as Kubernetes expands them)', () => {
  const vars = new Map([['POD_NAME', 'web-0'], ['NS', 'default']]);

  it('replaces defined references, keeps undefined ones, and unescapes $$', () => {
    expect(expandDependentVars('$(POD_NAME).nginx.$(NS).svc', vars)).toBe('web-0.nginx.default.svc');
    expect(expandDependentVars('$(MISSING)-$(POD_NAME)', vars)).toBe('$(MISSING)-web-0');
    expect(expandDependentVars('$$(POD_NAME) costs $$5', vars)).toBe('$(POD_NAME) costs $5');
    expect(expandDependentVars('$POD_NAME ${POD_NAME}', vars)).toBe('$POD_NAME ${POD_NAME}'); // shell syntax is not Kubernetes'
  });

  it('lets an env value use variables defined before it (and the pod IP), not after', () => {
    const env = containerEnv(
      {
        name: 'c',
        image: 'busybox',
        argv: [],
        mounts: [],
        security: defaultSecurity(),
        env: [
          { name: 'POD_IP', value: '', fromPodIP: true },
          { name: 'URL', value: 'http://$(POD_IP):$(PORT)/' },
          { name: 'PORT', value: '80' },
          { name: 'SELF', value: '$(URL)x' },
        ],
      },
      'web-0',
      '10.244.0.7',
    );
    expect(env).toContain('URL=http://10.244.0.7:$(PORT)/');
    expect(env).toContain('SELF=http://10.244.0.7:$(PORT)/x');
  });

  it('expands the container\'s own variables in its command, nothing else', () => {
    const spec = { name: 'c', image: 'busybox', argv: ['echo', '$(GREETING) $(HOSTNAME) $$(GREETING)'], mounts: [], security: defaultSecurity(), env: [{ name: 'GREETING', value: 'hi' }] };
    expect(containerArgv(spec, containerEnv(spec, 'web-0', '10.244.0.7'))).toEqual(['echo', 'hi $(HOSTNAME) $(GREETING)']);
  });
});
