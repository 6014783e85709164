/** The user model settings (LB3's names) that the User's behaviour reads, with LB3's defaults. */

type AnyModel = any;

export function settingsOf(User: AnyModel): Record<string, any> {
  return User.settings ?? {};
}

/** bcrypt's cost from `saltWorkFactor` (LB3's 10 when absent or out of bcrypt's range). */
export function hashRounds(User: AnyModel): number {
  const r = Number(settingsOf(User).saltWorkFactor ?? 10);
  return Number.isInteger(r) && r >= 4 && r <= 31 ? r : 10;
}

/** An email as stored and queried: lower-case where the model sets `caseSensitiveEmail: false`. */
export function normalizeEmail(User: AnyModel, email: unknown): unknown {
  return typeof email === 'string' && settingsOf(User).caseSensitiveEmail === false
    ? email.toLowerCase()
    : email;
}

/** Realms partition the users (LB3: `realmRequired`, or a `realmDelimiter`, which implies it). */
export function usesRealms(User: AnyModel): boolean {
  const settings = settingsOf(User);
  return !!(settings.realmRequired || settings.realmDelimiter);
}
