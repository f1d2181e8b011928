/**
 * Kubernetes' dependent environment variables: `$(NAME)` in an env value, a
 * command or an argument is replaced by the variable's value when NAME is
 * defined (env values see only the variables defined before them); `$$` escapes
 * to a literal `$`; an undefined reference is left as written.
 */
export function expandDependentVars(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    return vars.has(name!) ? vars.get(name!)! : match;
  });
}
