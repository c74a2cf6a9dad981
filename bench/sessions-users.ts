/**
 * Users for the sessions benchmark, made through the platform's own API as a mobile user would
 * make one: POST /auth/signup (without a mail provider, outside production, the magic token comes
 * back in the response to a loopback caller), GET /auth/verify (a JWT access token), then tRPC
 * `apiKeys.create` (an API key, the credential every session request then carries). Each user has its own X-Forwarded-For address,
 * because sign-up is limited to 30 an hour per client address (the runner trusts 127.0.0.1 as a
 * proxy, as bench/run.ts does). One user per session: a user may have 1 live session and 5 an hour.
 */
export async function createUsers(baseUrl: string, count: number, label: string, concurrency = 8): Promise<string[]> {
  const keys: string[] = new Array<string>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      keys[i] = await createUser(baseUrl, `${label}-${i}`, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return keys;
}

async function createUser(baseUrl: string, name: string, index: number): Promise<string> {
  const run = crypto.randomUUID().slice(0, 8);
  // Loopback addresses: the magic token is returned to loopback callers only.
  const forwarded = { "x-forwarded-for": `127.77.${(index >> 8) & 255}.${index & 255}` };
  const signup = await call<{ magic_token?: string }>(`${baseUrl}/auth/signup`, {
    method: "POST",
    headers: { ...forwarded, "content-type": "application/json" },
    body: JSON.stringify({ email: `bench-${name}-${run}@example.test` }),
  });
  if (!signup.magic_token) throw new Error("POST /auth/signup returned no magic_token: the benchmark needs the log mailer (SMTP_URL unset) outside production");
  const tokens = await call<{ access_token: string }>(`${baseUrl}/auth/verify?token=${encodeURIComponent(signup.magic_token)}`, { headers: forwarded });
  const created = await call<{ result: { data: { json: { key: string } } } }>(`${baseUrl}/trpc/apiKeys.create`, {
    method: "POST",
    headers: { ...forwarded, "content-type": "application/json", authorization: `Bearer ${tokens.access_token}` },
    body: JSON.stringify({ json: { name: "bench" } }),
  });
  return created.result.data.json.key;
}

async function call<T>(url: string, init: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${new URL(url).pathname} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}
