// @ts-check
/**
 * A TypeDoc plugin for the API reference: names each package's module after its folder, `<name>` (TypeDoc's
 * "resolve" strategy would call it `<name>/src`), and lists inherited members only on the class that
 * declares them (each subclass page links its base class), which keeps the 80 distributions' page readable.
 */
import { Converter, DeclarationReflection, ReflectionKind } from "typedoc";

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const m of context.project.getReflectionsByKind(ReflectionKind.Module)) {
      m.name = m.name.replace(/\/src$/, "");
    }
    const inherited = Object.values(context.project.reflections).filter(
      (r) =>
        r instanceof DeclarationReflection &&
        r.inheritedFrom !== undefined &&
        r.kind !== ReflectionKind.Constructor,
    );
    for (const r of inherited) context.project.removeReflection(r);
  });
}
