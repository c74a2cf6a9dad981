/**
 * The methods a path answers, for the Allow header of a 405: built once from the route table
 * (`:param` segments, a trailing `*`), consulted only when no route took the request.
 */
export function allowedMethodsIndex(routes: ReadonlyArray<{ path: string; method: string }>): (pathname: string) => string | undefined {
  const byPath = new Map<string, Set<string>>();
  for (const { path, method } of routes) {
    const methods = byPath.get(path) ?? new Set<string>();
    methods.add(method);
    // Bun and Elysia answer HEAD wherever GET is.
    if (method === "GET") methods.add("HEAD");
    byPath.set(path, methods);
  }
  const matchers = [...byPath].map(([path, methods]) => ({ pattern: patternOf(path), methods }));
  return (pathname) => {
    let allowed: Set<string> | undefined;
    for (const { pattern, methods } of matchers) {
      if (!pattern.test(pathname)) continue;
      allowed ??= new Set();
      for (const method of methods) allowed.add(method);
    }
    return allowed ? [...allowed].join(", ") : undefined;
  };
}

function patternOf(path: string): RegExp {
  const source = path
    .split("/")
    .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment === "*" ? ".*" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${source}/?$`);
}
