package org.iommufdsim.properties.suites.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the kernel says, read from the host's public outputs only: its syscall trace
 * ({@code Host.trace()}) as calls with their inputs, outputs and answers, and its state dump
 * ({@code Host.stateDump()}) as contexts, objects, IOAS areas and the process's fds. This is the
 * independent side every backend property compares QEMU's output and bookkeeping with.
 */
final class KernelView {
  private KernelView() {}

  /** One system call as the kernel answered it; {@code errno} null on success. */
  record Call(String syscall, String request, int fd, Map<String, String> in,
      Map<String, String> out, long ret, String errno, boolean injected) {
    boolean ok() {
      return errno == null;
    }

    /** A field after the call: the written-back value if any, else the value passed in. */
    long field(String name) {
      String v = out.containsKey(name) ? out.get(name) : in.get(name);
      if (v == null) {
        throw new IllegalStateException("no field " + name + " in " + this);
      }
      return num(v);
    }

    long inField(String name) {
      return num(in.get(name));
    }
  }

  private static final Pattern IOCTL = Pattern.compile(
      "^ioctl\\((-?\\d+), (\\w+), \\{(.*?)\\}\\)(?: => \\{(.*?)\\})? = "
          + "(?:-1 (E[A-Z0-9]+)(?: \\(.*\\))?|(-?\\d+))$");
  private static final Pattern OTHER = Pattern.compile(
      "^(\\w+)\\((.*?)\\) = (?:-1 (E[A-Z0-9]+)(?: \\(.*\\))?|(-?\\d+))$");

  static long num(String v) {
    v = v.strip();
    if (!v.isEmpty() && Character.isLetter(v.charAt(0))) {  // spelled with the header's names
      return org.iommufdsim.sim.uapi.Uapi.valueOf(v).orElseThrow();
    }
    if (v.startsWith("0x")) {
      return Long.parseUnsignedLong(v.substring(2), 16);
    }
    return Long.parseLong(v);
  }

  /** The calls among {@code lines} (host trace lines); comments and unparsed lines skipped. */
  static List<Call> calls(List<String> lines) {
    List<Call> out = new ArrayList<>();
    boolean fired = false;
    for (String raw : lines) {
      if (raw.stripLeading().startsWith("#")) {
        fired |= raw.contains("fail-nth fired");
        continue;
      }
      String l = withoutPid(raw);
      Call quick = ioctlLine(l, fired);
      if (quick != null) {
        out.add(quick);
        fired = false;
        continue;
      }
      Call ioctl = ioctlByPattern(l, fired);
      if (ioctl != null) {
        out.add(ioctl);
        fired = false;
        continue;
      }
      Matcher m = OTHER.matcher(l);
      if (m.matches()) {
        String arg = m.group(2);
        int fd = -1;
        int digits = arg.startsWith("-") ? 1 : 0;
        if (arg.length() > digits && digitsEnd(arg, digits) == arg.length()) {
          fd = Integer.parseInt(arg);
        }
        out.add(new Call(m.group(1), arg, fd, Map.of(), Map.of(),
            m.group(4) != null ? Long.parseLong(m.group(4)) : -1, m.group(3), fired));
        fired = false;
      }
    }
    return out;
  }

  /**
   * An ioctl line read by hand, the common shape only: {@code ioctl(FD, NAME, {IN})}, optionally
   * {@code  => {OUT}}, then {@code  = N} or {@code  = -1 EXXX (reason)}. Null for anything else,
   * which the patterns then read.
   */
  static Call ioctlLine(String l, boolean fired) {
    if (!l.startsWith("ioctl(")) {
      return null;
    }
    int fdEnd = l.indexOf(", ", 6);
    int digits = fdEnd > 6 && l.charAt(6) == '-' ? 7 : 6;
    if (fdEnd <= digits || digitsEnd(l, digits) != fdEnd) {
      return null;
    }
    int nameEnd = l.indexOf(", {", fdEnd + 2);
    if (nameEnd <= fdEnd + 2 || wordEnd(l, fdEnd + 2) != nameEnd) {
      return null;
    }
    int inEnd = l.indexOf("})", nameEnd + 3);
    if (inEnd < 0) {
      return null;
    }
    int at = inEnd + 2;
    String outText = null;
    if (l.startsWith(" => {", at)) {
      int outEnd = l.indexOf("} = ", at + 5);
      if (outEnd < 0) {
        return null;
      }
      outText = l.substring(at + 5, outEnd);
      at = outEnd + 1;
    }
    if (!l.startsWith(" = ", at)) {
      return null;
    }
    at += 3;
    long ret = -1;
    String errno = null;
    if (l.startsWith("-1 E", at)) {
      int e = wordEnd(l, at + 3);
      if (e == l.length() || l.startsWith(" (", e) && l.endsWith(")")) {
        errno = l.substring(at + 3, e);
      } else {
        return null;
      }
    } else {
      int neg = at < l.length() && l.charAt(at) == '-' ? at + 1 : at;
      if (neg == l.length() || digitsEnd(l, neg) != l.length()) {
        return null;
      }
      ret = Long.parseLong(l, at, l.length(), 10);
    }
    return new Call("ioctl", l.substring(fdEnd + 2, nameEnd),
        Integer.parseInt(l, 6, fdEnd, 10), fields(l.substring(nameEnd + 3, inEnd)),
        fields(outText), ret, errno, fired);
  }

  /** An ioctl line read by the pattern (any shape the trace writes), or null. */
  static Call ioctlByPattern(String l, boolean fired) {
    Matcher m = IOCTL.matcher(l);
    if (!m.matches()) {
      return null;
    }
    return new Call("ioctl", m.group(2), Integer.parseInt(m.group(1)), fields(m.group(3)),
        fields(m.group(4)), m.group(6) != null ? Long.parseLong(m.group(6)) : -1, m.group(5),
        fired);
  }

