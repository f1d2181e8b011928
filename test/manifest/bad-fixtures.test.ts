import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../../src/errors.ts';
import { loadManifests } from '../../src/manifest/index.ts';

const dir = fileURLToPath(new URL('./fixtures/bad/', import.meta.url));
const INVALID = 'MANIFEST_INVALID';
const UNSUPPORTED = 'MANIFEST_UNSUPPORTED';
const containers = 'spec.template.spec.containers[0]';

/** file, line:col, field path, a substring of the message, error code. */
const CASES: [string, string, string, string, string][] = [
  ['yaml-syntax.yaml', '7:1', '', 'YAML syntax error: Flow sequence in block collection', INVALID],
  ['tab-indent.yaml', '5:1', '', 'YAML syntax error: Tabs are not allowed as indentation', INVALID],
  ['duplicate-key.yaml', '6:3', '', 'YAML syntax error: Map keys must be unique', INVALID],
  ['not-a-mapping.yaml', '2:1', '', 'a manifest document must be an object', INVALID],
  ['replicas-string.yaml', '8:13', 'spec.replicas', 'must be an integer, got string "three"', INVALID],
  ['negative-replicas.yaml', '8:13', 'spec.replicas', 'must be 0 or greater, got -1', INVALID],
  ['missing-selector.yaml', '7:3', 'spec.selector', 'required field is missing', INVALID],
  ['mismatched-labels.yaml', '15:9', 'spec.template.metadata.labels', '`selector` does not match template `labels`', INVALID],
  ['name-slash.yaml', '5:9', 'metadata.name', 'invalid value "config/evil"', INVALID],
  ['name-dotdot.yaml', '5:9', 'metadata.name', 'invalid value ".."', INVALID],
  ['name-uppercase.yaml', '5:9', 'metadata.name', 'invalid value "Web": must consist of lowercase letters', INVALID],
  ['name-too-long.yaml', '5:9', 'metadata.name', 'must be no more than 52 characters (is 53)', INVALID],
  ['service-name-digit.yaml', '5:9', 'metadata.name', 'start with a letter', INVALID],
  ['namespace-invalid.yaml', '6:14', 'metadata.namespace', 'invalid value "my_ns"', INVALID],
  ['missing-name.yaml', '5:3', 'metadata.name', 'required field is missing; name the ConfigMap', INVALID],
  ['unknown-kind.yaml', '3:7', 'kind', 'kind "DaemonSet" is not supported by emu; supported kinds: StatefulSet (apps/v1), Deployment (apps/v1), ReplicaSet (apps/v1), Pod (v1)', UNSUPPORTED],
  ['kind-typo.yaml', '3:7', 'kind', 'did you mean "StatefulSet"?', INVALID],
  ['wrong-apiversion.yaml', '2:13', 'apiVersion', 'StatefulSet is served by apiVersion "apps/v1", not "v1"', INVALID],
  ['unknown-field.yaml', '15:7', 'spec.template.spec.containerz', 'unknown field "containerz" in PodSpec; did you mean "containers"?', INVALID],
  ['no-image.yaml', '16:9', `${containers}.image`, 'required field is missing; set the image', INVALID],
  ['duplicate-container.yaml', '20:15', 'spec.template.spec.containers[1].name', 'duplicate container name "app"', INVALID],
  ['missing-volume.yaml', '21:17', `${containers}.volumeMounts[0].name`, 'no volume named "cache"', INVALID],
  ['relative-mountpath.yaml', '22:22', `${containers}.volumeMounts[0].mountPath`, 'must be an absolute path', INVALID],
  ['mountpath-root.yaml', '22:22', `${containers}.volumeMounts[0].mountPath`, 'must not be "/": a volume cannot replace the root filesystem', INVALID],
  ['mountpath-proc.yaml', '22:22', `${containers}.volumeMounts[0].mountPath`, '"/proc/sys" is inside /proc, which the container runtime provides', INVALID],
  ['mountpath-dev.yaml', '22:22', `${containers}.volumeMounts[0].mountPath`, '"/dev/" is inside /dev', INVALID],
  ['alias-bomb.yaml', '9:10', '', 'YAML aliases expand to too many nodes (more than 100 per anchor; an alias bomb?)', INVALID],
  ['unknown-capability.yaml', '22:32', `${containers}.securityContext.capabilities.add[1]`, 'unknown capability "NET_TELEPORT"', INVALID],
  ['escalation-privileged.yaml', '24:37', `${containers}.securityContext.allowPrivilegeEscalation`, 'cannot set allowPrivilegeEscalation to false and privileged to true', INVALID],
  ['negative-run-as-user.yaml', '18:20', 'spec.template.spec.securityContext.runAsUser', 'must be between 0 and 2147483647, got -1', INVALID],
  ['subpath-escape.yaml', '23:20', `${containers}.volumeMounts[0].subPath`, "must not contain '..'", INVALID],
  ['invalid-port.yaml', '21:26', `${containers}.ports[0].containerPort`, 'must be between 1 and 65535, got 70000', INVALID],
  ['port-name-too-long.yaml', '22:17', `${containers}.ports[0].name`, 'must be no more than 15 characters', INVALID],
  ['probe-two-handlers.yaml', '26:11', `${containers}.readinessProbe.httpGet`, 'may not specify more than one handler', INVALID],
  ['env-value-and-valuefrom.yaml', '23:11', `${containers}.env[0].valueFrom`, 'may not be set when "value" is not empty', INVALID],
  ['env-unsupported-fieldpath.yaml', '24:26', `${containers}.env[0].valueFrom.fieldRef.fieldPath`, '"metadata.uid" is not emulated by emu', UNSUPPORTED],
  ['env-value-number.yaml', '22:18', `${containers}.env[0].value`, 'must be a string, got integer 8080 (quote it: "8080")', INVALID],
  ['restart-policy-never.yaml', '20:22', 'spec.template.spec.restartPolicy', 'unsupported value "Never": must be one of "Always"', INVALID],
  ['hostpath-volume.yaml', '20:9', 'spec.template.spec.volumes[0].hostPath', 'not supported by emu; supported volume types', UNSUPPORTED],
  ['bad-base64.yaml', '7:13', 'data[password]', 'must be base64-encoded', INVALID],
  ['configmap-key-dotdot.yaml', '7:3', 'data[../passwd]', 'invalid key "../passwd"', INVALID],
  ['nodeport-service.yaml', '7:9', 'spec.type', 'type NodePort is not supported by emu', UNSUPPORTED],
  ['native-sidecar.yaml', '17:24', 'spec.template.spec.initContainers[0].restartPolicy', 'sidecar init containers (restartPolicy: Always) are not supported by emu', UNSUPPORTED],
  ['service-without-ports.yaml', '7:3', 'spec.ports', 'a Service needs ports unless it is headless', INVALID],
  ['duplicate-object.yaml', '12:9', 'metadata.name', 'duplicate ConfigMap "default/settings": already defined at', INVALID],
  ['list-bad-item.yaml', '14:13', 'metadata.labels[tier]', 'invalid value "front end"', INVALID],
  ['deployment-restart-never.yaml', '20:22', 'spec.template.spec.restartPolicy', 'unsupported value "Never": must be one of "Always"', INVALID],
  ['deployment-surge-not-percent.yaml', '13:17', 'spec.strategy.rollingUpdate.maxSurge', 'must be an integer or a percentage (e.g. 1 or "25%"), got "30"', INVALID],
  ['deployment-no-room.yaml', '15:23', 'spec.strategy.rollingUpdate.maxUnavailable', 'may not be 0 when `maxSurge` is 0', INVALID],
  ['deployment-recreate-with-rolling.yaml', '13:5', 'spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'", INVALID],
  ['deployment-unavailable-over-100.yaml', '13:23', 'spec.strategy.rollingUpdate.maxUnavailable', 'must not be greater than 100%, got "150%"', INVALID],
  ['deployment-deadline-below-min-ready.yaml', '12:28', 'spec.progressDeadlineSeconds', 'must be greater than minReadySeconds (30)', INVALID],
  ['replicaset-empty-selector.yaml', '8:13', 'spec.selector', 'empty selector is invalid for a ReplicaSet', INVALID],
  ['pod-restart-policy.yaml', '7:18', 'spec.restartPolicy', 'unsupported value "Sometimes": must be one of "Always", "OnFailure", "Never"', INVALID],
  ['pod-missing-claim-volume.yaml', '11:13', 'spec.containers[0].volumeMounts[0].name', 'no volume named "shared"; add it to spec.volumes', INVALID],
  ['pvc-block-mode.yaml', '8:15', 'spec.volumeMode', 'emu claims are directories', UNSUPPORTED],
  ['pvc-bad-size.yaml', '10:16', 'spec.resources.requests[storage]', 'invalid value "ten gigs": must be a quantity', INVALID],
  ['namespace-uppercase.yaml', '5:9', 'metadata.name', 'invalid value "Team_A"', INVALID],
];

describe('malformed manifests', () => {
  it.each(CASES)('%s fails at %s', async (file, position, fieldPath, message, code) => {
    const error = await loadManifests([dir + file]).then(
      () => expect.unreachable('loaded without error'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ManifestError);
    const { location, code: actualCode } = error as ManifestError;
    expect({ position: `${location.line}:${location.col}`, fieldPath: (error as ManifestError).fieldPath, code: actualCode }).toEqual({
      position,
      fieldPath,
      code,
    });
    expect(location.file).toBe(dir + file);
    expect((error as ManifestError).message).toContain(message);
    expect((error as ManifestError).message).toMatch(new RegExp(`^${dir + file}:${position}: `));
  });

  it('covers every fixture, each saying at the top what is wrong', () => {
    const files = readdirSync(dir).sort();
    expect(files).toEqual(CASES.map(([file]) => file).sort());
    for (const file of files) expect(readFileSync(dir + file, 'utf8')).toMatch(/^# \S/);
  });
});
