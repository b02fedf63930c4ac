package org.iommufdsim.backend.qemu;

/**
 * The subset of C's {@code printf} that QEMU's trace formats and messages use, with glibc's
 * x86-64 behaviour: {@code %d} prints the low 32 bits signed (so a {@code uint32_t} above
 * {@code INT32_MAX} prints negative, as in QEMU), {@code %u} unsigned, {@code %x} the low 32
 * bits in hex, {@code %ld}/{@code %lx} all 64 bits ({@code PRIx64} is {@code "lx"} on x86-64),
 * {@code %p} {@code 0x...} or {@code (nil)}, {@code %s} a string, {@code %%} a percent sign.
 * Arguments are the raw bits of the C value (see {@link CType#raw}).
 */
public final class CFormat {
  private CFormat() {}

  /** Formats {@code fmt} with {@code args}; the count and conversions must match. */
  public static String format(String fmt, Object... args) {
    StringBuilder out = new StringBuilder();
    int next = 0;
    for (int i = 0; i < fmt.length(); i++) {
      char c = fmt.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      int start = i;
      String spec = spec(fmt, i);
      i += spec.length();
      if (spec.equals("%")) {
        out.append('%');
        continue;
      }
      if (next >= args.length) {
        throw new IllegalArgumentException("too few arguments for " + fmt);
      }
      out.append(convert(spec, args[next++], fmt, start));
    }
    if (next != args.length) {
      throw new IllegalArgumentException("too many arguments for " + fmt);
    }
    return out.toString();
  }

  /** Checks that every conversion of {@code fmt} is supported; returns how many it takes. */
  public static int conversions(String fmt) {
    int n = 0;
    for (int i = 0; i < fmt.length(); i++) {
      if (fmt.charAt(i) == '%') {
        String spec = spec(fmt, i);
        i += spec.length();
        if (!spec.equals("%")) {
          n++;
        }
      }
    }
    return n;
  }

  private static String spec(String fmt, int at) {
    for (String s : new String[] {"ld", "lx", "lu", "d", "u", "x", "p", "s", "%"}) {
      if (fmt.startsWith(s, at + 1)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unsupported conversion at " + at + " in " + fmt);
  }

  private static String convert(String spec, Object arg, String fmt, int at) {
    if (spec.equals("s")) {
      return String.valueOf(arg);
    }
    if (!(arg instanceof Long raw)) {
      throw new IllegalArgumentException("%" + spec + " at " + at + " in " + fmt
          + " needs a number, not " + arg);
    }
    long v = raw;
    return switch (spec) {
      case "d" -> Integer.toString((int) v);
      case "u" -> Long.toString(v & 0xffffffffL);
      case "x" -> Integer.toHexString((int) v);
      case "ld" -> Long.toString(v);
      case "lu" -> Long.toUnsignedString(v);
      case "lx" -> Long.toHexString(v);
      case "p" -> v == 0 ? "(nil)" : "0x" + Long.toHexString(v);
      default -> throw new IllegalArgumentException("unsupported conversion %" + spec);
    };
  }
}
