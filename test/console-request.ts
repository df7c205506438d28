/**
 * A same-origin JSON request for calling console route handlers directly in integration tests: the
 * origin and host headers pass the CSRF check the way the console's own fetches do.
 */
export function consoleRequest(method: string, path: string, body?: unknown): Request {
  return new Request(`http://localhost${path}`, {
    method,
    headers: { "content-type": "application/json", origin: "http://localhost", host: "localhost" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
