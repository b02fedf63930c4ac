package org.iommufdsim.properties.suites.guests;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One system call as the simulated kernel traced it ({@code pid N: ioctl(4, IOMMU_DESTROY,
 * {size=0x8, id=5}) = 0}): the syscall name ({@code ioctl}, {@code read}, ...), the ioctl request
 * name or null, the fd, the fields passed in and written back, and the answer (a value or an
 * errno name). Parsed from the kernel's text, never from the port's, so it is the kernel's view.
 */
record KernelCall(String syscall, String request, int fd, Map<String, Long> in,
    Map<String, Long> out, long value, String errno, String line) {
  private static final Pattern HEAD = Pattern.compile("^(?:pid \\d+: )?(\\w+)\\((.*)$");
  private static final Pattern FIELD =
      Pattern.compile("([A-Za-z_][\\w.\\[\\]]*)=(-?0x[0-9a-f]+|-?\\d+|[A-Z][A-Z0-9_]*"
          + "(?:\\|(?:[A-Z][A-Z0-9_]*|0x[0-9a-f]+))*)");
  private static final Pattern RESULT =
      Pattern.compile(" = (?:(-1) (E[A-Z0-9]+)(?: \\(.*\\))?|(-?(?:0x[0-9a-f]+|\\d+)))$");

  /** The fd of a call whose first argument is no number (a path, as fail-nth's write). */
  static final int NO_FD = Integer.MIN_VALUE;

  boolean ok() {
    return errno == null;
  }

  boolean isIoctl(String name) {
    return "ioctl".equals(syscall) && name.equals(request);
  }

  long in(String field) {
    Long v = in.get(field);
    if (v == null) {
      throw new AssertionError("the kernel's trace has no field " + field + " in: " + line);
    }
    return v;
  }

  long out(String field) {
    Long v = out.get(field);
    if (v == null) {
      throw new AssertionError("the kernel's trace has no output " + field + " in: " + line);
    }
    return v;
  }

  /** Parses one host-trace line; null for comments and lines that are no system call. */
  static KernelCall parse(String raw) {
    String l = raw.strip();
    if (l.startsWith("#")) {
      return null;
    }
    Matcher h = HEAD.matcher(l);
    if (!h.matches()) {
      return null;
    }
    String syscall = h.group(1);
    String rest = h.group(2);
    Matcher r = RESULT.matcher(rest);
    if (!r.find()) {
      return null;
    }
    String args = rest.substring(0, r.start());
    long value = r.group(3) != null ? decode(r.group(3)) : -1;
    String errno = r.group(2);
    String outText = "";
    int arrow = args.indexOf(" => ");
    if (arrow >= 0) {
      outText = args.substring(arrow + 4);
      args = args.substring(0, arrow);
    }
    if (args.endsWith(")")) {
      args = args.substring(0, args.length() - 1);
    }
    int fd = NO_FD;
    String request = null;
    String[] parts = args.split(", ", 3);
    if (parts.length > 0 && parts[0].matches("-?\\d+")) {
      fd = Integer.parseInt(parts[0]);
    }
    if ("ioctl".equals(syscall) && parts.length > 1) {
      request = parts[1].replaceAll("[^A-Z0-9_].*$", "");
    }
    return new KernelCall(syscall, request, fd, fields(args), fields(outText), value, errno, l);
  }

  private static Map<String, Long> fields(String text) {
    Map<String, Long> m = new TreeMap<>();
    Matcher f = FIELD.matcher(text);
    while (f.find()) {
      m.putIfAbsent(f.group(1), decode(f.group(2)));
    }
    return m;
  }

  static long decode(String s) {
    if (Character.isLetter(s.charAt(0))) {  // a flag set or enum, spelled as the header does
      return org.iommufdsim.sim.uapi.Uapi.valueOf(s).orElseThrow();
    }
    boolean neg = s.startsWith("-");
    String t = neg ? s.substring(1) : s;
    long v = t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
    return neg ? -v : v;
  }
}
