/**
 * A request body produced on demand, counting the bytes the handler pulled: a limit "enforced before
 * parsing" must refuse after about `limit` bytes, however many more the client would send.
 */
export function trackedBody(total: number, options: { chunk?: number; fill?: number } = {}) {
  const chunk = options.chunk ?? 64 * 1024;
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= total) {
          controller.close();
          return;
        }
        const n = Math.min(chunk, total - pulled);
        pulled += n;
        controller.enqueue(new Uint8Array(n).fill(options.fill ?? 0x78));
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled, chunk };
}

export function streamingRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body: ReadableStream<Uint8Array> | string },
): Request {
  return new Request(url, {
    method: init.method ?? "POST",
    headers: init.headers,
    body: init.body,
    duplex: "half",
  } as RequestInit);
}
