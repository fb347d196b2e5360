// Drives the admin page over HTTP like a browser without one: keeps cookies, reads the CSRF
// token from each page, follows nothing automatically. Admins are made by the same code
// `intake admin create` runs.
import { generate } from 'otplib';
import { AdminRepo } from '../../src/auth/admin-repo.js';
import { createAdminAccount, type CreatedAdmin } from '../../src/auth/create-admin.js';
import { SecretBox } from '../../src/crypto/secret-box.js';
import { parseKeyList } from '../../src/crypto/key-source.js';
import type { Db } from '../../src/store/database.js';
import type { Config } from '../../src/config/config-schema.js';

export const TEST_PASSWORD = 'correct horse battery staple';

export function adminRepoFor(db: Db, config: Config): AdminRepo {
  return new AdminRepo(db, new SecretBox(parseKeyList(config.secrets.secretKey ?? '')));
}

export function createTestAdmin(db: Db, config: Config, username = 'admin'): Promise<CreatedAdmin> {
  return createAdminAccount(adminRepoFor(db, config), { username, password: TEST_PASSWORD });
}

/** The code an authenticator app shows now, or `steps` periods later (still accepted: ±1 step). */
export function totpCode(secret: string, steps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });
}

export interface PageResponse {
  status: number;
  location: string | null;
  html: string;
}

export class AdminClient {
  readonly baseUrl: string;
  private readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async get(path: string): Promise<PageResponse> {
    return this.request(path, { method: 'GET' });
  }

  async post(path: string, form: Record<string, string>, withCsrf = true): Promise<PageResponse> {
    const body = new URLSearchParams(withCsrf ? { _csrf: this.csrf, ...form } : form);
    return this.request(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  async signIn(username: string, password: string, code: string): Promise<PageResponse> {
    await this.get('/admin/login');
    const res = await this.post('/admin/login', { username, password, code });
    if (res.status === 303) await this.get('/admin');
    return res;
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** Fetches an absolute URL (e.g. the OAuth callback) with this browser's cookies. */
  async fetchWithCookies(url: string): Promise<PageResponse> {
    return this.request(url, { method: 'GET' });
  }

  private async request(pathOrUrl: string, init: RequestInit): Promise<PageResponse> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.baseUrl}${pathOrUrl}`;
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: this.cookieHeader() },
    });
    for (const line of res.headers.getSetCookie()) this.storeCookie(line);
    const html = await res.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (csrf) this.csrf = csrf;
    return { status: res.status, location: res.headers.get('location'), html };
  }

  private storeCookie(line: string): void {
    const [pair = '', ...attrs] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attrs.some((a) => /^\s*(max-age=0\s*$|expires=Thu, 01 Jan 1970)/i.exec(a) !== null);
    if (!value || expired) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}
