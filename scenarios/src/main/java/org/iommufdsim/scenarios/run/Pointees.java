package org.iommufdsim.scenarios.run;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;
import org.iommufdsim.scenarios.ast.FieldArg;
import org.iommufdsim.scenarios.ast.Value;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.CStruct;

/**
 * The pointed-to data conveniences, one per row of the contract's table: the step gives the
 * data, the runner places it and fills the pointer and length fields it implies.
 */
final class Pointees {
  /** The most bytes of a pointed-to buffer the runner reads back to name its contents. */
  private static final long MAX_DECODE = 1L << 20;

  /** {@code IOMMU_IOAS_IOVA_RANGES}'s buffer size in entries, when it differs from the capacity. */
  static final String RANGES_BUFFER = "allowed_iovas_buffer";

  private final Machine m;

  Pointees(Machine m) {
    this.m = m;
  }

  /** Whether {@code f} is a convenience of {@code ioctl} rather than a field of its struct. */
  static boolean isConvenience(String ioctl, FieldArg f) {
    Value v = f.value();
    return switch (ioctl) {
      case "IOMMU_HWPT_ALLOC", "IOMMU_VIOMMU_ALLOC" ->
          f.path().equals("data") && v instanceof Value.StructLit;
      case "IOMMU_HWPT_INVALIDATE" -> f.path().equals("data") && v instanceof Value.ListLit;
      case "IOMMU_IOAS_ALLOW_IOVAS" ->
          f.path().equals("allowed_iovas") && v instanceof Value.ListLit;
      case "IOMMU_HWPT_GET_DIRTY_BITMAP" -> f.path().equals("bitmap_bytes");
      case "IOMMU_IOAS_IOVA_RANGES" -> f.path().equals(RANGES_BUFFER);
      default -> false;
    };
  }

  /**
   * The data a step's conveniences imply.
   *
   * @param image the struct with every named field already laid out
   * @param conv the convenience pairs by name
   * @param named the struct fields the step named
   */
  List<Pointee> build(String ioctl, CStruct s, byte[] image, Map<String, FieldArg> conv,
      Set<String> named) {
    List<Pointee> out = new ArrayList<>();
    switch (ioctl) {
      case "IOMMU_HWPT_ALLOC" -> dataStruct(conv, s.field("data_type").get(image),
          UapiData::hwptData, "data_type").ifPresent(out::add);
      case "IOMMU_VIOMMU_ALLOC" -> dataStruct(conv, s.field("type").get(image),
          UapiData::viommuData, "type").ifPresent(out::add);
      case "IOMMU_HWPT_INVALIDATE" -> entries(conv, s.field("data_type").get(image),
          m.isViommu(s.field("hwpt_id").get(image))).ifPresent(out::add);
      case "IOMMU_IOAS_ALLOW_IOVAS" -> ranges(conv).ifPresent(out::add);
      case "IOMMU_IOAS_IOVA_RANGES" -> {
        if (conv.containsKey(RANGES_BUFFER)) {
          out.add(rangeBuffer(conv.get(RANGES_BUFFER), s.field("num_iovas").get(image), named));
        } else if (named.contains("num_iovas") && !named.contains("allowed_iovas")) {
          out.add(rangeBuffer(s.field("num_iovas").get(image), Map.of()));
        }
      }
      case "IOMMU_GET_HW_INFO" -> {
        if (named.contains("data_len") && !named.contains("data_uptr")) {
          out.add(hwInfoBuffer(s.field("data_len").get(image)));
        }
      }
      case "IOMMU_HWPT_GET_DIRTY_BITMAP" -> bitmap(conv).ifPresent(out::add);
      default -> { }
    }
    return out;
  }

  private Optional<Pointee> dataStruct(Map<String, FieldArg> conv, long type,
      LongFunction<Optional<CStruct>> lookup, String typeField) {
    FieldArg f = conv.get("data");
    if (f == null) {
      return Optional.empty();
    }
    CStruct ds = lookup.apply(type).orElseThrow(() -> Env.unknown(f.pos(),
        "no data struct is known for " + typeField + "=0x" + Long.toHexString(type)));
    byte[] buf = ds.newBuffer();
    m.writer.fill(ds, buf, 0, (Value.StructLit) f.value());
    return Optional.of(new Pointee("data_uptr", buf.length, buf, Map.of("data_len",
        (long) buf.length), (before, after, st, out) -> fields(ds, before, after, "data.", out)));
  }

  private Optional<Pointee> entries(Map<String, FieldArg> conv, long type, boolean viommu) {
    FieldArg f = conv.get("data");
    if (f == null) {
      return Optional.empty();
    }
    CStruct es = UapiData.invalidateEntry(type, viommu).orElseThrow(() -> Env.unknown(f.pos(),
        "no invalidation entry struct is known for data_type=0x" + Long.toHexString(type)));
    List<Value> items = ((Value.ListLit) f.value()).elements();
    byte[] buf = concat(es, items, "data");
    return Optional.of(new Pointee("data_uptr", buf.length, buf,
        Map.of("entry_len", (long) es.size(), "entry_num", (long) items.size()), Pointee.NONE));
  }

