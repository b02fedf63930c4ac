package org.iommufdsim.sim.uapi;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.UnionLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A C struct of the uAPI: the single source of truth for its size, its minimum size and the
 * offset of every field. The layout is a {@link java.lang.foreign.MemoryLayout} built with
 * explicit padding, so a member at the wrong alignment fails when the class loads; the
 * flattened field table is derived from it by name, never written by hand.
 *
 * <p>Build with the static factories: {@code CStruct.of("iommu_destroy", "id", u32("size"),
 * u32("id"))}. Members of anonymous unions and structs are flattened into the parent's path;
 * named nested members get dotted paths; arrays get bracketed paths.
 */
public final class CStruct {
  private static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
  private static final ValueLayout.OfShort U16 =
      ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfInt U32 =
      ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong U64 =
      ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
  /** Marks a signed scalar (e.g. {@code __s32 fd}) in the layout's name. */
  private static final String SIGNED = "$signed";

  private final String name;
  private final StructLayout layout;
  private final long minSize;
  private final ImmutableList<CField> fields;
  private final ImmutableMap<String, CField> byPath;

  private CStruct(String name, StructLayout layout, long minSize) {
    this.name = name;
    this.layout = layout;
    this.minSize = minSize;
    List<CField> out = new ArrayList<>();
    flattenChildren(layout, "", 0, out);
    this.fields = ImmutableList.copyOf(out);
    ImmutableMap.Builder<String, CField> b = ImmutableMap.builder();
    for (CField f : out) {
      b.put(f.path(), f);
    }
    this.byPath = b.buildOrThrow();
  }

  /**
   * A struct whose minimum size is the end of {@code lastMandatory} (the kernel's
   * {@code offsetofend}); pass {@code null} when every byte is mandatory.
   */
  public static CStruct of(String name, String lastMandatory, MemoryLayout... members) {
    StructLayout layout = MemoryLayout.structLayout(members).withName(name);
    CStruct s = new CStruct(name, layout, layout.byteSize());
    if (lastMandatory == null) {
      return s;
    }
    return new CStruct(name, layout, s.memberEnd(lastMandatory));
  }

  /** A struct with no optional tail (minimum size = size). */
  public static CStruct of(String name, MemoryLayout... members) {
    return of(name, null, members);
  }

  // ---- member factories ----

  public static MemoryLayout u8(String name) {
    return U8.withName(name);
  }

  public static MemoryLayout u16(String name) {
    return U16.withName(name);
  }

  public static MemoryLayout u32(String name) {
    return U32.withName(name);
  }

  public static MemoryLayout s32(String name) {
    return U32.withName(name + SIGNED);
  }

  public static MemoryLayout u64(String name) {
    return U64.withName(name);
  }

  /** Explicit padding; the uAPI has none implicit, but test structs may. */
  public static MemoryLayout pad(long bytes) {
    return MemoryLayout.paddingLayout(bytes);
  }

  public static MemoryLayout array(String name, long count, MemoryLayout element) {
    return MemoryLayout.sequenceLayout(count, element).withName(name);
  }

  /** A named nested struct member ({@code struct {...} name;}). */
  public static MemoryLayout struct(String name, MemoryLayout... members) {
    return MemoryLayout.structLayout(members).withName(name);
  }

  /** A named union member; pass {@code null} for an anonymous union. */
  public static MemoryLayout union(String name, MemoryLayout... members) {
    UnionLayout u = MemoryLayout.unionLayout(members);
    return name == null ? u : u.withName(name);
  }

  /** An anonymous struct inside a union. */
  public static MemoryLayout anonStruct(MemoryLayout... members) {
    return MemoryLayout.structLayout(members);
  }

  // ---- queries ----

  /** The C name without {@code struct}, e.g. {@code iommu_ioas_map}. */
  public String name() {
    return name;
  }

  public StructLayout layout() {
    return layout;
  }

  /** {@code sizeof} the struct. */
  public int size() {
    return (int) layout.byteSize();
  }

  /** End of the last mandatory member; a shorter user struct is EINVAL. */
  public int minSize() {
    return (int) minSize;
  }

  /** Every scalar leaf in offset order (union members in declaration order). */
  public ImmutableList<CField> fields() {
    return fields;
  }

  public Optional<CField> find(String path) {
    return Optional.ofNullable(byPath.get(path));
  }

  /** The field at {@code path}; a misspelt path is a bug in our code. */
  public CField field(String path) {
    CField f = byPath.get(path);
    checkArgument(f != null, "struct %s has no field %s", name, path);
    return f;
  }

  public long offset(String path) {
    return field(path).offset();
  }

  /** End offset of a member, scalar or aggregate (for {@code offsetofend}). */
  public long memberEnd(String path) {
    CField f = byPath.get(path);
    if (f != null) {
      return f.end();
    }
    long end = -1;
    for (CField c : fields) {
      if (c.path().startsWith(path + ".") || c.path().startsWith(path + "[")) {
        end = Math.max(end, c.end());
      }
    }
    checkArgument(end >= 0, "struct %s has no member %s", name, path);
    return end;
  }

  /** A zeroed buffer of the struct's full size. */
  public byte[] newBuffer() {
    return new byte[size()];
  }

  @Override
  public String toString() {
    return "struct " + name + " (" + size() + " bytes, min " + minSize + ")";
  }

  private static void flatten(MemoryLayout l, String prefix, long base, List<CField> out) {
    switch (l) {
      case ValueLayout v -> {
        String n = v.name().orElseThrow();
        boolean signed = n.endsWith(SIGNED);
        if (signed) {
          n = n.substring(0, n.length() - SIGNED.length());
        }
        out.add(new CField(prefix + n, base, (int) v.byteSize(), signed));
      }
      case GroupLayout g ->
          flattenChildren(g, g.name().map(n -> prefix + n + ".").orElse(prefix), base, out);
      case SequenceLayout s -> flattenMember(s, prefix, base, out);
      case PaddingLayout ignored -> { }
    }
  }

  private static void flattenChildren(
      GroupLayout g, String prefix, long base, List<CField> out) {
    long off = 0;
    for (MemoryLayout m : g.memberLayouts()) {
      flattenMember(m, prefix, g instanceof StructLayout ? base + off : base, out);
      off += m.byteSize();
    }
  }

  private static void flattenMember(MemoryLayout m, String prefix, long base, List<CField> out) {
    if (m instanceof SequenceLayout s) {
      String n = prefix + s.name().orElseThrow();
      MemoryLayout e = s.elementLayout();
      for (long i = 0; i < s.elementCount(); i++) {
        long eb = base + i * e.byteSize();
        String ep = n + "[" + i + "]";
        if (e instanceof ValueLayout v) {
          out.add(new CField(ep, eb, (int) v.byteSize(), false));
        } else {
          flatten(e.withName(ep), "", eb, out);
        }
      }
    } else if (m instanceof GroupLayout g && g.name().isEmpty()) {
      flatten(g, prefix, base, out);
    } else {
      flatten(m, prefix, base, out);
    }
  }
}
