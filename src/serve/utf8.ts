/**
 * Where a body stops being valid UTF-8, named as a JSON path (`events[3].title`), so a refusal says which event to
 * look at. Only run on a body that `isUtf8` rejected: the hot path never gets here.
 */

/** Byte offset of the first invalid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]!
    if (b < 0x80) {
      i++
      continue
    }
    let need: number
    let min: number
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80]
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800]
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000]
    else return i
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07)
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]
      if (c === undefined || (c & 0xc0) !== 0x80) return i
      cp = (cp << 6) | (c & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i
    i += need + 1
  }
  return -1
}

/**
 * The JSON path of the value that holds byte `offset` of a JSON text (bytes, so offsets are exact), e.g.
 * `events[3].title`; `(body)` when it is outside any value. A malformed text yields the path as far as it went.
 */
export function jsonPathAt(bytes: Uint8Array, offset: number): string {
  // stack of containers: for an object the current key, for an array the current index
  const stack: Array<{array: boolean; key: string; index: number}> = []
  let i = 0
  let expectKey = false
  const path = () => stack.map((s, n) => (s.array ? `[${s.index}]` : n === 0 ? s.key : `.${s.key}`)).join('') || '(body)'
  while (i < bytes.length && i <= offset) {
    const b = bytes[i]!
    if (b === 0x22) {
      // a string: a key or a value
      const start = i + 1
      i++
      while (i < bytes.length && bytes[i] !== 0x22) i += bytes[i] === 0x5c ? 2 : 1
      if (offset < i + 1 && offset >= start - 1) {
        if (expectKey && stack.length > 0) stack[stack.length - 1]!.key = decodeKey(bytes, start, i)
        return path()
      }
      if (expectKey && stack.length > 0) {
        stack[stack.length - 1]!.key = decodeKey(bytes, start, i)
        expectKey = false
      }
      i++
      continue
    }
    if (b === 0x7b) {
      stack.push({array: false, key: '', index: 0})
      expectKey = true
    } else if (b === 0x5b) stack.push({array: true, key: '', index: 0})
    else if (b === 0x7d || b === 0x5d) stack.pop()
    else if (b === 0x2c) {
      const top = stack[stack.length - 1]
      if (top?.array) top.index++
      else if (top) expectKey = true
    }
    i++
  }
  return path()
}

function decodeKey(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.subarray(start, end)).toString('utf8')
}
