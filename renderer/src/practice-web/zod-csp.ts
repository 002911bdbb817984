/**
 * The practice server's page runs under a Content-Security-Policy without 'unsafe-eval'. zod
 * compiles object parsers with `new Function` when it may, and finds out by trying, which the
 * browser reports as a CSP violation: told it is jitless, it never tries. Imported first.
 */
import { z } from 'zod';

z.config({ jitless: true });
