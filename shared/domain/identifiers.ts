/**
 * Shape checks for the identifiers a claim carries. These validate form, not existence: a code
 * that looks right can still be retired or unbillable; the scrubber judges that.
 */

/** NPI: 10 digits, Luhn check digit computed over the ISO prefix 80840 + the first 9 digits. */
export function isValidNpi(npi: string): boolean {
  if (!/^\d{10}$/.test(npi)) return false;
  const digits = `80840${npi.slice(0, 9)}`;
  let sum = 0;
  // Double every second digit counting from the right of the 14-digit payload.
  for (let i = digits.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) {
    let v = Number(digits[i]);
    if (dbl) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
  }
  const check = (10 - (sum % 10)) % 10;
  return check === Number(npi[9]);
}

/**
 * ICD-10-CM: letter, digit, digit-or-letter (C4A, M1A, Z3A exist), then optionally a dot and one
 * to four more characters (placeholder X allowed). Accepts "m5416" and returns "M54.16".
 */
export function normalizeIcd10(raw: string): string | null {
  const s = raw.trim().toUpperCase().replace(/\s+/g, '');
  const m = /^([A-Z][0-9][0-9A-Z])\.?([0-9A-Z]{1,4})?$/.exec(s);
  if (!m) return null;
  // A trailing dot with nothing after it is a typo, not a code.
  if (s.endsWith('.')) return null;
  return m[2] ? `${m[1]}.${m[2]}` : (m[1] ?? null);
}

/** CPT category I (5 digits), II (4 digits + F), III (4 digits + T), PLA (+U); HCPCS II (letter + 4 digits). */
export function isCptOrHcpcsShape(code: string): boolean {
  return /^\d{4}[0-9FTU]$/.test(code) || /^[A-V]\d{4}$/.test(code);
}

/** Place-of-service codes: two digits (CMS POS code set). */
export function isPosShape(code: string): boolean {
  return /^\d{2}$/.test(code);
}
