package org.iommufdsim.backend.qemu;

/**
 * The C types that appear in QEMU's trace-event declarations, and how a Java value becomes the
 * raw bits C would pass through varargs: narrow unsigned types are zero-extended, {@code int}
 * sign-extended, {@code bool} is 0 or 1.
 */
public enum CType {
  INT("int"),
  BOOL("bool"),
  UINT8("uint8_t"),
  UINT16("uint16_t"),
  UINT32("uint32_t"),
  INT32("int32_t"),
  UINT64("uint64_t"),
  INT64("int64_t"),
  UNSIGNED_LONG("unsigned long"),
  SIZE_T("size_t"),
  SSIZE_T("ssize_t"),
  VOID_PTR("void *"),
  CONST_CHAR_PTR("const char *");

  private final String spelling;

  CType(String spelling) {
    this.spelling = spelling;
  }

  public String spelling() {
    return spelling;
  }

  /** The type spelt {@code s} in a trace-events declaration. */
  public static CType parse(String s) {
    String t = s.replaceAll("\\s+", " ").replace(" *", " *").trim();
    for (CType c : values()) {
      if (c.spelling.equals(t)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unsupported C type '" + s + "'");
  }

  /** The value as C passes it; strings stay strings. */
  public Object raw(Object v) {
    if (this == CONST_CHAR_PTR) {
      return String.valueOf(v);
    }
    long n = switch (v) {
      case Boolean b -> b ? 1 : 0;
      case Number x -> x.longValue();
      default -> throw new IllegalArgumentException(spelling + " cannot take " + v);
    };
    return switch (this) {
      case BOOL -> n != 0 ? 1L : 0L;
      case UINT8 -> n & 0xffL;
      case UINT16 -> n & 0xffffL;
      case UINT32 -> n & 0xffffffffL;
      case INT, INT32 -> (long) (int) n;
      case UINT64, INT64, UNSIGNED_LONG, SIZE_T, SSIZE_T, VOID_PTR -> n;
      case CONST_CHAR_PTR -> throw new AssertionError();
    };
  }
}
