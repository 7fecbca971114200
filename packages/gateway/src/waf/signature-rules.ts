// The signature rule set: SQL injection (942xxx), XSS (941xxx) and local file inclusion
// (930xxx), in the spirit of the OWASP Core Rule Set; the numbers are this gateway's own and
// are listed in README.md.
//
// Every rule runs on the output of normalizeForSignatures: lower-case, decoded, comments
// replaced and whitespace runs collapsed to ONE space, so " ?" stands for optional whitespace.
// Backtracking safety: no quantified group contains another quantifier over an overlapping
// class, every open-ended repetition is bounded ({0,100}), and the one rule that needs
// "inside a tag" context is a linear scan instead of a regex.

export type Severity = 'critical' | 'error' | 'warning' | 'notice';

/** CRS anomaly points per severity. */
export const SEVERITY_SCORE: Readonly<Record<Severity, number>> = Object.freeze({ critical: 5, error: 4, warning: 3, notice: 2 });

export type SignatureFamily = 'sqli' | 'xss' | 'lfi';

export interface SignatureRule {
  readonly id: number;
  readonly family: SignatureFamily;
  readonly severity: Severity;
  readonly description: string;
  /** The matched text in the normalized value, or null. */
  readonly find: (normalized: string) => string | null;
  /**
   * Substrings of which every match contains at least one: a rule whose hints are all absent
   * is skipped without running its pattern (most values contain none of them).
   */
  readonly hints: readonly string[];
}

function pattern(regex: RegExp): (normalized: string) => string | null {
  if (regex.global || regex.sticky) throw new Error('signature patterns must be stateless (no g or y flag)');
  return (normalized) => regex.exec(normalized)?.[0] ?? null;
}

