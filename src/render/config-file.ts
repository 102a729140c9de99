/**
 * Config files rendered from a local template (`services.*.files`, seed 004's JSON config): `${secret:NAME}` is
 * replaced by the service's secret NAME, JSON-escaped when the file is JSON (the placeholder sits inside a JSON
 * string), as written otherwise. Nothing else is interpreted, so the rest of the template arrives byte for byte.
 */
import { RenderError } from "./errors.js";

const PLACEHOLDER = /\$\{secret:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * The file's content. Throws RenderError naming `where` (template path and line) when a placeholder names a secret
 * the service does not list, or a listed secret has no value.
 */
export function renderConfigFile(
  template: string,
  secrets: Readonly<Record<string, string | undefined>>,
  options: { json: boolean; where: string; listed: readonly string[] },
): string {
  return template.replace(PLACEHOLDER, (_match, name: string, offset: number) => {
    const line = template.slice(0, offset).split("\n").length;
    const at = `${options.where}:${line}`;
    if (!options.listed.includes(name)) {
      throw new RenderError(at, name, "is not in the service's `secrets`", `add ${name} to the service's secrets`);
    }
    const value = secrets[name];
    if (value === undefined) {
      throw new RenderError(at, name, "has no value", `export ${name}=... before deploying`);
    }
    return options.json ? JSON.stringify(value).slice(1, -1) : value;
  });
}

/** `<deploy_dir>/files/<service>-<color>/<n>-<name>`: one directory per service and color, 0700, root's. */
export function configFileHostPath(deployDir: string, service: string, color: string, index: number, path: string) {
  const name = path.split("/").pop() || "file";
  return `${deployDir.replace(/\/+$/, "")}/files/${service}-${color}/${index}-${name}`;
}
