/**
 * Free text that crosses a boundary (scenario names and descriptions): any language, markup allowed (it is only
 * ever rendered as text), but no control characters (NUL, escapes, DEL; tab and newline only where multi-line
 * text is allowed) and no lone UTF-16 surrogates — those cannot be stored as valid UTF-8 and would come back
 * changed.
 */
import { z } from "zod";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// control characters are exactly what these look for
// eslint-disable-next-line no-control-regex
const CONTROL_SINGLE_LINE = /[\u0000-\u001F\u007F]/;
// eslint-disable-next-line no-control-regex
const CONTROL_MULTI_LINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Why `s` is not storable text, or undefined when it is. */
export function textProblem(s: string, multiLine = false): string | undefined {
  const control = (multiLine ? CONTROL_MULTI_LINE : CONTROL_SINGLE_LINE).exec(s);
  if (control)
    return `control character U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} not allowed`;
  if (LONE_SURROGATE.test(s)) return "lone UTF-16 surrogate (not valid Unicode text)";
  return undefined;
}

/** A string schema of at most `max` characters that refuses control characters and lone surrogates. */
export function safeText(max: number, multiLine = false) {
  return z
    .string()
    .max(max)
    .superRefine((s, ctx) => {
      const p = textProblem(s, multiLine);
      if (p) ctx.addIssue({ code: "custom", message: p });
    });
}
