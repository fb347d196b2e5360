// The plain-HTTP listener that only redirects to HTTPS. The target origin comes from
// http.publicUrl, never from the Host header, so it cannot be turned into an open redirect.
import { createServer, type Server } from 'node:http';

export function redirectTarget(publicUrl: string, requestUrl: string | undefined): string {
  const origin = new URL(publicUrl);
  const path = requestUrl && requestUrl.startsWith('/') && !requestUrl.startsWith('//') ? requestUrl : '/';
  return new URL(path, origin).toString();
}

export async function startHttpsRedirect(host: string, port: number, publicUrl: string): Promise<Server> {
  const server = createServer((req, res) => {
    res.writeHead(308, { location: redirectTarget(publicUrl, req.url), 'content-length': '0', connection: 'close' });
    res.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
