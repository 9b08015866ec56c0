// Allowed domains as typed in the channel form ("example.com, *.example.com"): split into
// patterns and checked with the same rule as the server (linktor-core allowed_domains.rs),
// so most mistakes are shown before Save; the server's 422 remains the final word.

/** Splits a comma-separated list into lower-case patterns, dropping empty items. */
export function parseDomainList(list: string): string[] {
  return list
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter((d) => d !== '');
}

const LABEL = /^[a-z0-9-]{1,63}$/i;

/** '' when `pattern` is a host name or `*.` + host name, else what is wrong with it. */
export function checkDomainPattern(pattern: string): string {
  const host = pattern.startsWith('*.') ? pattern.slice(2) : pattern;
  const shape = `"${pattern}" is not a host name like example.com or *.example.com`;
  if (host === '' || host.length > 253) return shape;
  for (const label of host.split('.')) {
    if (!LABEL.test(label) || label.startsWith('-') || label.endsWith('-')) {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(pattern)) return `"${pattern}": leave out the scheme (${pattern.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '')})`;
      if (pattern.includes('/')) return `"${pattern}": a host name only, without a path`;
      if (pattern.includes(':')) return `"${pattern}": a host name only, without a port`;
      return shape;
    }
  }
  return '';
}

/** Checks the whole field: '' when valid, else the first problem. */
export function checkDomainList(list: string): string {
  const patterns = parseDomainList(list);
  if (patterns.length === 0) return 'Enter at least one domain, such as example.com';
  if (patterns.length > 100) return 'At most 100 domains';
  for (const p of patterns) {
    const problem = checkDomainPattern(p);
    if (problem) return problem;
  }
  return '';
}
