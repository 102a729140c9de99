/** The module registry: name -> module. Slipway's own modules are registered by src/modules/index.ts. */
import type { Module } from "./types.js";

export class ModuleRegistry {
  private readonly modules = new Map<string, Module>();

  constructor(modules: Iterable<Module> = []) {
    for (const m of modules) this.register(m);
  }

  register(module: Module): this {
    if (this.modules.has(module.name)) throw new Error(`module "${module.name}" is registered twice`);
    this.modules.set(module.name, module);
    return this;
  }

  get(name: string): Module | undefined {
    return this.modules.get(name);
  }

  names(): string[] {
    return [...this.modules.keys()].sort();
  }
}