  private static Map<String, String> fields(String s) {
    Map<String, String> m = new LinkedHashMap<>();
    if (s == null || s.isBlank()) {
      return m;
    }
    for (String kv : s.split(", ")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        m.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return m;
  }

  /**
   * One IOAS of the dump: its alignment, areas and reserved ranges ({first, last} pairs), and
   * whether any area is backed by something other than a file.
   */
  record Ioas(long align, List<long[]> areas, List<long[]> reserved, boolean[] nonFile) {}

  /** One iommufd context: its object lines (as dumped) and IOASes by id. */
  record Ctx(List<String> objects, Map<Integer, Ioas> ioas) {}

  /** The dump: contexts in creation order, and the fds of each pid. */
  record Dump(String text, List<Ctx> ctxs, Map<Integer, Map<Integer, String>> fds) {
    /** Read-only views: one parse is shared by every reader of the same state. */
    Dump {
      ctxs = java.util.Collections.unmodifiableList(ctxs);
      fds = java.util.Collections.unmodifiableMap(fds);
    }

    /** The object lines of every context, without the {@code users=} counts' noise kept. */
    String objectTable() {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < ctxs.size(); i++) {
        sb.append("ctx ").append(i).append('\n');
        ctxs.get(i).objects().forEach(o -> sb.append("  ").append(o).append('\n'));
      }
      fds.forEach((pid, m) -> sb.append("pid ").append(pid).append(" fds ").append(m)
          .append('\n'));
      return sb.toString();
    }
  }

  /** The end of the run of decimal digits at {@code from} ({@code from} if there is none). */
  private static int digitsEnd(String s, int from) {
    int i = from;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i;
  }

  private static int hexEnd(String s, int from) {
    int i = from;
    while (i < s.length() && Character.digit(s.charAt(i), 16) >= 0
        && !Character.isUpperCase(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** The end of the word ({@code \\w+}: letters, digits, underscore) at {@code from}. */
  private static int wordEnd(String s, int from) {
    int i = from;
    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
      i++;
    }
    return i;
  }

  /** A trace line without its {@code pid N: } prefix. */
  private static String withoutPid(String raw) {
    if (raw.startsWith("pid ")) {
      int end = digitsEnd(raw, 4);
      if (end > 4 && raw.startsWith(": ", end)) {
        return raw.substring(end + 2);
      }
    }
    return raw;
  }

  static Dump dump(String text) {
    List<Ctx> ctxs = new ArrayList<>();
    Map<Integer, Map<Integer, String>> fds = new TreeMap<>();
    Ctx cur = null;
    int curIoas = -1;
    for (String l : text.split("\n")) {
      if (l.startsWith("ctx ")) {
        cur = new Ctx(new ArrayList<>(), new TreeMap<>());
        ctxs.add(cur);
        curIoas = -1;
        continue;
      }
      // read by hand: this runs after every action of the backend suites, on the whole dump
      if (l.startsWith("  id ")) {
        int idEnd = digitsEnd(l, 5);
        int whatEnd = idEnd > 5 && idEnd < l.length() && l.charAt(idEnd) == ' '
            ? wordEnd(l, idEnd + 1) : -1;
        if (whatEnd > idEnd + 1 && cur != null) {
          cur.objects().add(l.strip());
          curIoas = -1;
          if (l.startsWith("IOAS", idEnd + 1) && whatEnd == idEnd + 5) {
            curIoas = Integer.parseInt(l, 5, idEnd, 10);
            int a = l.indexOf(" align=");
            int alignEnd = a < 0 ? -1 : digitsEnd(l, a + 7);
            long align = a >= 0 && alignEnd > a + 7 ? Long.parseLong(l, a + 7, alignEnd, 10) : 1;
            cur.ioas().put(curIoas, new Ioas(align, new ArrayList<>(), new ArrayList<>(),
                new boolean[1]));
          }
          continue;
        }
      }
      boolean area = l.startsWith("    area 0x");
      if (area || l.startsWith("    reserved 0x")) {
        int from = area ? 11 : 15;
        int firstEnd = hexEnd(l, from);
        int lastEnd = firstEnd > from && l.startsWith("-0x", firstEnd) ? hexEnd(l, firstEnd + 3)
            : -1;
        if (lastEnd > firstEnd + 3 && cur != null && curIoas >= 0) {
          long[] r = {Long.parseUnsignedLong(l, from, firstEnd, 16),
              Long.parseUnsignedLong(l, firstEnd + 3, lastEnd, 16)};
          Ioas io = cur.ioas().get(curIoas);
          (area ? io.areas() : io.reserved()).add(r);
          if (area && !l.contains(" FILE@")) {
            io.nonFile()[0] = true;
          }
          continue;
        }
      }
      if (l.startsWith("pid ")) {
        int pidEnd = digitsEnd(l, 4);
        int at = pidEnd;
        if (l.startsWith(" exited", at)) {
          at += 7;
        }
        if (pidEnd > 4 && l.startsWith(" fds", at)) {
          Map<Integer, String> f = new TreeMap<>();
          for (String p : l.substring(at + 4).strip().split(" ")) {
            int eq = p.indexOf('=');
            if (eq > 0) {
              f.put(Integer.parseInt(p.substring(0, eq)), p.substring(eq + 1));
            }
          }
          fds.put(Integer.parseInt(l, 4, pidEnd, 10), f);
          cur = null;
        }
      }
    }
    return new Dump(text, ctxs, fds);
  }
}
