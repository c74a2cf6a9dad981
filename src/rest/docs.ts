import { dirname, join } from "node:path";

/**
 * `/docs`: Scalar's API reference rendering `/openapi.json`. The script is served from the
 * installed package, not a CDN, so the page works on a machine with no internet.
 */
export const DOCS_HTML = `<!doctype html>
<html>
  <head>
    <title>Agent Cloud API</title>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
  </head>
  <body>
    <div id="app"></div>
    <script src="/docs/scalar.js"></script>
    <script>
      Scalar.createApiReference("#app", { url: "/openapi.json", hideClientButton: false });
    </script>
  </body>
</html>`;

export function scalarScriptPath(): string {
  const packageEntry = Bun.resolveSync("@scalar/api-reference", import.meta.dir);
  // .../@scalar/api-reference/dist/index.js → .../dist/browser/standalone.js
  return join(dirname(packageEntry), "browser", "standalone.js");
}
