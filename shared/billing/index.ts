/** Claim + scrubber in one call: what the backend, the CLI and the bench run. */
import { buildClaim, type ClaimInputs } from './claim';
import { scrubClaim, type Claim } from './scrubber';

export function computeClaim(inp: ClaimInputs): Claim {
  return scrubClaim(inp, buildClaim(inp));
}
