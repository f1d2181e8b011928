import type { LabelSelector } from 'kubernetes-types/meta/v1.d.ts';
import type { Field } from './field.ts';
import { describeLabelSelector, labelSelectorMatches, validateLabelSelector } from './validate-selector.ts';

/**
 * A pod template's `affinity`. emu has one node and no scheduler, so every pod runs
 * on that node and affinity is not emulated: accepted with a warning. Required pod
 * anti-affinity gets a warning of its own that says what Kubernetes would do, since
 * it decides whether a set can run at all: when its labelSelector picks the
 * template's own pods, Kubernetes runs one of them per topology domain (per node for
 * kubernetes.io/hostname) and leaves the rest Pending, where emu runs them all (the
 * behaviour replicated tutorials like ZooKeeper's need on one machine); when it picks
 * none of them, it keeps nothing apart in Kubernetes either.
 */
export function validateAffinity(affinity: Field, podLabels: Readonly<Record<string, string>>): void {
  if (!affinity.present) return;
  const value = affinity.obj()!;
  const antiAffinity = affinity.field('podAntiAffinity');
  const required = antiAffinity.field('requiredDuringSchedulingIgnoredDuringExecution');
  const terms = required.items();
  for (const term of terms) {
    term.obj();
    const selector = term.field('labelSelector');
    validateLabelSelector(selector);
    const topologyKey = term.field('topologyKey').required('name the node label that defines a topology domain, e.g. kubernetes.io/hostname').str()!;
    const picked = describeLabelSelector((selector.value ?? {}) as LabelSelector);
    if (selector.present && labelSelectorMatches(selector.value as LabelSelector, podLabels)) {
      term.warn(`required podAntiAffinity (${picked}, topologyKey ${topologyKey}): on one node Kubernetes would run only one of these pods and leave the others Pending; emu has one node and runs them all on it`);
    } else {
      const labels = describeLabelSelector({ matchLabels: { ...podLabels } });
      term.warn(`required podAntiAffinity: its labelSelector (${picked}) picks none of this template's pods (labels ${labels}), so it keeps nothing apart, in Kubernetes either; ignored`);
    }
  }
  // Anything else (node affinity, pod affinity, preferences) is ignored like other scheduling fields.
  const others = Object.keys(value).filter((k) => k !== 'podAntiAffinity');
  const otherAnti = Object.keys(antiAffinity.obj() ?? {}).filter((k) => k !== 'requiredDuringSchedulingIgnoredDuringExecution');
  if (others.length > 0 || otherAnti.length > 0 || (terms.length === 0 && Object.keys(value).length > 0)) affinity.warn('not emulated by emu (one node, no scheduler); ignored');
}
