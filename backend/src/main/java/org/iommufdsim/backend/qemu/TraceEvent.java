package org.iommufdsim.backend.qemu;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One declaration of a QEMU {@code trace-events} file, e.g.
 * {@code iommufd_backend_free_id(int iommufd, uint32_t id, int ret) " iommufd=%d id=%d (%d)"}:
 * its name, its typed arguments and its format. {@link #render} gives the exact line QEMU's
 * {@code log} trace backend prints ({@code qemu_log("name " fmt "\n", args...)}), without the
 * newline.
 */
public record TraceEvent(String name, ImmutableList<Arg> args, String format, String source) {
  /** One declared argument. */
  public record Arg(CType type, String name) {}

  private static final Pattern DECL = Pattern.compile("([a-z0-9_]+)\\(([^)]*)\\)\\s*(\".*)");
  private static final Pattern PRI = Pattern.compile("PRI([diuxX])(8|16|32|64)");

  public TraceEvent {
    Objects.requireNonNull(name);
    Objects.requireNonNull(format);
    checkArgument(CFormat.conversions(format) == args.size(),
        "%s: format takes %s arguments, declaration has %s", name,
        CFormat.conversions(format), args.size());
  }

  /** Parses one line of a {@code trace-events} file. */
  public static TraceEvent parse(String line) {
    Matcher m = DECL.matcher(line.trim());
    checkArgument(m.matches(), "not a trace-events declaration: %s", line);
    ImmutableList.Builder<Arg> args = ImmutableList.builder();
    String list = m.group(2).trim();
    if (!list.isEmpty() && !list.equals("void")) {
      for (String a : list.split(",")) {
        String t = a.trim();
        int cut = Math.max(t.lastIndexOf(' '), t.lastIndexOf('*'));
        args.add(new Arg(CType.parse(t.substring(0, cut + 1)), t.substring(cut + 1)));
      }
    }
    return new TraceEvent(m.group(1), args.build(), cString(m.group(3)), line.trim());
  }

  /**
   * The format as the compiler sees it: adjacent string literals concatenated and the
   * {@code PRIx64}-style macros between them expanded as glibc does on x86-64.
   */
  static String cString(String literal) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < literal.length()) {
      char c = literal.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '"') {
        int end = literal.indexOf('"', i + 1);
        checkArgument(end > i, "unterminated string in %s", literal);
        checkArgument(literal.substring(i + 1, end).indexOf('\\') < 0,
            "escapes are not supported: %s", literal);
        sb.append(literal, i + 1, end);
        i = end + 1;
      } else {
        Matcher m = PRI.matcher(literal);
        checkArgument(m.find(i) && m.start() == i, "unexpected text at %s in %s", i, literal);
        sb.append(m.group(2).equals("64") ? "l" : "").append(m.group(1));
        i = m.end();
      }
    }
    return sb.toString();
  }

  /** The line QEMU's log backend prints for these argument values. */
  public String render(Object... values) {
    checkArgument(values.length == args.size(), "%s takes %s arguments, got %s", name,
        args.size(), values.length);
    Object[] raw = new Object[values.length];
    for (int i = 0; i < values.length; i++) {
      raw[i] = args.get(i).type().raw(values[i]);
    }
    return name + " " + CFormat.format(format, raw);
  }
}
