import { quote, type Field } from './field.ts';
import { dns1123Label, labelValue, qualifiedName } from './names.ts';

/** Top-level object metadata: a name in the kind's format, and an optional namespace. */
export function validateMetadata(meta: Field, kind: string, nameFormat: (value: string) => string | null): void {
  meta.required(`every ${kind} needs metadata.name`).checkFields('ObjectMeta');
  meta.field('name').required(`name the ${kind}`).format(nameFormat);
  meta.field('namespace').format(dns1123Label);
  validateLabels(meta.field('labels'));
  validateAnnotations(meta.field('annotations'));
}

/** A label map (metadata.labels, selectors): qualified-name keys, short string values. */
export function validateLabels(labels: Field): void {
  for (const [key, value] of labels.entries()) {
    const problem = qualifiedName(key);
    if (problem) value.fail(`invalid label key ${quote(key)}: ${problem}`, value.keyLocation);
    value.format(labelValue);
  }
}

/** Annotations are accepted as they are, but must be string to string like in Kubernetes. */
export function validateAnnotations(annotations: Field): void {
  for (const [key, value] of annotations.entries()) {
    const problem = qualifiedName(key);
    if (problem) value.fail(`invalid annotation key ${quote(key)}: ${problem}`, value.keyLocation);
    value.str();
  }
}