  private Optional<Pointee> ranges(Map<String, FieldArg> conv) {
    FieldArg f = conv.get("allowed_iovas");
    if (f == null) {
      return Optional.empty();
    }
    CStruct rs = UapiData.struct("iommu_iova_range");
    List<Value> items = ((Value.ListLit) f.value()).elements();
    byte[] buf = concat(rs, items, "allowed_iovas");
    return Optional.of(new Pointee("allowed_iovas", buf.length, buf,
        Map.of("num_iovas", (long) items.size()), Pointee.NONE));
  }

  /**
   * {@code allowed_iovas_buffer=N}: a zeroed array of N ranges, which may be larger than the
   * capacity {@code num_iovas} the kernel is told (N unless the step names it), so that an
   * outcome can check that entries past the capacity stay zero.
   */
  private Pointee rangeBuffer(FieldArg f, long numIovas, Set<String> named) {
    if (named.contains("allowed_iovas")) {
      throw Env.bad(f.pos(), RANGES_BUFFER + " lays out the array allowed_iovas points to;"
          + " give one of allowed_iovas= and " + RANGES_BUFFER + "=, not both");
    }
    long n = m.env.evalInt(f.value(), RANGES_BUFFER);
    long entries = MAX_DECODE / UapiData.struct("iommu_iova_range").size();
    if (Long.compareUnsigned(n, entries) > 0) {
      throw Env.bad(f.value().pos(), RANGES_BUFFER + " takes at most " + entries
          + " entries (the runner reads every entry back after the call), not "
          + Long.toUnsignedString(n));
    }
    if (named.contains("num_iovas") && Long.compareUnsigned(n, numIovas) < 0) {
      throw Env.bad(f.value().pos(), RANGES_BUFFER + "=" + n + " is smaller than num_iovas="
          + Long.toUnsignedString(numIovas) + ": the kernel may write num_iovas entries, so the"
          + " buffer needs at least that many");
    }
    return rangeBuffer(n, Map.of("num_iovas", n));
  }

  private Pointee rangeBuffer(long n, Map<String, Long> implied) {
    CStruct rs = UapiData.struct("iommu_iova_range");
    return new Pointee("allowed_iovas", n * rs.size(), new byte[0], implied,
        (before, after, st, out) -> {
          for (int i = 0; (i + 1) * rs.size() <= after.length; i++) {
            fieldsAt(rs, before, after, i * rs.size(), "allowed_iovas[" + i + "].", out);
          }
        });
  }

  private Pointee hwInfoBuffer(long n) {
    return new Pointee("data_uptr", n, new byte[0], Map.of(), (before, after, st, out) -> {
      long type = UapiData.struct("iommu_hw_info").field("out_data_type").get(st);
      UapiData.hwInfoData(type).ifPresent(ds -> fields(ds, before, after, "data.", out));
    });
  }

  private Optional<Pointee> bitmap(Map<String, FieldArg> conv) {
    FieldArg f = conv.get("bitmap_bytes");
    if (f == null) {
      return Optional.empty();
    }
    long n = m.env.evalInt(f.value(), "bitmap_bytes");
    if (Long.compareUnsigned(n, Scratch.ARENA) > 0) {
      throw Env.bad(f.value().pos(), "bitmap_bytes is larger than the runner's scratch memory ("
          + Scratch.ARENA + " bytes)");
    }
    return Optional.of(new Pointee("data", n, new byte[0], Map.of(), (before, after, st, out) -> {
      for (int i = 0; (i + 1) * 8 <= after.length; i++) {
        long v = u64(after, i * 8);
        boolean changed = v != u64(before, i * 8);
        out.add(new Observation("bitmap[" + i + "]", "bitmap[" + i + "]", v, 8, false, changed));
      }
    }));
  }

  private byte[] concat(CStruct es, List<Value> items, String what) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    for (Value v : items) {
      if (!(v instanceof Value.StructLit lit)) {
        throw Env.bad(v.pos(), what + " takes a list of struct literals {...}");
      }
      byte[] b = es.newBuffer();
      m.writer.fill(es, b, 0, lit);
      buf.writeBytes(b);
    }
    return buf.toByteArray();
  }

  private static long u64(byte[] b, int at) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[at + i] & 0xffL);
    }
    return v;
  }

  /** How many bytes of a buffer of {@code length} to read back after the call. */
  static int decodeLength(long length) {
    return (int) Math.min(length, MAX_DECODE);
  }

  private static void fields(CStruct s, byte[] before, byte[] after, String prefix, Observed out) {
    fieldsAt(s, before, after, 0, prefix, out);
  }

  private static void fieldsAt(CStruct s, byte[] before, byte[] after, int base, String prefix,
      Observed out) {
    String[] groups = org.iommufdsim.sim.uapi.Uapi.fieldGroups(s);
    int index = -1;
    for (CField f : s.fields()) {
      index++;
      if (base + f.end() > after.length) {
        continue;
      }
      long v = f.get(after, base);
      boolean changed = v != f.get(before, base);
      String name = prefix + f.path();
      out.add(new Observation(name, name, v, f.width(), f.signed(), changed, groups[index]));
    }
  }
}
