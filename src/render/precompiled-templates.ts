/**
 * templates/ precompiled by handlebars, by name (`nginx/site.conf.hbs`). Empty here: running from source compiles each
 * template from templates/ on first use. scripts/bundle.mjs replaces this module in the bundles with every template
 * precompiled (the same options as render/handlebars.ts), so a bundled CLI spends no CPU compiling them at each start
 * (~25-60 ms for the nginx site); the V8 code cache of the CLI then holds them compiled to bytecode too.
 */
import type Handlebars from "handlebars";

type Spec = ReturnType<typeof Handlebars.precompile>;

/** Template name -> handlebars' precompiled spec (what `env.template()` takes). */
export const precompiledTemplates: Readonly<Record<string, Spec>> = {};
