;; dockerd's json-file string escaping (see go-json-string.ts) as a WebAssembly loop: one table
;; lookup and one 8-byte store per byte, no per-byte branch except at the first byte of a possible
;; multi-byte UTF-8 sequence. The JS loop is branch-bound on binary output (random bytes: 60-90 MB/s
;; of CPU); this one is not. Compiled to go-json-escape-wasm.ts by scripts/gen-go-json-escape-wasm.mjs.
;;
;; Memory (filled by the caller, go-json-string.ts):
;;   [0, 2048)     what each byte value becomes when it stands alone (8 bytes each, zero-padded):
;;                 itself, `\"`, `\\`, `\n`, `\r`, `\u00XX`, or `\ufffd` for every byte >= 0x80
;;   [2048, 2304)  the length of that text (1, 2 or 6)
;;   [2304, 2560)  1 for 0xc2..0xf4, the bytes that may start a valid multi-byte sequence
;;   [2560, 2564)  lines: where in the input it stopped
;;   [src, end)    the input; [out, …) the output, room for 6 bytes per input byte plus 8
(module
  (memory (export "memory") 1)
  (func $encode (export "encode") (param $src i32) (param $end i32) (param $out i32) (result i32)
    (local $b i32) (local $b1 i32) (local $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $b (i32.load8_u (local.get $src)))
        (if (i32.load8_u offset=2304 (local.get $b))
          (then
            (local.set $n (i32.const 0))
            (if (i32.lt_u (local.get $b) (i32.const 0xe0))
              (then
                ;; 2 bytes: one continuation byte
                (if (i32.lt_u (i32.add (local.get $src) (i32.const 1)) (local.get $end))
                  (then
                    (if (i32.eq (i32.and (i32.load8_u offset=1 (local.get $src)) (i32.const 0xc0)) (i32.const 0x80))
                      (then (local.set $n (i32.const 2)))))))
              (else
                (if (i32.lt_u (local.get $b) (i32.const 0xf0))
                  (then
                    ;; 3 bytes: no overlongs (e0 a0..bf), no surrogates (ed 80..9f)
                    (if (i32.lt_u (i32.add (local.get $src) (i32.const 2)) (local.get $end))
                      (then
                        (local.set $b1 (i32.load8_u offset=1 (local.get $src)))
                        (if (select
                              (i32.lt_u (i32.sub (local.get $b1) (i32.const 0xa0)) (i32.const 0x20))
                              (select
                                (i32.lt_u (i32.sub (local.get $b1) (i32.const 0x80)) (i32.const 0x20))
                                (i32.eq (i32.and (local.get $b1) (i32.const 0xc0)) (i32.const 0x80))
                                (i32.eq (local.get $b) (i32.const 0xed)))
                              (i32.eq (local.get $b) (i32.const 0xe0)))
                          (then
                            (if (i32.eq (i32.and (i32.load8_u offset=2 (local.get $src)) (i32.const 0xc0)) (i32.const 0x80))
                              (then (local.set $n (i32.const 3)))))))))
                  (else
                    ;; 4 bytes: no overlongs (f0 90..bf), nothing above U+10FFFF (f4 80..8f)
                    (if (i32.lt_u (i32.add (local.get $src) (i32.const 3)) (local.get $end))
                      (then
                        (local.set $b1 (i32.load8_u offset=1 (local.get $src)))
                        (if (select
                              (i32.lt_u (i32.sub (local.get $b1) (i32.const 0x90)) (i32.const 0x30))
                              (select
                                (i32.lt_u (i32.sub (local.get $b1) (i32.const 0x80)) (i32.const 0x10))
                                (i32.eq (i32.and (local.get $b1) (i32.const 0xc0)) (i32.const 0x80))
                                (i32.eq (local.get $b) (i32.const 0xf4)))
                              (i32.eq (local.get $b) (i32.const 0xf0)))
                          (then
                            (if (i32.and
                                  (i32.eq (i32.and (i32.load8_u offset=2 (local.get $src)) (i32.const 0xc0)) (i32.const 0x80))
                                  (i32.eq (i32.and (i32.load8_u offset=3 (local.get $src)) (i32.const 0xc0)) (i32.const 0x80)))
                              (then (local.set $n (i32.const 4))))))))))))
            (if (local.get $n)
              (then
                ;; U+2028 and U+2029 (e2 80 a8/a9) are escaped as \u2028 / \u2029
                (if (i32.and
                      (i32.eq (local.get $n) (i32.const 3))
                      (i32.eq
                        (i32.and (i32.load (local.get $src)) (i32.const 0xfeffff))
                        (i32.const 0xa880e2)))
                  (then
                    ;; "\u202" then '8' or '9'
                    (i32.store (local.get $out) (i32.const 0x3032755c))
                    (i32.store8 offset=4 (local.get $out) (i32.const 0x32))
                    (i32.store8 offset=5 (local.get $out)
                      (select (i32.const 0x38) (i32.const 0x39)
                        (i32.eq (i32.load8_u offset=2 (local.get $src)) (i32.const 0xa8))))
                    (local.set $out (i32.add (local.get $out) (i32.const 6))))
                  (else
                    ;; a valid sequence is copied as it is (4 bytes stored, n counted)
                    (i32.store (local.get $out) (i32.load (local.get $src)))
                    (local.set $out (i32.add (local.get $out) (local.get $n)))))
                (local.set $src (i32.add (local.get $src) (local.get $n)))
                (br $next)))))
        ;; the byte on its own: its text from the table, 8 bytes stored, its length counted
        (i64.store (local.get $out) (i64.load (i32.shl (local.get $b) (i32.const 3))))
        (local.set $out (i32.add (local.get $out) (i32.load8_u offset=2048 (local.get $b))))
        (local.set $src (i32.add (local.get $src) (i32.const 1)))
        (br $next)))
    (local.get $out))

  ;; Whole json-file records for the lines in [src, end): for each, `{"log":"`, the escaped text,
  ;; `\n` if the line ends there, and the record ending [ending, ending + elen) (`","stream":…}\n`).
  ;; A line of `max` bytes or more is cut into records of `max` bytes without `\n` (dockerd's 16 KiB
  ;; partial records), then the rest (possibly empty) with it. Stops at `end`, when a line's
  ;; newline is not before `end` and less than `max` bytes of it are left, or when the next record
  ;; might not fit below `limit`; the input position reached is stored at 2560. Returns the output end.
  (func (export "lines") (param $src i32) (param $end i32) (param $out i32) (param $limit i32)
      (param $ending i32) (param $elen i32) (param $max i32) (result i32)
    (local $nl i32) (local $stop i32) (local $partial i32) (local $k i32)
    (block $done
      (loop $line
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        ;; the line's newline, or end
        (local.set $nl (local.get $src))
        (block $found
          (loop $scan
            (br_if $found (i32.ge_u (local.get $nl) (local.get $end)))
            (br_if $found (i32.eq (i32.load8_u (local.get $nl)) (i32.const 10)))
            (local.set $nl (i32.add (local.get $nl) (i32.const 1)))
            (br $scan)))
        (loop $record
          (local.set $partial (i32.ge_u (i32.sub (local.get $nl) (local.get $src)) (local.get $max)))
          ;; the line goes on past end and what is left of it here is no whole partial record
          (br_if $done (i32.and (i32.eqz (local.get $partial)) (i32.ge_u (local.get $nl) (local.get $end))))
          (local.set $stop (select (i32.add (local.get $src) (local.get $max)) (local.get $nl) (local.get $partial)))
          (br_if $done (i32.gt_u
            (i32.add (local.get $out)
              (i32.add (i32.mul (i32.sub (local.get $stop) (local.get $src)) (i32.const 6))
                (i32.add (local.get $elen) (i32.const 24))))
            (local.get $limit)))
          ;; {"log":"
          (i64.store (local.get $out) (i64.const 0x223a22676f6c227b))
          (local.set $out (call $encode (local.get $src) (local.get $stop) (i32.add (local.get $out) (i32.const 8))))
          (if (i32.eqz (local.get $partial))
            (then
              ;; \n
              (i32.store16 (local.get $out) (i32.const 0x6e5c))
              (local.set $out (i32.add (local.get $out) (i32.const 2)))))
          (local.set $k (i32.const 0))
          (block $copied
            (loop $copy
              (br_if $copied (i32.ge_u (local.get $k) (local.get $elen)))
              (i64.store (i32.add (local.get $out) (local.get $k)) (i64.load (i32.add (local.get $ending) (local.get $k))))
              (local.set $k (i32.add (local.get $k) (i32.const 8)))
              (br $copy)))
          (local.set $out (i32.add (local.get $out) (local.get $elen)))
          (if (local.get $partial)
            (then
              (local.set $src (local.get $stop))
              (br $record)))
          (local.set $src (i32.add (local.get $nl) (i32.const 1)))
          (br $line))))
    (i32.store (i32.const 2560) (local.get $src))
    (local.get $out)))