const EVENT_HANDLER = /[ /"'`]on[a-z]{3,30} ?=/g;

/** An on*= attribute inside an open tag ("<svg/onload=", "<img src=x onerror ="), found in one pass. */
function eventHandlerInTag(normalized: string): string | null {
  if (!normalized.includes('<')) return null;
  EVENT_HANDLER.lastIndex = 0;
  let scanned = 0;
  let openTag = -1;
  for (let match = EVENT_HANDLER.exec(normalized); match; match = EVENT_HANDLER.exec(normalized)) {
    for (; scanned < match.index; scanned++) {
      const c = normalized.charCodeAt(scanned);
      if (c === 60 /* < */) {
        const next = normalized.charCodeAt(scanned + 1);
        if (next >= 97 && next <= 122) openTag = scanned;
      } else if (c === 62 /* > */) {
        openTag = -1;
      }
    }
    if (openTag >= 0) return normalized.slice(openTag, Math.min(match.index + match[0].length, openTag + 120));
  }
  return null;
}

const QUOTE = `['"\`]`;
const QUOTES = ['\'', '"', '`'];

export const SIGNATURE_RULES: readonly SignatureRule[] = Object.freeze([
  // SQL injection
  {
    id: 942100, family: 'sqli', severity: 'critical',
    hints: ['or', 'and', '||', '&&'],
    description: 'SQL tautology on equal numbers (or 1=1)',
    find: pattern(/(?:\b(?:or|and|xor)|\|\||&&) ?\(? ?['"`]?(\d{1,10})['"`]? ?(?:=|<=>|\blike\b) ?['"`]?\1\b/),
  },
  {
    id: 942110, family: 'sqli', severity: 'critical',
    hints: QUOTES,
    description: "SQL quote break followed by a boolean condition (' or 'a'='a, ' or true)",
    find: pattern(new RegExp(
      `${QUOTE} ?\\)? ?(?:\\b(?:or|and|xor)\\b|\\|\\||&&) ?\\(? ?(?:${QUOTE}?\\w{0,30}${QUOTE}? ?(?:=|<>|!=|<=?|>=?|\\blike\\b|\\bis\\b|\\bin ?\\()|(?:true|false|not)\\b)`,
    )),
  },
  {
    id: 942120, family: 'sqli', severity: 'critical',
    hints: ['union'],
    description: 'SQL UNION SELECT',
    find: pattern(/\bunion(?: all| distinct)? ?\(? ?select\b/),
  },
  {
    id: 942130, family: 'sqli', severity: 'critical',
    hints: [';'],
    description: 'SQL stacked query (; drop table, ; delete from, ; exec xp_)',
    find: pattern(/; ?(?:drop (?:table|database|schema|user|view|index|procedure|function)\b|delete from\b|insert into\b|update [\w.`"[\]]{1,64} set\b|truncate (?:table )?[\w`"[]|alter (?:table|user|database)\b|create (?:table|user|database|procedure|function)\b|exec(?:ute)? ?(?:xp_|sp_|master\.|\()|shutdown\b|declare @|grant [a-z])/),
  },
  {
    id: 942140, family: 'sqli', severity: 'critical',
    hints: QUOTES,
    description: "SQL quote break followed by a comment (admin'--, admin'#)",
    find: pattern(new RegExp(`${QUOTE} ?\\)? ?;? ?(?:--(?:[ -]|$)|#(?: |$))`)),
  },
  {
    id: 942150, family: 'sqli', severity: 'critical',
    hints: ['sleep', 'benchmark', 'waitfor', 'dbms_'],
    description: 'SQL time-based probe (sleep(), benchmark(), pg_sleep(), waitfor delay)',
    find: pattern(/\b(?:sleep\( ?\d|pg_sleep ?\(|benchmark ?\( ?\d|waitfor (?:delay|time) ?'|dbms_pipe\.receive_message ?\(|dbms_lock\.sleep ?\()/),
  },
  {
    id: 942160, family: 'sqli', severity: 'critical',
    hints: ['information_schema', 'mysql.', 'pg_', 'sysobjects', 'syscolumns', 'sys.', 'sqlite_master', 'all_tables', 'user_tables'],
    description: 'SQL system catalog access (information_schema, sysobjects, sqlite_master)',
    find: pattern(/\b(?:information_schema|mysql\.(?:user|db)|pg_(?:catalog|shadow|user)|sysobjects|syscolumns|sys\.(?:tables|objects|columns)|sqlite_master|msysobjects|all_tables|user_tables)\b/),
  },
  {
    id: 942170, family: 'sqli', severity: 'critical',
    hints: ['load_file', 'into', 'xp_cmdshell', 'utl_', 'lo_import', 'program'],
    description: 'SQL file or command access (load_file(), into outfile, xp_cmdshell)',
    find: pattern(/\b(?:load_file ?\(|into (?:out|dump)file\b|xp_cmdshell\b|utl_http\.|utl_inaddr\.|lo_import ?\(|copy [\w.]{1,64} (?:from|to) program\b)/),
  },
  {
    id: 942180, family: 'sqli', severity: 'critical',
    hints: ['extractvalue', 'updatexml', 'name_const', 'rand'],
    description: 'SQL error-based extraction (extractvalue(), updatexml(), floor(rand())',
    find: pattern(/\b(?:extractvalue ?\(|updatexml ?\(|name_const ?\(|floor ?\( ?rand ?\()/),
  },
  {
    id: 942190, family: 'sqli', severity: 'warning',
    hints: ['select'],
    description: 'SQL SELECT … FROM with a column list',
    find: pattern(/\bselect (?:distinct |top \d{1,9} )?(?:\*|count ?\( ?[\w*]{0,64} ?\)|[\w.@`"[\]]{1,64}(?: ?, ?[\w.@`"[\]]{1,64}){0,20}) ?from [\w.@`"[]/),
  },
  {
    id: 942200, family: 'sqli', severity: 'warning',
    hints: QUOTES,
    description: 'SQL keyword right after a quote',
    find: pattern(new RegExp(`${QUOTE} ?\\)? ?(?:or|and|xor|having|union|order by|group by|limit|procedure|into)\\b`)),
  },
  {
    id: 942220, family: 'sqli', severity: 'notice',
    hints: ['('],
    description: 'SQL string function call (char(), concat(), substring())',
    find: pattern(/\b(?:char|chr|concat(?:_ws)?|group_concat|ascii|substring|substr|mid|unhex|cast) ?\(/),
  },
  {
    id: 942250, family: 'sqli', severity: 'warning',
    hints: ['order by', 'having'],
    description: 'SQL ORDER BY / HAVING probe (order by 5--, having 1=1)',
    find: pattern(/\b(?:order by \d{1,4} ?(?:--|#|;|$)|having \d{1,10} ?= ?\d)/),
  },

  // Cross-site scripting
  {
    id: 941100, family: 'xss', severity: 'critical',
    hints: ['<'],
    description: 'XSS <script> tag',
    find: pattern(/<\/?script\b/),
  },
  {
    id: 941110, family: 'xss', severity: 'critical',
    hints: ['<'],
    description: 'XSS event handler attribute in a tag (<svg onload=, <img onerror=)',
    find: eventHandlerInTag,
  },
  {
    id: 941120, family: 'xss', severity: 'critical',
    hints: [':'],
    description: 'XSS javascript:/vbscript: URI or data:text/html',
    find: pattern(/(?:j ?a ?v ?a|v ?b|l ?i ?v ?e) ?s ?c ?r ?i ?p ?t ?:(?:[^ ]|[^\n]{0,100}?[\w$)\]]\()|\bdata ?: ?text\/html\b/),
  },
  {
    id: 941130, family: 'xss', severity: 'critical',
    hints: ['<'],
    description: 'XSS embedding tag (<iframe, <object, <embed, <base)',
    find: pattern(/<(?:iframe|frame|frameset|object|embed|applet|base|isindex)\b/),
  },
  {
    id: 941140, family: 'xss', severity: 'error',
    hints: ['<'],
    description: 'XSS script-capable tag (<svg, <math, <style, <meta, <link)',
    find: pattern(/<(?:svg|math|style|link|meta|xml|template)\b/),
  },
  {
    id: 941150, family: 'xss', severity: 'critical',
    hints: ['document', 'window', 'html', 'fromcharcode', 'eval(', 'settimeout', 'function', '-moz-binding', 'expression('],
    description: 'XSS DOM access (document.cookie, document.write, .innerHTML=, eval()',
    find: pattern(/\bdocument ?\. ?(?:cookie|domain|write(?:ln)?|location)\b|\bwindow ?\. ?location\b|\.(?:inner|outer)html ?=|\bfromcharcode ?\(|\beval\(|\bsettimeout ?\( ?['"`]|\bnew function ?\(|-moz-binding\b|\bexpression\(/),
  },
  {
    id: 941160, family: 'xss', severity: 'warning',
    hints: ['alert', 'prompt', 'confirm'],
    description: 'XSS probe function call (alert(), prompt(), confirm())',
    find: pattern(/\b(?:alert|prompt|confirm)(?:\(|`)/),
  },

  // Local file inclusion
  {
    id: 930110, family: 'lfi', severity: 'critical',
    hints: ['..'],
    description: 'Path traversal in an argument (../)',
    find: pattern(/(?:^|[\\/])\.\.(?:[\\/]|$)/),
  },
  {
    id: 930120, family: 'lfi', severity: 'critical',
    hints: ['/etc/', '/proc/self/', '.ini', '/windows/system32', '.ht', '.env', '.git/'],
    description: 'OS or secret file access (/etc/passwd, /proc/self/, .env, .git/)',
    find: pattern(/\/etc\/(?:passwd|shadow|group|hosts|issue)\b|\/proc\/self\/|\b(?:win|boot)\.ini\b|\/windows\/system32\b|\.ht(?:access|passwd)\b|(?:^|\/)\.env\b|(?:^|\/)\.git\//),
  },
] satisfies SignatureRule[]);
