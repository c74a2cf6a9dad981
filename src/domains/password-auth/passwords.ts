/** Password hashing: argon2id through Bun.password (salted, parameters inside the hash string). */
export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(password, { algorithm: "argon2id" });
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored hash. With no hash (unknown user, or an account that never
 * set a password) it still verifies against a throwaway hash, so both cases cost the same time.
 */
export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword(crypto.randomUUID());
    await Bun.password.verify(password, await dummyHash);
    return false;
  }
  try {
    return await Bun.password.verify(password, hash);
  } catch {
    // A malformed stored hash is a failed check, never a crash that tells the caller more.
    return false;
  }
}
