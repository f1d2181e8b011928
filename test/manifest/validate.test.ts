import { describe, expect, it } from 'vitest';
import { ManifestError } from '../../src/errors.ts';
import { parseManifestText } from '../../src/manifest/index.ts';

/** A valid StatefulSet with `pod` and `container` lines spliced into its pod spec and container. */
function statefulSet({ spec = '', pod = '', container = '' } = {}): string {
  return `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
${spec}  template:
    metadata: {labels: {app: web}}
    spec:
${pod}      containers:
      - name: app
        image: busybox:1.36
        ports: [{name: http, containerPort: 8080}]
${container}`;
}

function failure(text: string): { fieldPath: string; message: string; code: string } {
  try {
    parseManifestText(text, 'test.yaml');
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    return { fieldPath: error.fieldPath, message: error.message, code: error.code };
  }
  throw new Error('expected a ManifestError');
}

const c = 'spec.template.spec.containers[0]';

describe('validation rules', () => {
  const cases: [string, string, string, string, string?][] = [
    ['spec type', statefulSet({ spec: '  podManagementPolicy: Sometimes\n' }), 'spec.podManagementPolicy', 'must be one of "OrderedReady", "Parallel"'],
    ['strategy', statefulSet({ spec: '  updateStrategy: {type: Recreate}\n' }), 'spec.updateStrategy.type', 'must be one of "RollingUpdate", "OnDelete"'],
    ['OnDelete + rollingUpdate', statefulSet({ spec: '  updateStrategy: {type: OnDelete, rollingUpdate: {partition: 1}}\n' }), 'spec.updateStrategy.rollingUpdate', 'only allowed when updateStrategy.type is RollingUpdate'],
    ['partition', statefulSet({ spec: '  updateStrategy: {rollingUpdate: {partition: -2}}\n' }), 'spec.updateStrategy.rollingUpdate.partition', 'must be 0 or greater'],
    ['retention', statefulSet({ spec: '  persistentVolumeClaimRetentionPolicy: {whenDeleted: Keep}\n' }), 'spec.persistentVolumeClaimRetentionPolicy.whenDeleted', 'must be one of "Retain", "Delete"'],
    ['serviceName', statefulSet({ spec: '  serviceName: My_Service\n' }), 'spec.serviceName', 'invalid value "My_Service"'],
    ['empty selector', statefulSet().replace('{matchLabels: {app: web}}', '{}'), 'spec.selector', 'empty selector is invalid'],
    ['selector expression', statefulSet().replace('{matchLabels: {app: web}}', '{matchExpressions: [{key: app, operator: NotIn, values: [web]}]}'), 'spec.template.metadata.labels', '`selector` does not match template `labels`'],
    ['object type', statefulSet({ spec: '  ordinals: 3\n' }), 'spec.ordinals', 'must be an object (a mapping of fields), got integer 3'],
    ['array type', statefulSet({ container: '        args: --verbose\n' }), `${c}.args`, 'must be an array (a YAML list), got string "--verbose"'],
    ['boolean type', statefulSet({ container: '        volumeMounts: [{name: www, mountPath: /www, readOnly: "true"}]\n', spec: '  volumeClaimTemplates: [{metadata: {name: www}}]\n' }), `${c}.volumeMounts[0].readOnly`, 'must be a boolean (true or false), got string "true"'],
    ['no containers', statefulSet().replace(/ {6}containers:[\s\S]*/, '      containers: []\n'), 'spec.template.spec.containers', 'must have at least one container'],
    ['container name', statefulSet().replace('name: app', 'name: my_app'), `${c}.name`, 'invalid value "my_app"'],
    ['init + app duplicate', statefulSet({ pod: '      initContainers: [{name: app, image: busybox}]\n' }), `${c}.name`, 'duplicate container name "app"'],
    ['init probe', statefulSet({ pod: '      initContainers: [{name: init, image: busybox, readinessProbe: {exec: {command: [true]}}}]\n' }), 'spec.template.spec.initContainers[0].readinessProbe', 'may not be set for init containers'],
    ['no handler', statefulSet({ container: '        livenessProbe: {periodSeconds: 5}\n' }), `${c}.livenessProbe`, 'must specify a handler'],
    ['grpc', statefulSet({ container: '        livenessProbe: {grpc: {port: 9000}}\n' }), `${c}.livenessProbe.grpc`, 'not supported by emu; use exec, tcpSocket or httpGet', 'MANIFEST_UNSUPPORTED'],
    ['named probe port', statefulSet({ container: '        readinessProbe: {tcpSocket: {port: https}}\n' }), `${c}.readinessProbe.tcpSocket.port`, 'no port named "https" in this container'],
    ['empty exec', statefulSet({ container: '        readinessProbe: {exec: {command: []}}\n' }), `${c}.readinessProbe.exec.command`, 'must not be empty'],
    ['liveness success', statefulSet({ container: '        livenessProbe: {tcpSocket: {port: 8080}, successThreshold: 2}\n' }), `${c}.livenessProbe.successThreshold`, 'must be 1 for liveness and startup probes'],
    ['http scheme', statefulSet({ container: '        readinessProbe: {httpGet: {port: 8080, scheme: FTP}}\n' }), `${c}.readinessProbe.httpGet.scheme`, 'must be one of "HTTP", "HTTPS"'],
    ['duplicate port name', statefulSet({ container: '        env: []\n' }).replace('[{name: http, containerPort: 8080}]', '[{name: http, containerPort: 8080}, {name: http, containerPort: 8081}]'), `${c}.ports[1].name`, 'duplicate port name "http"'],
    ['env name', statefulSet({ container: '        env: [{value: x}]\n' }), `${c}.env[0].name`, 'required field is missing'],
    ['fieldPath', statefulSet({ container: '        env: [{name: X, valueFrom: {fieldRef: {fieldPath: spec.nothing}}}]\n' }), `${c}.env[0].valueFrom.fieldRef.fieldPath`, 'unsupported value "spec.nothing"'],
    ['configMapKeyRef', statefulSet({ container: '        env: [{name: X, valueFrom: {configMapKeyRef: {name: conf}}}]\n' }), `${c}.env[0].valueFrom.configMapKeyRef.key`, 'required field is missing'],
    ['two sources', statefulSet({ container: '        env: [{name: X, valueFrom: {configMapKeyRef: {name: a, key: b}, secretKeyRef: {name: a, key: b}}}]\n' }), `${c}.env[0].valueFrom`, 'must specify exactly one of'],
    ['resourceFieldRef', statefulSet({ container: '        env: [{name: X, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}]\n' }), `${c}.env[0].valueFrom.resourceFieldRef`, 'not supported by emu', 'MANIFEST_UNSUPPORTED'],
    ['envFrom', statefulSet({ container: '        envFrom: [{prefix: X_}]\n' }), `${c}.envFrom[0]`, 'must specify exactly one of configMapRef or secretRef'],
    ['duplicate mountPath', statefulSet({ pod: '      volumes: [{name: a, emptyDir: {}}, {name: b, emptyDir: {}}]\n', container: '        volumeMounts: [{name: a, mountPath: /x}, {name: b, mountPath: /x/}]\n' }), `${c}.volumeMounts[1].mountPath`, '"/x/" is already mounted'],
    ['two volume types', statefulSet({ pod: '      volumes: [{name: a, emptyDir: {}, secret: {secretName: s}}]\n' }), 'spec.template.spec.volumes[0]', 'must specify exactly one volume type'],
    ['items path', statefulSet({ pod: '      volumes: [{name: a, configMap: {name: c, items: [{key: k, path: /etc/passwd}]}}]\n' }), 'spec.template.spec.volumes[0].configMap.items[0].path', 'must be a relative path'],
    ['file mode', statefulSet({ pod: '      volumes: [{name: a, secret: {secretName: s, defaultMode: 1000}}]\n' }), 'spec.template.spec.volumes[0].secret.defaultMode', 'must be a file mode between 0 and 0777'],
    ['claim name', statefulSet({ spec: '  volumeClaimTemplates: [{metadata: {name: Data}}]\n' }), 'spec.volumeClaimTemplates[0].metadata.name', 'invalid value "Data"'],
    ['claim size', statefulSet({ spec: '  volumeClaimTemplates: [{metadata: {name: d}, spec: {resources: {requests: {storage: lots}}}}]\n' }), 'spec.volumeClaimTemplates[0].spec.resources.requests[storage]', 'must be a quantity'],
    ['access mode', statefulSet({ spec: '  volumeClaimTemplates: [{metadata: {name: d}, spec: {accessModes: [ReadWriteSometimes]}}]\n' }), 'spec.volumeClaimTemplates[0].spec.accessModes[0]', 'unsupported value "ReadWriteSometimes"'],
    ['unknown nested field', statefulSet({ container: '        readinessProbe: {exec: {command: [x]}, perodSeconds: 3}\n' }), `${c}.readinessProbe.perodSeconds`, 'unknown field "perodSeconds" in Probe; did you mean "periodSeconds"?'],
    ['null label', statefulSet().replace('{labels: {app: web}}', '{labels: {app: web, tier: }}'), 'spec.template.metadata.labels[tier]', 'must be a string, got null'],
  ];
  it.each(cases)('%s', (_name, text, fieldPath, message, code = 'MANIFEST_INVALID') => {
    const error = failure(text);
    expect({ fieldPath: error.fieldPath, code: error.code }).toEqual({ fieldPath, code });
    expect(error.message).toContain(message);
  });

  const service = (spec: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n${spec}`;
  const serviceCases: [string, string, string, string, string?][] = [
    ['LoadBalancer', service('  type: LoadBalancer\n  ports: [{port: 80}]\n'), 'spec.type', 'type LoadBalancer is not supported by emu', 'MANIFEST_UNSUPPORTED'],
    ['ExternalName', service('  type: ExternalName\n  externalName: example.com\n'), 'spec.type', 'not supported by emu', 'MANIFEST_UNSUPPORTED'],
    ['bad type', service('  type: Internal\n'), 'spec.type', 'unsupported value "Internal"'],
    ['clusterIP', service('  clusterIP: none\n'), 'spec.clusterIP', 'must be "None", empty, or an IP address'],
    ['port range', service('  ports: [{port: 0}]\n'), 'spec.ports[0].port', 'must be between 1 and 65535'],
    ['port names', service('  ports: [{name: a, port: 80}, {port: 81}]\n'), 'spec.ports[1].name', 'a Service with several ports must name each one'],
    ['duplicate port', service('  ports: [{name: a, port: 80}, {name: b, port: 80}]\n'), 'spec.ports[1].port', 'duplicate port 80/TCP'],
    ['targetPort', service('  ports: [{port: 80, targetPort: 1.5}]\n'), 'spec.ports[0].targetPort', 'must be an integer, got number 1.5'],
    ['targetPort name', service('  ports: [{port: 80, targetPort: Web_Port}]\n'), 'spec.ports[0].targetPort', 'invalid value "Web_Port"'],
    ['nodePort', service('  ports: [{port: 80, nodePort: 30080}]\n'), 'spec.ports[0].nodePort', 'may not be used when type is ClusterIP'],
    ['selector', service('  clusterIP: None\n  selector: {app: [web]}\n'), 'spec.selector[app]', 'must be a string, got an array'],
    ['publishNotReadyAddresses', service('  clusterIP: None\n  publishNotReadyAddresses: 1\n'), 'spec.publishNotReadyAddresses', 'must be a boolean'],
  ];
  it.each(serviceCases)('Service: %s', (_name, text, fieldPath, message, code = 'MANIFEST_INVALID') => {
    const error = failure(text);
    expect({ fieldPath: error.fieldPath, code: error.code }).toEqual({ fieldPath, code });
    expect(error.message).toContain(message);
  });

  it('accepts a Service with a fixed cluster IP and a named targetPort', () => {
    expect(() => parseManifestText(service('  clusterIP: 10.96.0.10\n  ports: [{port: 53, targetPort: dns}]\n'), 's.yaml')).not.toThrow();
  });

  it('checks ConfigMap and Secret values', () => {
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {port: 8080}\n';
    expect(failure(configMap)).toMatchObject({ fieldPath: 'data[port]', message: expect.stringContaining('must be a string, got integer 8080') });
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {"a b": x}\n';
    expect(failure(secret)).toMatchObject({ fieldPath: 'stringData[a b]', message: expect.stringContaining('invalid key "a b"') });
    const multiline = 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  cert: |\n    aGVsbG8g\n    d29ybGQ=\n';
    expect(() => parseManifestText(multiline, 's.yaml')).not.toThrow();
  });
});
