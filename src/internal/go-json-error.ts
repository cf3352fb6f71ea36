// Go's words for a malformed JSON request body. dockerd decodes bodies with encoding/json's
// Decoder and puts the decoder's error into its message ("invalid JSON: unexpected EOF" in moby
// 23+); clients and tests match on those texts, so berthd describes the first syntax error the way
// Go's scanner does. Pure; imports nothing.

/** Go's quoteChar: 'x', '\'' , '"', or a strconv.Quote escape such as '\n'. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  const q = JSON.stringify(c);
  return `'${q.slice(1, -1)}'`;
}

type Result = { end: number } | { error: string };

/**
 * The error json.NewDecoder(…).Decode reports for `text`, or undefined when the first value is
 * well-formed. `'EOF'` stands for io.EOF (nothing but white space). Trailing content after the
 * first value is not the decoder's concern (dockerd checks it with dec.More()).
 */
export function goDecodeError(text: string): string | undefined {
  const r = scanFirstValue(text);
  return 'error' in r ? r.error : undefined;
}

/**
 * The syntax error json.Unmarshal reports for `text` (it checks the whole input: its end is
 * "unexpected end of JSON input", content after the value an error of its own), or undefined.
 */
export function goUnmarshalError(text: string): string | undefined {
  const r = scanFirstValue(text);
  if ('error' in r) return r.error === 'EOF' || r.error === 'unexpected EOF' ? 'unexpected end of JSON input' : r.error;
  let i = r.end;
  while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  return i < text.length ? `invalid character ${quoteChar(text[i]!)} after top-level value` : undefined;
}

/** Scans the first JSON value of `text` as Go's scanner does: where it ends, or the error (`EOF`: nothing but white space). */
function scanFirstValue(text: string): Result {
  let i = 0;
  const n = text.length;
  const ws = (): void => { while (i < n && ' \t\r\n'.includes(text[i]!)) i++; };
  const bad = (context: string): { error: string } => ({ error: `invalid character ${quoteChar(text[i]!)} ${context}` });
  const eof = { error: 'unexpected EOF' };

  const literal = (word: string): Result => {
    for (let k = 1; k < word.length; k++) {
      i++;
      if (i >= n) return eof;
      if (text[i] !== word[k]) return bad(`in literal ${word} (expecting ${quoteChar(word[k]!)})`);
    }
    i++;
    return { end: i };
  };

  const digits = (): number => { const s = i; while (i < n && text[i]! >= '0' && text[i]! <= '9') i++; return i - s; };

  const number = (): Result => {
    if (text[i] === '-') { i++; if (i >= n) return eof; if (!(text[i]! >= '0' && text[i]! <= '9')) return bad('in numeric literal'); }
    if (text[i] === '0') i++; else digits();
    if (text[i] === '.') {
      i++;
      if (i >= n) return eof;
      if (digits() === 0) return bad('after decimal point in numeric literal');
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (i >= n) return eof;
      if (digits() === 0) return bad('in exponent of numeric literal');
    }
    return { end: i };
  };

  const string = (): Result => {
    i++; // opening quote
    while (i < n) {
      const c = text[i]!;
      if (c === '"') { i++; return { end: i }; }
      if (c < ' ') return bad('in string literal');
      if (c === '\\') {
        i++;
        if (i >= n) return eof;
        if (text[i] === 'u') {
          for (let k = 0; k < 4; k++) {
            i++;
            if (i >= n) return eof;
            if (!/[0-9a-fA-F]/.test(text[i]!)) return bad('in \\u hexadecimal character escape');
          }
        } else if (!'"\\/bfnrt'.includes(text[i]!)) return bad('in string escape code');
      }
      i++;
    }
    return eof;
  };

  const value = (): Result => {
    ws();
    if (i >= n) return eof;
    const c = text[i]!;
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    return bad('looking for beginning of value');
  };

  const object = (): Result => {
    i++;
    ws();
    if (i >= n) return eof;
    if (text[i] === '}') { i++; return { end: i }; }
    for (;;) {
      ws();
      if (i >= n) return eof;
      if (text[i] !== '"') return bad('looking for beginning of object key string');
      const k = string();
      if ('error' in k) return k;
      ws();
      if (i >= n) return eof;
      if (text[i] !== ':') return bad('after object key');
      i++;
      const v = value();
      if ('error' in v) return v;
      ws();
      if (i >= n) return eof;
      if (text[i] === '}') { i++; return { end: i }; }
      if (text[i] !== ',') return bad('after object key:value pair');
      i++;
    }
  };

  const array = (): Result => {
    i++;
    ws();
    if (i >= n) return eof;
    if (text[i] === ']') { i++; return { end: i }; }
    for (;;) {
      const v = value();
      if ('error' in v) return v;
      ws();
      if (i >= n) return eof;
      if (text[i] === ']') { i++; return { end: i }; }
      if (text[i] !== ',') return bad('after array element');
      i++;
    }
  };

  ws();
  if (i >= n) return { error: 'EOF' };
  return value();
}

